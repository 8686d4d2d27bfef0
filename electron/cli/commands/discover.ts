import { parseArgs } from 'node:util';
import { resolveDataDir } from '../../core/data-dir.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import type { Logger } from '../../core/log.js';
import { CommandError, UsageError } from '../args.js';

export const discoverHelp = `Usage: sensorvault discover <driver> [--bind <addr:port>] [--target <addr:port>] [--endpoint <url>] [--timeout <ms>] [--json]

Finds devices or endpoints and prints one line per find.
  bacnet   Who-Is (broadcast, or directed with --target), then each device's name and vendor:
           instance, address, name, vendor. Bind the local side with --bind (real devices
           use 47808; SensorVault's default local port is 47809).
  opcua    GetEndpoints of --endpoint opc.tcp://host:port: every security mode, policy and
           user token offered.
--json prints {title, detail, settings, attributes} per find; settings are ready to use in a
project's device block. Ctrl-C stops early and prints what was found.`;

export async function discoverCommand(argv: string[], registry: DriverRegistry, log: Logger, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { bind: { type: 'string' }, target: { type: 'string' }, endpoint: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    out(discoverHelp);
    return 0;
  }
  const [driverId] = positionals;
  if (driverId === undefined) throw new UsageError('discover needs a driver (e.g. sensorvault discover bacnet)');
  const definition = registry.get(driverId);
  if (definition === undefined) throw new UsageError(`unknown driver "${driverId}"; available: ${registry.ids().join(', ')}`);
  if (definition.discover === undefined) throw new UsageError(`${definition.title} has no discovery; drivers with discovery: ${registry.ids().filter((id) => registry.get(id)?.discover !== undefined).join(', ')}`);
  const settings: Record<string, unknown> = {};
  if (values.bind !== undefined) settings.bind = values.bind;
  if (values.target !== undefined) settings.target = values.target;
  if (values.endpoint !== undefined) settings.endpointUrl = values.endpoint;
  if (values.timeout !== undefined) {
    const timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout: "${values.timeout}" is not a positive number of milliseconds`);
    settings.timeoutMs = timeoutMs;
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  let count = 0;
  try {
    const found = await definition.discover(settings, { dataDir: resolveDataDir(), log: log.child(`discover/${driverId}`) }, {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.message !== undefined) log.debug(p.message);
      },
      onFound: (device) => {
        count++;
        out(values.json === true ? JSON.stringify(device) : `${device.title}  ${device.detail}`);
      },
    });
    // Drivers that do not stream finds report them all at the end.
    if (count === 0) for (const device of found) out(values.json === true ? JSON.stringify(device) : `${device.title}  ${device.detail}`);
    if (found.length === 0 && count === 0) process.stderr.write('sensorvault: nothing answered; check --target/--bind, the network and the firewall\n');
  } catch (error) {
    if (abort.signal.aborted) return 0;
    throw new CommandError(`discovery failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    process.off('SIGINT', onSignal);
  }
  return 0;
}
