// A process killed (SIGKILL) while it compacts loses no reading and duplicates none: each
// slice moves from the hot table into blocks in one transaction. Real child processes, a
// real SQLite file.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../electron/core/log.js';
import { Store } from '../../../../electron/core/store/store.js';
import { tempDir, type TempDir } from './helpers.js';

const child = path.join(import.meta.dirname, 'compact-crash-child.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const T0 = Date.UTC(2026, 0, 1);

/** Runs the child; SIGKILLs it `delayMs` after it starts compacting. Resolves with what it printed. */
function runAndKill(db: string, delayMs: number): Promise<{ filled: number; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', tsx, child, db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('compacting') && !out.includes('#armed')) {
        out += '#armed';
        setTimeout(() => p.kill('SIGKILL'), delayMs);
      }
    });
    p.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    p.on('exit', (code, signal) => {
      const filled = Number(/filled (\d+)/.exec(out)?.[1] ?? NaN);
      if (signal === 'SIGKILL' || code === 0) resolve({ filled, finished: out.includes('compacted') });
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

describe('compaction crash safety', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('keeps every reading exactly once when the process is killed mid-compaction', async () => {
    const midway: string[] = [];
    for (const delay of [400, 900, 1600]) {
      const file = tmp.file(`c${delay}.db`);
      const r = await runAndKill(file, delay);
      expect(r.filled).toBe(720_000);
      const store = await Store.open({ path: file, retention: { maxAgeDays: 3650, maxSizeMiB: 1 << 20 }, log: silentLogger, compaction: false });
      try {
        const s = await store.dbStats();
        expect(s.readings).toBe(720_000);
        if (s.hotReadings > 0 && s.compactedReadings > 0) midway.push(`${delay} ms: ${s.compactedReadings} compacted, ${s.hotReadings} hot`);
        for (const t of [0, 77, 199]) {
          const h = await store.queryHistory(`t${t}`, T0, T0 + 3_600_000, 10_000);
          expect(h.points).toHaveLength(3600);
          h.points.forEach(([ts, value, quality], k) => {
            expect(ts).toBe(T0 + k * 1000 + (t % 9));
            expect(value).toBe(t * 100_000 + k);
            expect(quality).toBe(k % 97 === 0 ? 'uncertain' : 'good');
          });
        }
        // The rest finishes on the next run and still counts every reading once.
        await store.compactNow();
        const after = await store.dbStats();
        expect(after.readings).toBe(720_000);
        expect(after.hotReadings).toBe(0);
      } finally {
        await store.close();
      }
    }
    process.stderr.write(`compaction crash: killed mid-way in ${midway.length} of 3 runs${midway.length > 0 ? ` (${midway.join('; ')})` : ''}\n`);
  }, 180_000);
});
