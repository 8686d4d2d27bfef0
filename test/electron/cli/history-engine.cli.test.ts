import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbStatsSchema } from '../../../shared/history/types.js';
import type { Reading } from '../../../shared/reading.js';
import { createLogger } from '../../../electron/core/log.js';
import { Store } from '../../../electron/core/store/store.js';
import { type LongRunning, assertBuilt, cliBin, runCli, startCli } from '../../support/cli.js';
import { tempDir } from '../../support/project.js';

// The history engine's CLI (issue 10): the built `sensorvault` against one real SQLite
// file, filled with the real Store beforehand: history --points, history export,
// db stats and db compact, and compact refused while a real gateway holds the writer lock.
const tmp = tempDir('sensorvault-history-cli-');
const env = { SENSORVAULT_HOME: tmp.file('home') };
const db = tmp.file('plant.db');
const started: LongRunning[] = [];

// Two days ago, on a whole second: older than nothing any default retention removes.
const base = Math.floor((Date.now() - 2 * 86_400_000) / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const FLOW_MAX = 1000.5;
const FLOW_MIN = -999.25;

/** line1.flow: 10,000 noisy floats at 1 Hz with one spike up and one down. */
function flowReadings(): Reading[] {
  return Array.from({ length: 10_000 }, (_, i): Reading => {
    const value = i === 4321 ? FLOW_MAX : i === 7777 ? FLOW_MIN : 50 + 10 * Math.sin(i / 100) + ((i * 7919) % 101) / 1013;
    if (i >= 2000 && i < 2010) return { tagId: 'line1.flow', ts: base + i * 1000, value, quality: 'uncertain', status: 'sensor out of range' };
    return { tagId: 'line1.flow', ts: base + i * 1000, value, quality: 'good' };
  });
}

const expected: Reading[] = [
  ...flowReadings(),
  ...Array.from({ length: 500 }, (_, i): Reading => ({ tagId: 'line1.running', ts: base + i * 20_000, value: Math.floor(i / 7) % 2 === 0, quality: 'good' })),
  ...Array.from({ length: 300 }, (_, i): Reading => {
    const ts = base + i * 30_000 + 17;
    if (i % 50 === 49) return { tagId: 'pump-a', ts, value: null, quality: 'bad', status: 'no response' };
    // Quotes and commas exercise the CSV quoting; some readings carry a device time.
    return { tagId: 'pump-a', ts, value: i % 3 === 0 ? `mode "auto", step ${i}` : `manual ${i}`, quality: 'good', ...(i % 10 === 0 ? { receiveTs: ts + 250 } : {}) };
  }),
];
const other: Reading[] = Array.from({ length: 10 }, (_, i) => ({ tagId: 'other', ts: base + i * 1000, value: i, quality: 'good' }));
const exported = ['line1.flow', 'line1.running', 'pump-a'];
const total = expected.length + other.length;

beforeAll(async () => {
  assertBuilt();
  const store = await Store.open({ path: db, retention: { maxAgeDays: 3650, maxSizeMiB: 4096 }, log: createLogger('fill', { level: 'warn' }) });
  try {
    await store.ensureTags([...exported, 'other'].map((tagId) => ({ tagId, name: tagId, unit: '' })));
    const all = [...expected, ...other];
    for (let i = 0; i < all.length; i += 2000) await store.append(all.slice(i, i + 2000));
  } finally {
    await store.close();
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  tmp.remove();
});

const cli = (args: string[]) => runCli(args, { cwd: tmp.dir, env, timeoutMs: 120_000 });
const from = iso(base - 1000);
const to = iso(base + 86_400_000);

/** RFC 4180 records (quoted fields with "" and commas), without the trailing empty line. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && (c === ',' || c === '\n')) {
      row.push(field);
      field = '';
      if (c === '\n') {
        rows.push(row);
        row = [];
      }
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The export's rows back as readings, typed by what each tag stores. */
function readingsOf(csv: string): Reading[] {
  const [header, ...rows] = parseCsv(csv);
  expect(header).toEqual(['tag', 'ts', 'value', 'quality', 'status', 'receive_ts']);
  return rows.map(([tagId, ts, value, quality, status, receiveTs]) => {
    const parsed = value === '' ? null : tagId === 'line1.flow' ? Number(value) : tagId === 'line1.running' ? value === 'true' : value!;
    return {
      tagId: tagId!,
      ts: Date.parse(ts!),
      value: parsed,
      quality: quality as Reading['quality'],
      ...(receiveTs === '' ? {} : { receiveTs: Date.parse(receiveTs!) }),
      ...(status === '' ? {} : { status: status! }),
    };
  });
}

/** The one `sensorvault: ...` line the CLI prints for an error. */
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('sensorvault: '));

describe('help and usage', () => {
  it('db and history export have --help; a wrong subcommand or flag value is a usage error', async () => {
    for (const args of [['db', '--help'], ['db', 'stats', '--help'], ['db', 'compact', '--help'], ['history', 'export', '--help']]) {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`Usage: sensorvault ${args[0]} ${args[0] === 'db' ? 'stats' : 'export'}`));
    }
    const unknown = await cli(['db', 'vacuum', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/db: unknown subcommand "vacuum"; use db stats or db compact/);
    const both = await cli(['history', '--db', db, '--tag', 'other', '--points', '10', '--limit', '5']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--points and --limit exclude each other/);
    const glob = await cli(['history', 'export', '--db', db, '--tags', 'a,,b', '--from', from, '--to', to, '--out', tmp.file('g.csv')]);
    expect(glob.code).toBe(2);
    expect(glob.stderr).toMatch(/--tags: "a,,b" has an empty pattern between commas/);
  });
});

