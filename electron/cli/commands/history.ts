import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from '../../core/log.js';
import { Store } from '../../core/store/store.js';
import { CommandError, UsageError, attachSignedValues, parseTimeArg, timeForms } from '../args.js';

export const historyHelp = `Usage: sensorvault history --db <file> --tag <id> [--from <time>] [--to <time>] [--format csv|json] [--limit N]

Prints committed readings of one tag, oldest first, with times in UTC (ISO 8601).
Default range: the last hour (--from -1h --to now). Default format: csv
(ts,value,quality,status,receive_ts: status says why a reading is not good, receive_ts
is set where the device's or a timestamp point's time differs from the receive time).
json prints one object per line. Opens the database read-only, so
it works while run, gateway or demo is writing it.

Times for --from and --to:
${timeForms}`;

export async function historyCommand(argv: string[], log: Logger, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: attachSignedValues(argv, ['--from', '--to']),
    options: { db: { type: 'string' }, tag: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    out(historyHelp);
    return 0;
  }
  if (values.db === undefined) throw new UsageError('history needs --db <file>');
  if (values.tag === undefined) throw new UsageError('history needs --tag <id>');
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format: "${format}" is not csv or json`);
  const now = Date.now();
  const to = values.to === undefined ? now : parseTimeArg(values.to, '--to', now);
  const from = values.from === undefined ? to - 3_600_000 : parseTimeArg(values.from, '--from', now);
  if (to < from) throw new UsageError(`--to (${new Date(to).toISOString()}) is before --from (${new Date(from).toISOString()}); swap them`);
  const limit = values.limit === undefined ? 1_000_000 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: "${values.limit}" is not a positive integer`);
  const dbPath = path.resolve(values.db);
  if (!existsSync(dbPath)) throw new CommandError(`${dbPath}: no such database; pass the file given to run/gateway/demo --db`);
  const store = await Store.open({ path: dbPath, retention: { maxAgeDays: 3650, maxSizeMiB: 1_048_576 }, log, readOnly: true });
  try {
    const known = await store.listTagIds();
    if (!known.includes(values.tag)) {
      throw new CommandError(`no tag "${values.tag}" in ${dbPath}; known tags: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''}`);
    }
    const series = await store.queryHistory(values.tag, from, to, limit);
    if (format === 'csv') out('ts,value,quality,status,receive_ts');
    series.points.forEach(([ts, value, quality], i) => {
      const iso = new Date(ts).toISOString();
      const status = series.statuses?.[i] ?? undefined;
      const received = series.receiveTs?.[i];
      // The receive time only where it differs from ts (a source or timestamp-point time).
      const receiveIso = received === undefined || received === ts ? undefined : new Date(received).toISOString();
      if (format === 'csv') out(`${iso},${csvField(value)},${quality},${csvField(status ?? null)},${receiveIso ?? ''}`);
      else out(JSON.stringify({ tag: values.tag, ts: iso, value, quality, ...(status === undefined ? {} : { status }), ...(receiveIso === undefined ? {} : { receiveTs: receiveIso }) }));
    });
    if (series.truncated) log.warn(`more than ${limit} readings in range; printed the newest ${limit} (raise --limit)`);
  } finally {
    await store.close();
  }
  return 0;
}

function csvField(value: unknown): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
