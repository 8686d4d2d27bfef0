import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import type { Logger } from '../../core/log.js';
import { parseProjectText } from '../../core/project/validate.js';
import { startDemoPlant, type DemoPlant } from '../../demo/plant.js';
import { CommandError, UsageError, packageRoot, parsePort, untilStopped } from '../args.js';
import { hostProject } from './gateway.js';

export const demoHelp = `Usage: sensorvault demo [--db <file>] [--port N] [--plant-port N]

Starts the embedded demo plant — a simulated Modbus TCP PLC on 127.0.0.1 with a
temperature, pressure, flow, counters, energy meters, a valve and more (see
docs/demo-plant.md) — and the headless host with a project preconfigured for it.
The first line of stdout is the URL to open in a browser, the second the demo PLC's
address (Modbus TCP, unit 1). Readings are stored in ./sensorvault-demo.db (SQLite)
unless --db says otherwise. Ctrl-C stops everything.

Options:
  --db <file>       SQLite file for the readings (default ./sensorvault-demo.db)
  --port N          port of the web UI on 127.0.0.1 (default: any free port)
  --plant-port N    port of the demo PLC on 127.0.0.1 (default: any free port). With
                    --plant-port 1502 the example resources/examples/demo-plant-line.project.json
                    runs as it stands: sensorvault run --project <it> --db <file>`;

/** Starts the plant; a port that is taken is said in words, with what to do. */
async function startPlant(port: number): Promise<DemoPlant> {
  try {
    return await startDemoPlant({ host: '127.0.0.1', port });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EADDRINUSE') {
      throw new CommandError(`--plant-port ${port}: port ${port} on 127.0.0.1 is already in use (another demo or Modbus server is running there); stop it, or choose another port (0 picks a free one) [EADDRINUSE]`);
    }
    if (code === 'EACCES') {
      throw new CommandError(`--plant-port ${port}: not allowed to listen on port ${port} (ports below 1024 need administrator rights); choose a port of 1024 or above [EACCES]`);
    }
    throw error;
  }
}

export async function demoCommand(argv: string[], registry: DriverRegistry, log: Logger, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, port: { type: 'string' }, 'plant-port': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(demoHelp);
    return 0;
  }
  const port = values.port === undefined ? 0 : parsePort(values.port, '--port');
  const plantPort = values['plant-port'] === undefined ? 0 : parsePort(values['plant-port'], '--plant-port');
  if (plantPort !== 0 && plantPort === port) throw new UsageError('--port and --plant-port must differ');
  const plant = await startPlant(plantPort);
  try {
    const projectFile = path.join(packageRoot(), 'resources', 'demo', 'plant.project.json');
    const document = JSON.parse(await readFile(projectFile, 'utf8')) as { devices: Array<{ settings: Record<string, unknown> }> };
    for (const device of document.devices) device.settings.port = plant.port;
    const compiled = parseProjectText(JSON.stringify(document), projectFile, registry);
    const dbPath = path.resolve(values.db ?? 'sensorvault-demo.db');
    const hosted = await hostProject({ compiled, dbPath, port, listen: '127.0.0.1', registry, log });
    // Listen for Ctrl-C before printing the URL: a stop right after it must still be clean.
    const stopped = untilStopped();
    // The URL stays the first line: tests and scripts read it from there.
    out(hosted.gateway.launchUrl);
    out(`Demo PLC (Modbus TCP): ${plant.host}:${plant.port} unit 1`);
    log.info(`open the URL above; readings go to ${dbPath}; Ctrl-C to stop`);
    const why = await stopped;
    log.info(`stopping (${why})`);
    await hosted.stop();
  } finally {
    await plant.close();
  }
  return 0;
}
