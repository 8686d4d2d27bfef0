import { createLogger } from '../core/log.js';
import { ProjectError } from '../core/project/validate.js';
import type { DriverRegistry } from '../core/drivers/registry.js';
import { CommandError, UsageError, packageVersion } from './args.js';

const help = `Usage: sensorvault <command> [options]

Commands:
  demo                         the embedded demo plant with the UI (start here)
  read <endpoint> <point>...   one-shot read; one JSON line per point
  browse <endpoint>            print a device's address space (OPC UA, BACnet, MQTT)
  modbus scan <endpoint>       register-map assistant: every type x order, ranked
  discover <driver>            find devices/endpoints (bacnet Who-Is, opcua GetEndpoints)
  certs list|trust|reject      the server-certificate trust store (OPC UA)
  ports                        list serial ports (for Modbus RTU)
  run --project F --db F       headless acquisition into SQLite
  history --db F --tag ID      print stored readings (csv or json); --points N: a trend
  history export --db F ...    many tags' readings to one CSV file, streamed
  db stats|compact --db F      what the database holds (bytes per reading); compact now
  gateway [--project F]        the headless host: UI + API on 127.0.0.1
  time formats|decode|guess    the timestamp catalogue: list formats, decode a device time
  tags export|import           every tag as CSV, and back (validated, all or nothing)
  profiles list|apply|export|import  the device profile library; instantiate a profile
  capacity --project F         capacity planner: disk per day, retention horizon, egress

Run 'sensorvault <command> --help' for a command's options.
Exit codes: 0 ok, 1 failure, 2 usage error.`;

/** Runs the CLI; returns the exit code. Data goes to stdout, logs and errors to stderr. */
export async function main(argv: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const log = createLogger('sensorvault', { level: process.env.SENSORVAULT_LOG === 'debug' ? 'debug' : 'info' });
  // Each command and the driver registry load on use: `--help` must not load protocol libraries.
  const registry = async (): Promise<DriverRegistry> => (await import('../core/drivers/registry.js')).createDriverRegistry();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'read':
        return await (await import('./commands/read.js')).readCommand(rest, await registry(), out);
      case 'modbus':
        return await (await import('./commands/modbus.js')).modbusCommand(rest, await registry(), out);
      case 'browse':
        return await (await import('./commands/browse.js')).browseCommand(rest, await registry(), out);
      case 'discover':
        return await (await import('./commands/discover.js')).discoverCommand(rest, await registry(), log, out);
      case 'certs':
        return await (await import('./commands/certs.js')).certsCommand(rest, await registry(), out);
      case 'ports':
        return await (await import('./commands/ports.js')).portsCommand(rest, out);
      case 'run':
        return await (await import('./commands/run.js')).runCommand(rest, await registry(), log, out);
      case 'history':
        return await (await import('./commands/history.js')).historyCommand(rest, log, out);
      case 'db':
        return await (await import('./commands/db.js')).dbCommand(rest, log, out);
      case 'gateway':
        return await (await import('./commands/gateway.js')).gatewayCommand(rest, await registry(), log, out);
      case 'time':
        return (await import('./commands/time.js')).timeCommand(rest, out);
      case 'tags':
        return await (await import('./commands/tags.js')).tagsCommand(rest, await registry(), out);
      case 'profiles':
        return await (await import('./commands/profiles.js')).profilesCommand(rest, await registry(), out);
      case 'capacity':
        return await (await import('./commands/capacity.js')).capacityCommand(rest, await registry(), out);
      case 'demo':
        return await (await import('./commands/demo.js')).demoCommand(rest, await registry(), log, out);
      case '--version':
      case '-v':
        out(packageVersion());
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out(help);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"; commands: demo, read, browse, modbus, discover, certs, ports, run, history, db, gateway, time, tags, profiles, capacity`);
    }
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`sensorvault: ${message}\n`);
    return 2;
  }
  if (error instanceof ProjectError) {
    process.stderr.write(`sensorvault: ${message}\nFix the fields named above; nothing was changed.\n`);
    return 1;
  }
  if (error instanceof CommandError) {
    process.stderr.write(`sensorvault: ${message}\n`);
    return 1;
  }
  process.stderr.write(`sensorvault: ${message.split('\n')[0] ?? message}\n`);
  return 1;
}
