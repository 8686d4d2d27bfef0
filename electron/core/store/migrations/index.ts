/**
 * Schema migrations, one per file, applied in order at open inside one transaction.
 * `schema_migrations` records what ran. A database newer than this code is refused.
 */
import type Database from 'better-sqlite3';
import { migration as m001 } from './001-initial.js';
import { migration as m002 } from './002-receive-time.js';
import { migration as m003 } from './003-history-blocks-rollups.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const migrations: readonly Migration[] = [m001, m002, m003];

export const latestVersion = (list: readonly Migration[] = migrations): number =>
  list.reduce((max, m) => Math.max(max, m.version), 0);

export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
}

/** Highest applied version, 0 for a fresh (or foreign) database. */
export function currentVersion(db: Database.Database): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function tooNew(path: string, found: number, known: number): SchemaVersionError {
  return new SchemaVersionError(
    `database ${path} has schema version ${found}, newer than this SensorVault understands (${known}); open it with a newer SensorVault`,
  );
}

/** Applies pending migrations; returns the resulting version. */
export function migrate(db: Database.Database, path: string, list: readonly Migration[] = migrations, now: () => number = Date.now): number {
  const ordered = [...list].sort((a, b) => a.version - b.version);
  const known = latestVersion(ordered);
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    const found = currentVersion(db);
    if (found > known) throw tooNew(path, found, known);
    const record = db.prepare('INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of ordered) {
      if (m.version <= found) continue;
      m.up(db);
      record.run(m.version, m.name, now());
    }
    return known;
  });
  // IMMEDIATE: take the write lock before reading the version, so two openers cannot both migrate.
  return run.immediate();
}

/** For read-only opens: the schema must be exactly the one this code knows. */
export function checkVersion(db: Database.Database, path: string, list: readonly Migration[] = migrations): number {
  const known = latestVersion(list);
  const found = currentVersion(db);
  if (found > known) throw tooNew(path, found, known);
  if (found < known) {
    throw new SchemaVersionError(
      `database ${path} has schema version ${found}, older than this SensorVault (${known}); open it once for writing (e.g. sensorvault run) to migrate it`,
    );
  }
  return found;
}
