/*
 * What the Electron host tells the user when it cannot start, as a pure function (no
 * `electron` import) so that it can be tested where Electron cannot run. main.ts shows
 * the result with dialog.showErrorBox and quits.
 */
import os from 'node:os';
import { DatabaseLockedError, ago } from '../../core/store/writer-lock.js';

export interface StartupDialog {
  /** Window title of the error box. */
  title: string;
  /** What happened, naming the file and the other process. */
  message: string;
  /** What to do next. */
  detail: string;
}

const isLocked = (error: unknown): error is DatabaseLockedError =>
  error instanceof DatabaseLockedError || (error instanceof Error && error.name === 'DatabaseLockedError' && typeof (error as { dbPath?: unknown }).dbPath === 'string');

/**
 * The dialog for a start-up failure: a database another SensorVault process writes gets
 * its own text (who holds it, since when, what to do); anything else is shown as it is.
 * `undefined` only for a failure that is not an error at all (nothing worth a dialog).
 */
export function startupFailureDialog(error: unknown, now = Date.now()): StartupDialog | undefined {
  if (isLocked(error)) {
    const holder = error.holder;
    const title = 'SensorVault is already using this database';
    if (holder === undefined) {
      return {
        title,
        message: `${error.dbPath} is already being written by another SensorVault process, which has not recorded who it is yet.`,
        detail:
          'Close the other SensorVault window, or stop the `sensorvault` command that writes this file (Ctrl-C in its terminal), then start SensorVault again. ' +
          'Read-only commands such as `sensorvault history` keep working meanwhile.',
      };
    }
    const where = holder.host === os.hostname() ? '' : ` on host ${holder.host}`;
    const since = new Date(holder.since).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      title,
      message: `${error.dbPath} is already being written by another SensorVault process: PID ${holder.pid}${where} (${holder.command}), since ${since} (${ago(now - holder.since)}).`,
      detail:
        `Only one process may write a database. Close that SensorVault window, or stop "${holder.command}" (Ctrl-C in its terminal, or end process ${holder.pid}), then start SensorVault again. ` +
        `Read-only commands such as \`sensorvault history --db ${error.dbPath}\` keep working meanwhile.`,
    };
  }
  if (error === undefined || error === null) return undefined;
  return {
    title: 'SensorVault could not start',
    message: error instanceof Error ? error.message : String(error),
    detail: 'Fix what the message names and start SensorVault again. Started from a terminal, the same message is printed there.',
  };
}
