import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../../core/data-dir.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import type { Logger } from '../../core/log.js';
import { loadProjectFile } from '../../core/project/validate.js';
import { Runtime } from '../../core/runtime.js';
import { UsageError, packageVersion, parseDuration, untilStopped } from '../args.js';

export const runHelp = `Usage: sensorvault run --project <file> --db <file> [--for <duration>]

Headless acquisition: polls every device of the project and commits readings into the
SQLite database (WAL; at most one commit interval, default 1 s, is buffered in memory).
Stops after --for (e.g. 30s, 10m, 8h) or on Ctrl-C / SIGTERM, committing what is buffered.
Connection changes are logged on stderr.`;

export async function runCommand(argv: string[], registry: DriverRegistry, log: Logger, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { project: { type: 'string' }, db: { type: 'string' }, for: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(runHelp);
    return 0;
  }
  if (values.project === undefined) throw new UsageError('run needs --project <file>');
  if (values.db === undefined) throw new UsageError('run needs --db <file>');
  const duration = values.for === undefined ? undefined : parseDuration(values.for, '--for');
  const compiled = await loadProjectFile(values.project, registry);
  const runtime = await Runtime.start({ compiled, dbPath: path.resolve(values.db), dataDir: resolveDataDir(), log, host: 'gateway', version: packageVersion(), registry });
  runtime.on('onDeviceStatus', (s) => log.info(`${s.deviceId} ${s.state}${s.lastError === undefined ? '' : `: ${s.lastError}`}`));
  log.info(`acquiring ${compiled.project.devices.length} device(s) into ${path.resolve(values.db)}${duration === undefined ? ' until stopped' : ` for ${duration} ms`}`);
  const why = await untilStopped(duration);
  await runtime.stop();
  const stats = runtime.pipeline.stats();
  log.info(`stopped (${why}); ${stats.committed} readings committed in ${stats.commits} transactions`);
  return 0;
}
