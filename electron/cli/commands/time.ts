import { parseArgs } from 'node:util';
import { TIME_FORMATS, catalogueMarkdown, decodeTime, findTimeFormat, guessTimeFormat, parseTimeValue, type DstPolicy } from '../../../shared/time/index.js';
import { CommandError, UsageError } from '../args.js';

export const timeHelp = `Usage: sensorvault time formats [--json | --markdown]
       sensorvault time decode --format <name> [--tz <IANA>] [--dst earlier|later|reject] [--pivot YY] [--json] <value>
       sensorvault time guess [--tz <IANA>] [--json] <sample> <sample>...

The timestamp catalogue: named formats of device time (docs/timestamp-formats.md).

formats   one format per line: its name, family, input, resolution and epoch
          (--json: the whole catalogue; --markdown: the documentation page)
decode    prints the UTC ISO 8601 time with as many fraction digits as the format
          resolves; a value it cannot decode is an error on stderr (exit 1)
guess     ranks the formats that decode every sample to a time in 1990..2100

<value> is a number (1774751400, 45678.5; read as written, so digits beyond 2^53 are kept), text
(quote it: '29.03.2026 02:30:00'), or for byte and register layouts the bytes in wire
order as hex: 0x2301151230450000. Negative numbers work as values (-1).

Local-time formats are read in --tz (default UTC). --dst says what a local time in a
DST gap or overlap becomes: earlier, later, or reject (default: an error that says so).
--pivot: two-digit years below it are 20yy, others 19yy (default 70).`;

const VALUE_OPTIONS = ['--format', '--tz', '--dst', '--pivot'];

/** Splits off values like -1 that parseArgs would read as options. */
function split(argv: readonly string[]): { args: string[]; negatives: string[] } {
  const args: string[] = [];
  const negatives: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^-\d/.test(a) && !VALUE_OPTIONS.includes(argv[i - 1] ?? '')) negatives.push(a);
    else args.push(a);
  }
  return { args, negatives };
}

export function timeCommand(argv: string[], out: (line: string) => void): number {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    out(timeHelp);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'formats') return formats(rest, out);
  if (sub === 'decode') return decode(rest, out);
  if (sub === 'guess') return guess(rest, out);
  throw new UsageError(`time: unknown subcommand "${sub}"; use formats, decode or guess (sensorvault time --help)`);
}

function formats(argv: string[], out: (line: string) => void): number {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, markdown: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(timeHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`time formats takes no arguments (got "${positionals.join(' ')}")`);
  if (values.json === true && values.markdown === true) throw new UsageError('time formats: choose --json or --markdown, not both');
  if (values.markdown === true) {
    out(catalogueMarkdown().replace(/\n$/, ''));
    return 0;
  }
  if (values.json === true) {
    out(JSON.stringify(TIME_FORMATS, null, 2));
    return 0;
  }
  const width = Math.max(...TIME_FORMATS.map((f) => f.name.length));
  for (const f of TIME_FORMATS) {
    const input = f.input === 'bytes' ? `bytes(${f.byteLength})` : f.input;
    out(`${f.name.padEnd(width)}  ${f.family}; ${input}; ${f.local ? 'local time' : 'UTC'}; ${f.resolution.unit}; epoch ${f.epoch}`);
  }
  return 0;
}

function decodeOptions(values: { tz?: string; dst?: string; pivot?: string }): { timeZone?: string; dst?: DstPolicy; pivotYear?: number } {
  const options: { timeZone?: string; dst?: DstPolicy; pivotYear?: number } = {};
  if (values.tz !== undefined) options.timeZone = values.tz;
  if (values.dst !== undefined) {
    if (values.dst !== 'earlier' && values.dst !== 'later' && values.dst !== 'reject') throw new UsageError(`--dst: "${values.dst}" is not earlier, later or reject`);
    options.dst = values.dst;
  }
  if (values.pivot !== undefined) {
    const p = Number(values.pivot);
    if (!/^\d{1,2}$/.test(values.pivot) || p > 99) throw new UsageError(`--pivot: "${values.pivot}" is not a two-digit year 0..99`);
    options.pivotYear = p;
  }
  return options;
}

function decode(argv: string[], out: (line: string) => void): number {
  const { args, negatives } = split(argv);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', short: 'f' }, tz: { type: 'string' }, dst: { type: 'string' }, pivot: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    out(timeHelp);
    return 0;
  }
  if (values.format === undefined) throw new UsageError('time decode needs --format <name>; list the names with `sensorvault time formats`');
  const format = findTimeFormat(values.format);
  if (format === undefined) {
    const r = decodeTime(values.format, 0);
    throw new UsageError(r.ok ? `unknown time format "${values.format}"` : r.error);
  }
  const words = [...positionals, ...negatives];
  if (words.length === 0) throw new UsageError(`time decode needs a value, e.g. sensorvault time decode --format ${format.name} ${format.example.value.includes(' ') ? `'${format.example.value}'` : format.example.value}`);
  const raw = words.join(' ');
  // The text as typed: number formats read it as an exact decimal, so no digit is lost.
  const options = decodeOptions(values);
  const r = decodeTime(format.name, raw, options);
  if (!r.ok) throw new CommandError(r.error.includes('choose dst=') ? `${r.error} (--dst earlier or --dst later)` : r.error);
  if (values.json === true) {
    out(JSON.stringify({ format: format.name, value: raw, iso: r.iso, ms: r.ms, kind: r.kind, ...(r.duration === undefined ? {} : { duration: r.duration }) }));
  } else {
    out(r.iso);
  }
  return 0;
}

function guess(argv: string[], out: (line: string) => void): number {
  const { args, negatives } = split(argv);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { tz: { type: 'string' }, dst: { type: 'string' }, pivot: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    out(timeHelp);
    return 0;
  }
  const samples = [...positionals, ...negatives].map((s) => {
    const v = parseTimeValue(s);
    return v instanceof Uint8Array ? s : v;
  });
  if (samples.length === 0) throw new UsageError('time guess needs one or more sample values');
  const guesses = guessTimeFormat(samples, decodeOptions(values));
  if (guesses.length === 0) throw new CommandError(`no format decodes every sample to a time in 1990..2100; check the values or list the formats with \`sensorvault time formats\``);
  for (const g of guesses) out(values.json === true ? JSON.stringify(g) : `${g.name}  score ${g.score.toFixed(2)}  ${g.decoded.join(' ')}`);
  return 0;
}
