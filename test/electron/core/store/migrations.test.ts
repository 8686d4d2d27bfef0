import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentVersion, latestVersion, migrate, migrations, SchemaVersionError, type Migration } from '../../../../electron/core/store/migrations/index.js';
import { Store } from '../../../../electron/core/store/store.js';
import { memoryLogger, tempDir, type TempDir } from './helpers.js';

const migrationsDir = path.resolve(import.meta.dirname, '../../../../electron/core/store/migrations');

describe('store migrations', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('lists one migration per file, in order, with unique increasing versions', () => {
    const files = fs.readdirSync(migrationsDir).filter((f) => /^\d{3}-.+\.ts$/.test(f)).sort();
    expect(files).toHaveLength(migrations.length);
    migrations.forEach((m, i) => {
      expect(m.version).toBe(i + 1);
      expect(files[i]).toBe(`${String(m.version).padStart(3, '0')}-${m.name}.ts`);
    });
  });

  it('records applied migrations and is a no-op the second time', () => {
    const db = new Database(tmp.file('m.db'));
    try {
      expect(currentVersion(db)).toBe(0);
      expect(migrate(db, 'm.db')).toBe(latestVersion());
      expect(migrate(db, 'm.db')).toBe(latestVersion());
      expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      db.close();
    }
  });

  it('applies only the pending ones, and rolls back all of them if one fails', () => {
    const db = new Database(tmp.file('m.db'));
    try {
      migrate(db, 'm.db');
      const latest = latestVersion();
      const next: Migration = { version: latest + 1, name: 'add-x', up: (d) => d.exec('CREATE TABLE x(a)') };
      const broken: Migration = { version: latest + 2, name: 'broken', up: (d) => d.exec('CREATE TABLE nope(') };
      expect(() => migrate(db, 'm.db', [...migrations, next, broken])).toThrow();
      expect(currentVersion(db)).toBe(latest);
      expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'x'`).pluck().get()).toBe(0);
      expect(migrate(db, 'm.db', [...migrations, next])).toBe(latest + 1);
      expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'x'`).pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('refuses a database newer than the code, with a clear error', async () => {
    const file = tmp.file('new.db');
    const db = new Database(file);
    migrate(db, file);
    db.prepare('INSERT INTO schema_migrations(version, name, applied_at) VALUES (99, ?, 0)').run('from-the-future');
    expect(() => migrate(db, file)).toThrow(SchemaVersionError);
    db.close();
    const open = Store.open({ path: file, retention: { maxAgeDays: 1, maxSizeMiB: 1 }, log: memoryLogger().log });
    await expect(open).rejects.toThrow(new RegExp(`schema version 99, newer than this SensorVault understands \\(${latestVersion()}\\)`));
    await expect(Store.open({ path: file, readOnly: true, retention: { maxAgeDays: 1, maxSizeMiB: 1 }, log: memoryLogger().log })).rejects.toThrow(/newer/);
  });

  it('a read-only open of an unmigrated database says how to migrate it', async () => {
    const file = tmp.file('old.db');
    new Database(file).exec('CREATE TABLE unrelated(a)').close();
    await expect(Store.open({ path: file, readOnly: true, retention: { maxAgeDays: 1, maxSizeMiB: 1 }, log: memoryLogger().log })).rejects.toThrow(/older than this SensorVault.*migrate/);
  });

  it('opens the file in WAL mode', async () => {
    const file = tmp.file('wal.db');
    const store = await Store.open({ path: file, retention: { maxAgeDays: 1, maxSizeMiB: 1 }, log: memoryLogger().log });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
      await store.close();
    }
  });
});
