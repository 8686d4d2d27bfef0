import { parseArgs } from 'node:util';
import type { ModbusScan } from '../../../shared/api/types.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import { analyse, MODBUS_DRIVERS, parseScanRange, readRegisterBlock, ScanError } from '../../core/modbus-scan/scan.js';
import { CommandError, UsageError } from '../args.js';
import { driverForEndpoint } from '../endpoint.js';

export const modbusHelp = `Usage: sensorvault modbus scan <endpoint> --from <address> [--count <n>] [--json]

The register-map assistant: reads <n> registers (default 16, at most 250) from <address>
twice, about 1 s apart, and prints for each start register every plausible decoding
(type, order, value), most plausible first, and the 0/1-based offset hint.

  --from <address>   first register: hr:<n>, ir:<n>, Modicon 40001/30001 (RTU: u7/hr:<n>)
  --count <n>        registers to read, 1..250 (default 16)
  --json             a JSON array, one object per start register:
                     {"address":"hr:8","candidates":[{"type":"float32","order":"cdab",
                      "value":3.14159,"score":0.65,"hints":[...],"tagAddress":"hr:8:float32:cdab"}],
                      "offsetHint":"..."}   (offsetHint only when there is one)

Orders are byte layouts: ab/ba (16-bit), abcd cdab badc dcba (32-bit), abcdefgh ghefcdab
badcfehg hgfedcba (64-bit); tagAddress is the point address that reads that decoding.
Score: 0..1, from finite floats with few digits, small round integers, counters that count.
Exits 0 when the block was read, 1 when it could not be read, 2 on a usage error.

Example:
  sensorvault modbus scan 'modbus-tcp://127.0.0.1:502?unit=1' --from hr:0 --count 20`;

const DEFAULT_COUNT = 16;

export async function modbusCommand(argv: string[], registry: DriverRegistry, out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    out(modbusHelp);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'scan') throw new UsageError(`unknown modbus command "${sub}"; try: sensorvault modbus scan <endpoint> --from hr:0 --count 16`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { from: { type: 'string' }, count: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    out(modbusHelp);
    return 0;
  }
  const [endpoint, ...extra] = positionals;
  if (endpoint === undefined) throw new UsageError('modbus scan needs an endpoint, e.g. modbus-tcp://127.0.0.1:502?unit=1 (see sensorvault modbus --help)');
  if (extra.length > 0) throw new UsageError(`unexpected "${extra.join(' ')}"; give the start with --from and the size with --count`);
  if (values.from === undefined) throw new UsageError('--from: missing; give the first register, e.g. --from hr:0 or --from 40001');
  const count = values.count === undefined ? DEFAULT_COUNT : Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 250) throw new UsageError(`--count: "${values.count}" must be a whole number of registers, 1..250`);

  const { definition, create, settings } = driverForEndpoint(endpoint, registry);
  if (!MODBUS_DRIVERS.includes(definition.id)) throw new UsageError(`${endpoint} is ${definition.title}; modbus scan needs a modbus-tcp:// or modbus-rtu:// endpoint`);
  let scan: ModbusScan;
  try {
    const range = parseScanRange(values.from, count, (text) => definition.parseAddress(text));
    const read = await readRegisterBlock(create, range, { timeoutMs: settings.timeoutMs ?? 1000, where: endpoint });
    scan = analyse(endpoint, values.from, range, read);
  } catch (error) {
    if (error instanceof ScanError) {
      if (error.code === 'invalid-params') throw new UsageError(error.message.replace(/^from:/, '--from:').replace(/^count:/, '--count:'));
      throw new CommandError(error.message);
    }
    throw error;
  }
  if (values.json === true) {
    out(JSON.stringify(scan.starts));
    return 0;
  }
  for (const line of formatScan(scan)) out(line);
  return 0;
}

const hex = (word: number): string => `0x${word.toString(16).toUpperCase().padStart(4, '0')}`;

/** The text report: per start register its word, then the ranked decodings in aligned columns. */
export function formatScan(scan: ModbusScan): string[] {
  const lines: string[] = [`${scan.count} register(s) from ${scan.from}, read ${new Date(scan.readAt).toISOString()}; most plausible first`];
  scan.starts.forEach((start, index) => {
    lines.push('');
    lines.push(`${start.address}  ${hex(scan.words[index] as number)}`);
    if (start.candidates.length === 0) lines.push('  (no plausible decoding)');
    for (const c of start.candidates) {
      const value = String(c.value);
      lines.push(`  ${c.type.padEnd(8)}${c.order.padEnd(10)}${value.padStart(16)}  score ${c.score.toFixed(2)}  ${c.tagAddress.padEnd(24)}${c.hints.join(', ')}`);
    }
    if (start.offsetHint !== undefined) lines.push(`  ! ${start.offsetHint}`);
  });
  return lines;
}
