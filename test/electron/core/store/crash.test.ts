import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../../electron/core/store/store.js';
import { memoryLogger, tempDir, type TempDir } from './helpers.js';

const writer = path.join(import.meta.dirname, 'crash-writer.ts');
// Resolved here so the child does not depend on its working directory.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs the writer until it reported `atLeast` committed readings, then SIGKILLs it. */
function runAndKill(db: string, run: number, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, writer, db, String(run)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = 0;
    let buf = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l !== '') last = Number(l);
      if (last >= atLeast && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('exit', (code, signal) => {
      // Lines already written by the child before the kill still count as reported.
      for (const l of buf.split('\n')) if (l !== '') last = Number(l);
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

describe('store crash safety', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('keeps every reading reported committed when the process is SIGKILLed', async () => {
    const file = tmp.file('crash.db');
    const T0 = Date.UTC(2026, 0, 1);
    for (const [run, atLeast] of [[0, 20_000], [1, 60_000]] as const) {
      const reported = await runAndKill(file, run, atLeast);
      expect(reported).toBeGreaterThanOrEqual(atLeast);
      const db = new Database(file, { readonly: true });
      try {
        const from = T0 + run * 1e9;
        const rows = db.prepare('SELECT count(*) FROM readings WHERE ts >= ? AND ts < ?').pluck().get(from, from + 1e9) as number;
        expect(rows).toBeGreaterThanOrEqual(reported);
        // Every committed batch is complete: rows come in whole appends of 2000.
        expect(rows % 2000).toBe(0);
      } finally {
        db.close();
      }
    }
    // And the store opens cleanly afterwards, with its data and latest().
    const logger = memoryLogger();
    const store = await Store.open({ path: file, retention: { maxAgeDays: 3650, maxSizeMiB: 4096 }, log: logger.log });
    try {
      expect((await store.listTagIds()).length).toBe(100);
      // latest() after a crash is the real newest reading (hints are repaired at open).
      const db = new Database(file, { readonly: true });
      const newest = db.prepare(`SELECT max(r.ts) FROM readings r JOIN tags t ON t.id = r.tag_id WHERE t.key = 'tag7'`).pluck().get() as number;
      db.close();
      expect((await store.latest(['tag7']))[0]?.ts).toBe(newest);
      expect(logger.lines.some((l) => l.includes('repaired latest-reading hints after an unclean shutdown'))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
