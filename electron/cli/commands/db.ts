import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DbStats } from '../../../shared/history/types.js';
import type { Logger } from '../../core/log.js';
import { Store } from '../../core/store/store.js';
import { CommandError, UsageError, parseDuration } from '../args.js';
import { formatBytes, formatBytesExact, formatCount, formatDuration, formatTimeAgo } from '../../../shared/format/units.js';
import { openReadOnly } from './history.js';

export const dbHelp = `Usage: sensorvault db stats --db <file> [--json]
       sensorvault db compact --db <file> [--older-than <duration>]

stats     what the database holds: readings, tags, oldest and newest time, bytes on disk,
          bytes per reading, hot vs compacted share, rollup coverage, WAL size, last
          prune. Read-only: works while run, gateway or demo is writing the database.
          --json prints one line, the DbStats object (shared/history/types.ts).
compact   compacts hot readings into per-tag blocks now, as the background job would
          later, then prints the stats. --older-than 2h compacts only readings older
          than that (e.g. 90s, 10m, 2h, 7d); default: everything. Needs the writer lock,
          so it is refused while another process writes the database.`;

export async function dbCommand(argv: string[], log: Logger, out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'stats':
      return await statsCommand(rest, log, out);
    case 'compact':
      return await compactCommand(rest, log, out);
    case undefined:
    case '--help':
    case '-h':
      out(dbHelp);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`db: unknown subcommand "${sub}"; use db stats or db compact (sensorvault db --help)`);
  }
}

async function statsCommand(argv: string[], log: Logger, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(dbHelp);
    return 0;
  }
  if (values.db === undefined) throw new UsageError('db stats needs --db <file>');
  const { store } = await openReadOnly(values.db, log);
  try {
    const stats = await store.dbStats();
    if (values.json === true) out(JSON.stringify(stats));
    else for (const line of formatStats(stats)) out(line);
  } finally {
    await store.close();
  }
  return 0;
}

async function compactCommand(argv: string[], log: Logger, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, 'older-than': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(dbHelp);
    return 0;
  }
  if (values.db === undefined) throw new UsageError('db compact needs --db <file>');
  const olderThanMs = values['older-than'] === undefined ? 0 : parseDuration(values['older-than'], '--older-than');
  const dbPath = path.resolve(values.db);
  if (!existsSync(dbPath)) throw new CommandError(`${dbPath}: no such database; pass the file given to run/gateway/demo --db`);
  // Read-write: another writer makes open reject with DatabaseLockedError, whose one-line
  // message names the holder and what to do (main prints it, exit 1). No retention here:
  // the project's retention is not known, and compacting must never delete.
  const store = await Store.open({ path: dbPath, retention: { maxAgeDays: 365_000, maxSizeMiB: 1_048_576 }, pruneIntervalMs: 2_147_483_647, log });
  try {
    const result = await store.compactNow(olderThanMs);
    const scope = olderThanMs === 0 ? 'all hot readings' : `hot readings older than ${formatDuration(olderThanMs)}`;
    out(`compacted ${formatCount(result.readings)} readings of ${formatCount(result.tags)} tags into ${formatCount(result.blocks)} blocks in ${formatDuration(result.ms)} (${scope})`);
    out('');
    for (const line of formatStats(await store.dbStats())) out(line);
  } finally {
    await store.close();
  }
  return 0;
}

function percent(share: number): string {
  const p = share * 100;
  return `${p > 0 && p < 1 ? p.toFixed(1) : Math.round(p)} %`;
}

/** db stats for people: one aligned `label  value` line each, every number with its unit. */
export function formatStats(s: DbStats, now = Date.now()): string[] {
  const rows: Array<[string, string]> = [
    ['database', s.path],
    ['readings', `${formatCount(s.readings)} (${formatCount(s.hotReadings)} hot, ${formatCount(s.compactedReadings)} compacted in ${formatCount(s.blocks)} blocks)`],
    ['tags', formatCount(s.tags)],
    ['oldest', s.oldestTs === undefined ? 'none (no readings)' : formatTimeAgo(s.oldestTs, now)],
    ['newest', s.newestTs === undefined ? 'none (no readings)' : formatTimeAgo(s.newestTs, now)],
    ['file on disk', formatBytesExact(s.fileBytes)],
    ['  readings', `${formatBytesExact(s.readingBytes)}: hot table ${formatBytes(s.hotBytes)}, blocks ${formatBytes(s.blockBytes)}`],
    ['  rollups', formatBytesExact(s.rollupBytes)],
    ['  free pages', formatBytesExact(s.freeBytes)],
    ['WAL', formatBytesExact(s.walBytes)],
    ['bytes per reading', `${s.bytesPerReading.toFixed(1)} B`],
    ['hot', `${percent(s.hotShare)} of readings (not yet compacted)`],
    ...(['1m', '1h'] as const).map((resolution): [string, string] => {
      const r = s.rollups[resolution];
      const span = r.oldestTs === undefined || r.newestTs === undefined ? '' : `, ${new Date(r.oldestTs).toISOString()} to ${new Date(r.newestTs).toISOString()}`;
      return [`rollups ${resolution === '1m' ? '1 min' : '1 h'}`, `${formatCount(r.rows)} rows${span}`];
    }),
    [
      'last compaction',
      s.lastCompaction === undefined
        ? 'never'
        : `${formatTimeAgo(s.lastCompaction.at, now)}: ${formatCount(s.lastCompaction.readings)} readings into ${formatCount(s.lastCompaction.blocks)} blocks in ${formatDuration(s.lastCompaction.ms)}`,
    ],
    ['last prune', s.lastPrune === undefined ? 'never' : `${formatTimeAgo(s.lastPrune.at, now)}: ${s.lastPrune.message}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${label.padEnd(width)}${value}`);
}
