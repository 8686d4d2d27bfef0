import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import { CommandError, UsageError } from '../args.js';

export const portsHelp = `Usage: sensorvault ports [--json]

Lists the serial ports of this machine (for Modbus RTU devices), one line each:
  <path>  manufacturer=<...> serial=<...> vid:pid=<vendor>:<product>
--json prints one JSON object per line: {"path","manufacturer","serialNumber","vendorId","productId","pnpId"}
(null where the system does not know). Virtual ports (ptys, socat) are usually not listed:
the system lists ports it found through its device manager (udev on Linux).

Use a path in an endpoint: sensorvault read 'modbus-rtu:///dev/ttyUSB0?baud=19200&parity=even&unit=1' hr:0`;

interface PortEntry {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  pnpId?: string;
}

/** `list` is the system's port lister; injectable so hosts can reuse the formatting. */
export async function portsCommand(argv: string[], out: (line: string) => void, list: () => Promise<PortEntry[]> = () => SerialPort.list()): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(portsHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`ports takes no arguments, got "${positionals.join(' ')}" (see sensorvault ports --help)`);
  let ports: PortEntry[];
  try {
    ports = await list();
  } catch (error) {
    throw new CommandError(`cannot list serial ports: ${error instanceof Error ? error.message : String(error)}`);
  }
  ports.sort((a, b) => a.path.localeCompare(b.path));
  for (const p of ports) {
    if (values.json === true) {
      out(JSON.stringify({ path: p.path, manufacturer: p.manufacturer ?? null, serialNumber: p.serialNumber ?? null, vendorId: p.vendorId ?? null, productId: p.productId ?? null, pnpId: p.pnpId ?? null }));
    } else {
      const vidPid = p.vendorId !== undefined || p.productId !== undefined ? `${p.vendorId ?? '?'}:${p.productId ?? '?'}` : '-';
      out(`${p.path}  manufacturer=${p.manufacturer ?? '-'} serial=${p.serialNumber ?? '-'} vid:pid=${vidPid}`);
    }
  }
  if (ports.length === 0 && values.json !== true) out('no serial ports found (virtual ports such as ptys are not listed; give their path directly)');
  return 0;
}
