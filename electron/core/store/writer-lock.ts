/**
 * One writer per database. A read-write open holds an OS file lock on `<db>.lock` for as
 * long as the store is open; the kernel drops it when the process dies (kill -9, crash),
 * so a stale lock cannot exist and a restart is never blocked. The lock is SQLite's own
 * (fcntl on POSIX, LockFileEx on Windows), taken by an EXCLUSIVE transaction on an empty
 * side database: better-sqlite3 is the only way to hold an OS lock from Node without a
 * native addon of our own. Who holds it is written to `<db>.lock.json`, only to name the
 * holder in the refusal; the lock itself is the truth. Why not proper-lockfile or an
 * O_EXCL file with a PID check: see README.md.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';

/** Who writes a database, as recorded next to it. */
export interface WriterInfo {
  pid: number;
  /** The command line, e.g. `sensorvault demo --db plant.db`. */
  command: string;
  /** When it took the lock (UTC ms). */
  since: number;
  host: string;
}

const WriterInfoSchema = z.object({ pid: z.number().int(), command: z.string(), since: z.number(), host: z.string() });

/** The database is open read-write in another process (or elsewhere in this one). */
export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
  constructor(
    readonly dbPath: string,
    readonly holder: WriterInfo | undefined,
    now = Date.now(),
  ) {
    super(lockedMessage(dbPath, holder, now));
  }
}

export function lockFileOf(dbPath: string): string {
  return `${dbPath}.lock`;
}

export function writerInfoFileOf(dbPath: string): string {
  return `${dbPath}.lock.json`;
}

/** This process, described the way a user typed it: `sensorvault run --db x.db`. */
export function describeThisProcess(): string {
  const [, script, ...args] = process.argv;
  const name = script === undefined ? path.basename(process.argv0) : path.basename(script).replace(/\.[cm]?[jt]s$/, '');
  return [name, ...args].join(' ');
}

/** A duration in the past, coarse: "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** One line: who writes it, since when, and what to do. */
export function lockedMessage(dbPath: string, holder: WriterInfo | undefined, now = Date.now()): string {
  const next = 'stop that process first (Ctrl-C in its window';
  const alternative = 'or pass --db with another file to write a separate database; read-only commands such as history keep working meanwhile';
  if (holder === undefined) {
    return `${dbPath} is already being written by another SensorVault process (it has not recorded who it is yet); ${next}), ${alternative}`;
  }
  const where = holder.host === os.hostname() ? '' : ` on host ${holder.host}`;
  const since = new Date(holder.since).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${dbPath} is already being written by another SensorVault process: PID ${holder.pid}${where} (${holder.command}), since ${since} (${ago(now - holder.since)}); ${next}, or kill ${holder.pid}), ${alternative}`;
}

function readWriterInfo(dbPath: string): WriterInfo | undefined {
  try {
    const parsed = WriterInfoSchema.safeParse(JSON.parse(readFileSync(writerInfoFileOf(dbPath), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface WriterLock {
  readonly info: WriterInfo;
  /** Drops the lock and removes the holder record; idempotent. */
  release(): void;
}

/**
 * Takes the writer lock of `dbPath` or throws DatabaseLockedError at once (no waiting:
 * a running writer does not go away by itself). `command` names this process.
 */
export function acquireWriterLock(dbPath: string, command = describeThisProcess()): WriterLock {
  const lock = new Database(lockFileOf(dbPath), { timeout: 0 });
  try {
    // No journal file next to the lock: nothing is ever written to it.
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if (error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED')) {
      throw new DatabaseLockedError(dbPath, readWriterInfo(dbPath));
    }
    throw error;
  }
  const info: WriterInfo = { pid: process.pid, command, since: Date.now(), host: os.hostname() };
  const file = writerInfoFileOf(dbPath);
  try {
    // Written beside and renamed over, so a reader never sees half a record.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(info)}\n`);
    renameSync(temporary, file);
  } catch (error) {
    lock.close();
    throw error;
  }
  let held = true;
  return {
    info,
    release: () => {
      if (!held) return;
      held = false;
      // The record goes first, while we still hold the lock. The lock file itself stays:
      // deleting it could let two processes lock two different files of the same name.
      rmSync(file, { force: true });
      lock.close();
    },
  };
}
