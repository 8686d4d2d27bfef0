import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseLockedError, Store } from '../../../../electron/core/store/store.js';
import { acquireWriterLock, lockFileOf, lockedMessage, writerInfoFileOf } from '../../../../electron/core/store/writer-lock.js';
import { memoryLogger, tempDir, type TempDir } from './helpers.js';

// In one process (SQLite keeps the OS lock per file and process, so a second Store here is
// refused as a second process would be). Across real processes and kill -9: see
// test/electron/cli/writer-lock.cli.test.ts.
describe('writer lock', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  const open = (file: string, readOnly = false) => Store.open({ path: file, retention: { maxAgeDays: 30, maxSizeMiB: 1024 }, log: memoryLogger().log, readOnly });

  it('refuses a second read-write Store on the same file, naming the holder', async () => {
    const file = tmp.file('a.db');
    const first = await open(file);
    try {
      const holder = JSON.parse(readFileSync(writerInfoFileOf(file), 'utf8')) as { pid: number; command: string; since: number };
      expect(holder.pid).toBe(process.pid);
      const refused = await open(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(DatabaseLockedError);
      const error = refused as DatabaseLockedError;
      expect(error.holder).toEqual(holder);
      expect(error.message).toContain(`PID ${process.pid}`);
      expect(error.message).toContain(holder.command);
      expect(error.message).toContain(new Date(holder.since).toISOString().slice(0, 19));
      expect(error.message).toMatch(/--db/);
      expect(error.message).not.toContain('\n');
      // Readers are not writers: a read-only open works meanwhile.
      await first.ensureTags([{ tagId: 't', name: 'T', unit: '' }]);
      const reader = await open(file, true);
      expect(await reader.listTagIds()).toEqual(['t']);
      await reader.close();
    } finally {
      await first.close();
    }
    // Released on close: the record is gone and the next writer gets in.
    expect(existsSync(writerInfoFileOf(file))).toBe(false);
    expect(existsSync(lockFileOf(file))).toBe(true);
    const again = await open(file);
    await again.close();
  });

  it('the refused opener does not touch the database', async () => {
    const file = tmp.file('b.db');
    const lock = acquireWriterLock(file, 'sensorvault test');
    try {
      await expect(open(file)).rejects.toThrow(/PID \d+ \(sensorvault test\)/);
      expect(existsSync(file)).toBe(false);
    } finally {
      lock.release();
    }
  });

  it('says so plainly when the holder has not recorded itself', () => {
    const message = lockedMessage('/data/plant.db', undefined);
    expect(message).toMatch(/^\/data\/plant\.db is already being written by another SensorVault process/);
    expect(message).toMatch(/stop that process.*--db/);
  });

  it('names a holder on another host and how long ago it started', () => {
    const message = lockedMessage('/data/plant.db', { pid: 42, command: 'sensorvault run --db /data/plant.db', since: Date.UTC(2026, 11, 2, 8, 0, 0), host: 'elsewhere-xyz' }, Date.UTC(2026, 11, 2, 8, 5, 0));
    expect(message).toContain('PID 42 on host elsewhere-xyz (sensorvault run --db /data/plant.db), since 2026-12-02T08:00:00Z (5 min ago)');
  });
});
