import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from '../../core/log.js';
import type { HistorySeries } from '../../../shared/api/types.js';
import type { HistoryTrend } from '../../../shared/history/types.js';
import { Store } from '../../core/store/store.js';
import { CommandError, UsageError, attachSignedValues, parseTimeArg, timeForms } from '../args.js';
import { formatCount } from '../../../shared/format/units.js';

export const historyHelp = `Usage: sensorvault history --db <file> --tag <id> [--from <time>] [--to <time>] [--format csv|json] [--limit N]
       sensorvault history --db <file> --tag <id> --points N [--from <time>] [--to <time>] [--format csv|json]
       sensorvault history export --db <file> --from <time> --to <time> --out <file.csv> [--tags <pattern>] [--force]

Prints committed readings of one tag, oldest first, with times in UTC (ISO 8601).
Default range: the last hour (--from -1h --to now). Default format: csv
(ts,value,quality,status,receive_ts: status says why a reading is not good, receive_ts
is set where the device's or a timestamp point's time differs from the receive time).
json prints one object per line. Opens the database read-only, so
it works while run, gateway or demo is writing it.

--points N prints at most N points for the range instead (csv: ts,value,quality): every
reading of a short range when they fit, else the decimated trend (first, min, max and
last of each time bucket, so no extreme is dropped), from raw readings or, for long
ranges, the 1 min / 1 h rollups. Where the points came from goes to stderr. Run 'sensorvault history export --help' for the
CSV export of many tags.

Times for --from and --to:
${timeForms}`;

export async function historyCommand(argv: string[], log: Logger, out: (line: string) => void): Promise<number> {
  if (argv[0] === 'export') return (await import('./history-export.js')).historyExportCommand(argv.slice(1), log, out);
  const { values } = parseArgs({
    args: attachSignedValues(argv, ['--from', '--to']),
    options: {
      db: { type: 'string' },
      tag: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      limit: { type: 'string' },
      points: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
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
  const points = values.points === undefined ? undefined : Number(values.points);
  if (points !== undefined && (!Number.isInteger(points) || points < 1)) throw new UsageError(`--points: "${values.points}" is not a positive integer; e.g. --points 2000`);
  if (points !== undefined && values.limit !== undefined) throw new UsageError('--points and --limit exclude each other: --points N prints at most N points for the whole range; drop one');
  const tag = values.tag;
  const { store, dbPath } = await openReadOnly(values.db, log);
  try {
    await requireTags(store, [tag], dbPath);
    if (points !== undefined) {
      printTrend(await store.queryTrend(tag, from, to, points), format, out);
      return 0;
    }
    const series = await store.queryHistory(tag, from, to, limit);
    if (format === 'csv') out('ts,value,quality,status,receive_ts');
    series.points.forEach(([, value, quality], i) => {
      if (format === 'csv') return out(historyCsv(series, i));
      const row = historyRow(series, i);
      out(JSON.stringify({ tag, ts: row.iso, value, quality, ...(row.status === undefined ? {} : { status: row.status }), ...(row.receiveIso === undefined ? {} : { receiveTs: row.receiveIso }) }));
    });
    if (series.truncated) log.warn(`more than ${limit} readings in range; printed the newest ${limit} (raise --limit)`);
  } finally {
    await store.close();
  }
  return 0;
}

/** A read-only Store on `db` (history, history export, db stats), or why there is none. */
export async function openReadOnly(db: string, log: Logger): Promise<{ store: Store; dbPath: string }> {
  const dbPath = path.resolve(db);
  if (!existsSync(dbPath)) throw new CommandError(`${dbPath}: no such database; pass the file given to run/gateway/demo --db`);
  const store = await Store.open({ path: dbPath, retention: { maxAgeDays: 3650, maxSizeMiB: 1_048_576 }, log, readOnly: true });
  return { store, dbPath };
}

/** Refuses tag ids the database does not hold, naming them and the known ones. */
async function requireTags(store: Store, tags: string[], dbPath: string): Promise<void> {
  const known = await store.listTagIds();
  const missing = tags.find((t) => !known.includes(t));
  if (missing !== undefined) {
    throw new CommandError(`no tag "${missing}" in ${dbPath}; known tags: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''}`);
  }
}

function printTrend(trend: HistoryTrend, format: 'csv' | 'json', out: (line: string) => void): void {
  if (format === 'csv') out('ts,value,quality');
  trend.points.forEach(([ts, value, quality], i) => {
    const iso = new Date(ts).toISOString();
    const status = trend.statuses?.[i] ?? undefined;
    if (format === 'csv') out(`${iso},${csvField(value)},${quality}`);
    else out(JSON.stringify({ tag: trend.tagId, ts: iso, value, quality, ...(status === undefined ? {} : { status }) }));
  });
  // Data on stdout stays pure: where the points came from is a note on stderr.
  const bucket = trend.bucketMs === 0 ? '' : `, bucket ${formatSeconds(trend.bucketMs)}`;
  process.stderr.write(`# source: ${trend.source}${bucket}, ${formatCount(trend.points.length)} points for ${formatCount(trend.readings)} readings\n`);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toPrecision(4))} s`;
}

/** Reading `i` of a series as history prints it: the json form's parts (the csv form is historyCsv). */
function historyRow(series: HistorySeries, i: number): { iso: string; status?: string; receiveIso?: string } {
  const ts = series.points[i]![0];
  const status = series.statuses?.[i] ?? undefined;
  const received = series.receiveTs?.[i];
  // The receive time only where it differs from ts (a source or timestamp-point time).
  const receiveIso = received === undefined || received === ts ? undefined : new Date(received).toISOString();
  return { iso: new Date(ts).toISOString(), ...(status === undefined ? {} : { status }), ...(receiveIso === undefined ? {} : { receiveIso }) };
}

/** Reading `i` as csv fields ts,value,quality,status,receive_ts (history export prefixes the tag). */
export function historyCsv(series: HistorySeries, i: number): string {
  const [ts, value, quality] = series.points[i]!;
  const status = series.statuses?.[i];
  const received = series.receiveTs?.[i];
  const receiveIso = received === undefined || received === ts ? '' : new Date(received).toISOString();
  const valueText = typeof value === 'number' ? String(value) : csvField(value);
  return `${new Date(ts).toISOString()},${valueText},${quality},${status == null ? '' : csvField(status)},${receiveIso}`;
}

export function csvField(value: unknown): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
