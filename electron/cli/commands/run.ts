import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DeviceStatus } from '../../../shared/api/types.js';
import type { Quality, Reading } from '../../../shared/reading.js';
import { resolveDataDir } from '../../core/data-dir.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import type { Logger } from '../../core/log.js';
import type { ReadingSink } from '../../core/pipeline/pipeline.js';
import { loadProjectFile } from '../../core/project/validate.js';
import { Runtime } from '../../core/runtime.js';
import { UsageError, durationForms, packageVersion, parseDuration, untilStopped } from '../args.js';

export const runHelp = `Usage: sensorvault run --project <file> --db <file> [--for <duration>]

Headless acquisition: polls every device of the project and commits readings into the
SQLite database (WAL; at most one commit interval, default 1 s, is buffered in memory).
Stops after --for or on Ctrl-C / SIGTERM, committing what is buffered, then prints one
line per device on stdout: its connection state, the readings it produced (good,
uncertain, bad) and its last error. Connection changes are logged on stderr.
Only one process writes a database: run refuses to start while another run, gateway or
demo writes the same --db file (history and reports still read it).

Durations for --for:
  ${durationForms}.

Exit codes: 0 at least one device delivered a good or uncertain reading (or no device
is enabled); 1 every enabled device failed the whole run (not one reading that was not
bad), or the run could not start (e.g. the database is being written by another
process); 2 usage error.`;

type Counts = Record<Quality, number>;

/** Counts the pipeline's readings per device and quality, as they are produced. */
class DeviceTally implements ReadingSink {
  readonly counts = new Map<string, Counts>();
  private readonly deviceOf = new Map<string, string>();

  constructor(devices: ReadonlyArray<{ id: string; tags: ReadonlyArray<{ id: string }> }>) {
    for (const device of devices) {
      this.counts.set(device.id, { good: 0, uncertain: 0, bad: 0 });
      for (const tag of device.tags) this.deviceOf.set(tag.id, device.id);
    }
  }

  write(readings: ReadonlyArray<Reading>): void {
    for (const reading of readings) {
      const device = this.deviceOf.get(reading.tagId);
      const counts = device === undefined ? undefined : this.counts.get(device);
      if (counts !== undefined) counts[reading.quality]++;
    }
  }
}

/** One aligned line per device, with a header; numbers are counts of readings. */
export function deviceSummary(statuses: readonly DeviceStatus[], counts: ReadonlyMap<string, Counts>): string[] {
  const rows = statuses.map((s) => {
    const c = counts.get(s.deviceId) ?? { good: 0, uncertain: 0, bad: 0 };
    return [s.deviceId, s.state, String(c.good), String(c.uncertain), String(c.bad), s.lastError ?? '-'];
  });
  const header = ['device', 'state', 'good', 'uncertain', 'bad', 'last error'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([2, 3, 4]);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export async function runCommand(argv: string[], registry: DriverRegistry, log: Logger, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { project: { type: 'string' }, db: { type: 'string' }, for: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(runHelp);
    return 0;
  }
  if (values.project === undefined) throw new UsageError('run needs --project <file>');
  if (values.db === undefined) throw new UsageError('run needs --db <file>');
  const duration = values.for === undefined ? undefined : parseDuration(values.for, '--for');
  if (duration === 0) throw new UsageError(`--for: "${values.for}" is zero; give how long to acquire, e.g. ${durationForms}`);
  const compiled = await loadProjectFile(values.project, registry);
  const tally = new DeviceTally(compiled.effective.devices);
  const dbPath = path.resolve(values.db);
  const runtime = await Runtime.start({ compiled, dbPath, dataDir: resolveDataDir(), log, host: 'gateway', version: packageVersion(), registry, sinks: [tally] });
  runtime.on('onDeviceStatus', (s) => log.info(`${s.deviceId} ${s.state}${s.lastError === undefined ? '' : `: ${s.lastError}`}`));
  log.info(`acquiring ${compiled.project.devices.length} device(s) into ${dbPath}${duration === undefined ? ' until stopped' : ` for ${duration} ms`}`);
  const why = await untilStopped(duration);
  // States as they were while running: after stop() every device reads "stopped".
  const statuses = runtime.deviceStatuses();
  await runtime.stop();
  const stats = runtime.pipeline.stats();
  let total: Counts = { good: 0, uncertain: 0, bad: 0 };
  for (const c of tally.counts.values()) total = { good: total.good + c.good, uncertain: total.uncertain + c.uncertain, bad: total.bad + c.bad };
  log.info(`stopped (${why}); ${stats.committed} readings committed in ${stats.commits} transactions (${total.good} good, ${total.uncertain} uncertain, ${total.bad} bad)`);
  for (const line of deviceSummary(statuses, tally.counts)) out(line);
  const enabled = statuses.filter((s) => s.state !== 'disabled');
  const delivered = enabled.filter((s) => {
    const c = tally.counts.get(s.deviceId);
    return c !== undefined && c.good + c.uncertain > 0;
  });
  if (enabled.length > 0 && delivered.length === 0) {
    log.error(`every device failed the whole run: not one good or uncertain reading from ${enabled.length === 1 ? 'the device' : `any of ${enabled.length} devices`}; see the last errors above`);
    return 1;
  }
  return 0;
}