describe('sensorvault history --points', () => {
  it('returns at most N points over 10,000 readings and keeps the global min and max', async () => {
    const csv = await cli(['history', '--db', db, '--tag', 'line1.flow', '--from', from, '--to', to, '--points', '100']);
    expect(csv.code).toBe(0);
    const [header, ...rows] = csv.stdout.trim().split('\n');
    expect(header).toBe('ts,value,quality');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(100);
    const values = rows.map((r) => Number(r.split(',')[1]));
    expect(Math.max(...values)).toBe(FLOW_MAX);
    expect(Math.min(...values)).toBe(FLOW_MIN);
    expect(csv.stderr).toMatch(/^# source: (decimated|rollup-1m|rollup-1h), bucket [\d.]+ s, [\d,]+ points for 10,000 readings$/m);

    const json = await cli(['history', '--db', db, '--tag', 'line1.flow', '--from', from, '--to', to, '--points', '100', '--format', 'json']);
    expect(json.code).toBe(0);
    const points = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { tag: string; ts: string; value: number; quality: string });
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points[0]).toMatchObject({ tag: 'line1.flow', quality: expect.stringMatching(/good|uncertain|bad/) });
    expect(points.map((p) => p.value)).toEqual(expect.arrayContaining([FLOW_MAX, FLOW_MIN]));
  });

  it('prints every reading of a short range when they fit, and refuses a bad --points', async () => {
    // 10 readings in 10 s: raw (a range of hours would be read from the 1 min rollups).
    const few = await cli(['history', '--db', db, '--tag', 'other', '--from', from, '--to', iso(base + 20_000), '--points', '100']);
    expect(few.code).toBe(0);
    expect(few.stdout.trim().split('\n').slice(1)).toEqual(other.map((r) => `${iso(r.ts)},${String(r.value)},good`));
    expect(few.stderr).toBe('# source: raw, 10 points for 10 readings\n');
    const bad = await cli(['history', '--db', db, '--tag', 'other', '--points', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--points: "0" is not a positive integer/);
  });

  it('leaves plain history as it was', async () => {
    const plain = await cli(['history', '--db', db, '--tag', 'pump-a', '--from', from, '--to', to]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toBe('');
    const lines = plain.stdout.trim().split('\n');
    expect(lines[0]).toBe('ts,value,quality,status,receive_ts');
    expect(lines[1]).toBe(`${iso(base + 17)},"mode ""auto"", step 0",good,,${iso(base + 17 + 250)}`);
    expect(lines.length).toBe(301);
  });
});

describe('sensorvault history export', () => {
  it('round-trips every reading of 3 tags picked by glob, and refuses to overwrite without --force', async () => {
    const out = tmp.file('export.csv');
    const result = await cli(['history', 'export', '--db', db, '--tags', 'line1.*,pump-?', '--from', from, '--to', to, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/export: 3\/3 tags, 10,800 readings, [\d.]+ (KiB|MiB) to .*export\.csv in /);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(readingsOf(readFileSync(out, 'utf8'))).toEqual(expected);

    const again = await cli(['history', 'export', '--db', db, '--tags', 'pump-a', '--from', from, '--to', to, '--out', out]);
    expect(again.code).toBe(1);
    expect(errorLines(again.stderr)).toEqual([expect.stringMatching(/export\.csv exists; pass --force to overwrite it/)]);
    const forced = await cli(['history', 'export', '--db', db, '--tags', 'pump-a', '--from', from, '--to', to, '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(readingsOf(readFileSync(out, 'utf8'))).toEqual(expected.filter((r) => r.tagId === 'pump-a'));
  });

  it('names the pattern when nothing matches, and needs --from and --to', async () => {
    const none = await cli(['history', 'export', '--db', db, '--tags', 'nope*', '--from', from, '--to', to, '--out', tmp.file('none.csv')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no tag in .* matches --tags "nope\*"; known tags: .*line1\.flow/);
    expect(existsSync(tmp.file('none.csv'))).toBe(false);
    const usage = await cli(['history', 'export', '--db', db, '--out', tmp.file('x.csv')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/needs --from <time> and --to <time>/);
  });

  it('Ctrl-C in the middle of an export removes the .partial and exits 130', { timeout: 120_000 }, async () => {
    // A FIFO in place of the .partial file holds the export mid-stream for as long as the
    // test wants, without timing: the export blocks once the pipe is full and we stop reading.
    const out = tmp.file('cancelled.csv');
    const fifo = `${out}.partial`;
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [cliBin, 'history', 'export', '--db', db, '--from', from, '--to', to, '--out', out], { cwd: tmp.dir, env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const reader = createReadStream(fifo);
    const first = await new Promise<string>((resolve) => reader.once('data', (c) => resolve(c.toString())));
    reader.pause();
    expect(first.startsWith('tag,ts,value,quality,status,receive_ts\n')).toBe(true);
    child.kill('SIGINT');
    reader.resume(); // let a write that is under way finish; the export must still stop
    reader.on('error', () => undefined);
    expect(await exit).toBe(130);
    reader.destroy();
    expect(stderr).toMatch(/^export cancelled \(Ctrl-C\) after [\d,]+ readings; nothing written to .*cancelled\.csv$/m);
    expect(existsSync(fifo)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });
});

describe('sensorvault db stats and db compact', () => {
  it('db stats --json prints one DbStats line; the human form has units', async () => {
    const json = await cli(['db', 'stats', '--db', db, '--json']);
    expect(json.code).toBe(0);
    const lines = json.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const stats = DbStatsSchema.parse(JSON.parse(lines[0]!));
    expect(stats).toMatchObject({ readings: total, tags: 4, oldestTs: base });
    expect(stats.newestTs).toBe(Math.max(...expected.map((r) => r.ts)));
    expect(stats.fileBytes).toBeGreaterThan(0);

    const human = await cli(['db', 'stats', '--db', db]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^readings +10,810 \(/m);
    expect(human.stdout).toMatch(/^bytes per reading +\d+\.\d B$/m);
    expect(human.stdout).toMatch(/^file on disk +[\d.]+ (KiB|MiB) \([\d,]+ B\)$/m);
    expect(human.stdout).toMatch(/^oldest +\d{4}-\d\d-\d\dT[\d:.]+Z \(2 d \d+ h ago\)$/m);
    expect(human.stdout).toMatch(/^hot +\d+(\.\d)? % of readings/m);
    expect(human.stdout).toMatch(/^rollups 1 min +[\d,]+ rows/m);
    expect(human.stdout).toMatch(/^last prune +never$/m);

    const missing = await cli(['db', 'stats', '--db', tmp.file('missing.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing\.db: no such database; pass the file given to run\/gateway\/demo --db/);
  });

  it('db compact compacts everything, prints what it did and the stats, and loses nothing', async () => {
    const bad = await cli(['db', 'compact', '--db', db, '--older-than', '7 parsecs']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--older-than: "7 parsecs" is not a duration; use e\.g\. .*90s/);

    const result = await cli(['db', 'compact', '--db', db]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^compacted 10,810 readings of 4 tags into [\d,]+ blocks in [\d.]+ s \(all hot readings\)$/m);
    expect(result.stdout).toMatch(/^bytes per reading +\d+\.\d B$/m);
    const stats = DbStatsSchema.parse(JSON.parse((await cli(['db', 'stats', '--db', db, '--json'])).stdout));
    expect(stats).toMatchObject({ readings: total, hotReadings: 0, compactedReadings: total, hotShare: 0 });
    expect(stats.lastCompaction).toMatchObject({ readings: total });

    // The same export from the blocks, and the same trend extremes.
    const out = tmp.file('after-compact.csv');
    const exportResult = await cli(['history', 'export', '--db', db, '--tags', 'line1.*,pump-?', '--from', from, '--to', to, '--out', out]);
    expect(exportResult.code).toBe(0);
    expect(readingsOf(readFileSync(out, 'utf8'))).toEqual(expected);
    const trend = await cli(['history', '--db', db, '--tag', 'line1.flow', '--from', from, '--to', to, '--points', '100']);
    const values = trend.stdout.trim().split('\n').slice(1).map((r) => Number(r.split(',')[1]));
    expect(values.length).toBeLessThanOrEqual(100);
    expect([Math.min(...values), Math.max(...values)]).toEqual([FLOW_MIN, FLOW_MAX]);
  });

  it('db compact is refused while a gateway writes the database; db stats and history read meanwhile', { timeout: 300_000 }, async () => {
    const gateway = await startCli(['gateway', '--db', db], { cwd: tmp.dir, env, timeoutMs: 180_000 });
    started.push(gateway);
    expect(gateway.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const pid = gateway.child.pid!;

    const refused = await cli(['db', 'compact', '--db', db]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(errorLines(refused.stderr)).toEqual([expect.stringMatching(new RegExp(`already being written by another SensorVault process: PID ${pid} \\(sensorvault gateway --db .*stop that process first`))]);

    const stats = await cli(['db', 'stats', '--db', db, '--json']);
    expect(stats.code).toBe(0);
    expect(DbStatsSchema.parse(JSON.parse(stats.stdout)).readings).toBeGreaterThanOrEqual(total);
    const trend = await cli(['history', '--db', db, '--tag', 'line1.flow', '--from', from, '--to', to, '--points', '50']);
    expect(trend.code).toBe(0);
    expect(trend.stdout.trim().split('\n').length).toBeLessThanOrEqual(51);
    expect(await gateway.stop()).toBe(0);
  });
});
