import { parseArgs } from 'node:util';
import { describeSource, listSerialPorts, type PortListing } from '../../core/serial/ports.js';
import { CommandError, UsageError } from '../args.js';

export const portsHelp = `Usage: sensorvault ports [--json]

Lists the serial ports of this machine (for Modbus RTU devices), one line each:
  <path>  manufacturer=<...> serial=<...> vid:pid=<vendor>:<product>
and a last line naming where the list came from.
--json prints one JSON object per line:
  {"path","manufacturer","serialNumber","vendorId","productId","pnpId","source"}
(null where the system does not know; source is "udev", "sysfs" or "system").

On Linux the list comes from udev (udevadm) when it is installed, otherwise from what the
kernel shows (/sys/class/tty, /dev/serial/by-id), as in containers and minimal installs.
Virtual ports (ptys, socat) are not listed: give their path directly.

Use a path in an endpoint: sensorvault read 'modbus-rtu:///dev/ttyUSB0?baud=19200&parity=even&unit=1' hr:0`;

/** `list` is the port lister; injectable so hosts and tests can reuse the formatting. */
export async function portsCommand(argv: string[], out: (line: string) => void, list: () => Promise<PortListing> = () => listSerialPorts()): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(portsHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`ports takes no arguments, got "${positionals.join(' ')}" (see sensorvault ports --help)`);
  let listing: PortListing;
  try {
    listing = await list();
  } catch (error) {
    throw new CommandError(`cannot list serial ports: ${error instanceof Error ? error.message : String(error)}`);
  }
  const ports = [...listing.ports].sort((a, b) => a.path.localeCompare(b.path));
  for (const p of ports) {
    if (values.json === true) {
      out(
        JSON.stringify({ path: p.path, manufacturer: p.manufacturer ?? null, serialNumber: p.serialNumber ?? null, vendorId: p.vendorId ?? null, productId: p.productId ?? null, pnpId: p.pnpId ?? null, source: listing.source }),
      );
    } else {
      const vidPid = p.vendorId !== undefined || p.productId !== undefined ? `${p.vendorId ?? '?'}:${p.productId ?? '?'}` : '-';
      out(`${p.path}  manufacturer=${p.manufacturer ?? '-'} serial=${p.serialNumber ?? '-'} vid:pid=${vidPid}`);
    }
  }
  if (values.json !== true) {
    if (ports.length === 0) out('no serial ports found (virtual ports such as ptys are not listed; give their path directly)');
    out(`source: ${describeSource(listing)}`);
  }
  return 0;
}
