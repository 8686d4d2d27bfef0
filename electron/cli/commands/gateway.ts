import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_SCHEMA_VERSION } from '../../../shared/project.js';
import { resolveDataDir } from '../../core/data-dir.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import type { Logger } from '../../core/log.js';
import { type CompiledProject, loadProjectFile, validateProject } from '../../core/project/validate.js';
import { Runtime } from '../../core/runtime.js';
import { type Gateway, isLoopback, startGateway } from '../../host/gateway/server.js';
import { packageRoot, packageVersion, parsePort, untilStopped } from '../args.js';

export const gatewayHelp = `Usage: sensorvault gateway [--project <file>] [--db <file>] [--port N] [--listen <address>]

The headless host: runs the project's acquisition and serves the SensorVault UI and API.
The first line of stdout is the URL to open, with a per-launch token; every request
without that token is refused. Listens on 127.0.0.1 and a free port unless told
otherwise; --listen with a non-loopback address exposes it to the network, so use it
only on purpose. Default database: ./sensorvault.db. Edits made in the UI are validated,
applied and saved back to --project (without --project they live in memory only).`;

export interface HostedRuntime {
  runtime: Runtime;
  gateway: Gateway;
  stop(): Promise<void>;
}

export async function hostProject(options: {
  compiled: CompiledProject;
  dbPath: string;
  /** Where UI edits are saved; undefined keeps them in memory. */
  projectPath?: string;
  port: number;
  listen: string;
  registry: DriverRegistry;
  log: Logger;
}): Promise<HostedRuntime> {
  const runtime = await Runtime.start({
    compiled: options.compiled,
    dbPath: options.dbPath,
    dataDir: resolveDataDir(),
    ...(options.projectPath === undefined ? {} : { projectPath: options.projectPath }),
    log: options.log,
    host: 'gateway',
    version: packageVersion(),
    registry: options.registry,
  });
  let gateway: Gateway;
  try {
    gateway = await startGateway({ runtime, log: options.log.child('gateway'), staticDir: path.join(packageRoot(), 'dist', 'renderer'), host: options.listen, port: options.port });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  return {
    runtime,
    gateway,
    stop: async () => {
      await gateway.close();
      await runtime.stop();
    },
  };
}

export async function gatewayCommand(argv: string[], registry: DriverRegistry, log: Logger, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { project: { type: 'string' }, db: { type: 'string' }, port: { type: 'string' }, listen: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(gatewayHelp);
    return 0;
  }
  const port = values.port === undefined ? 0 : parsePort(values.port, '--port');
  const listen = values.listen ?? '127.0.0.1';
  if (values.listen !== undefined && !isLoopback(listen)) log.warn(`listening on ${listen}: the UI and API are reachable from the network (token still required)`);
  let compiled: CompiledProject;
  if (values.project === undefined) {
    const empty = validateProject({ schemaVersion: PROJECT_SCHEMA_VERSION, name: 'Untitled project', devices: [] }, registry);
    if (!empty.ok) throw new Error('internal: the empty project does not validate');
    compiled = empty.compiled;
  } else {
    compiled = await loadProjectFile(values.project, registry);
  }
  const dbPath = path.resolve(values.db ?? 'sensorvault.db');
  const projectPath = values.project === undefined ? undefined : path.resolve(values.project);
  const hosted = await hostProject({ compiled, dbPath, port, listen, registry, log, ...(projectPath === undefined ? {} : { projectPath }) });
  // Listen for Ctrl-C before printing the URL: a stop right after it must still be clean.
  const stopped = untilStopped();
  out(hosted.gateway.launchUrl);
  log.info(`serving "${compiled.project.name}" (${compiled.project.devices.length} device(s)); readings go to ${dbPath}`);
  const why = await stopped;
  log.info(`stopping (${why})`);
  await hosted.stop();
  return 0;
}
