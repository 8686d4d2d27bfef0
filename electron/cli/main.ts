import { createDriverRegistry } from '../core/drivers/registry.js';
import { createLogger } from '../core/log.js';
import { ProjectError } from '../core/project/validate.js';
import { CommandError, UsageError, packageVersion } from './args.js';
import { browseCommand } from './commands/browse.js';
import { certsCommand } from './commands/certs.js';
import { demoCommand } from './commands/demo.js';
import { discoverCommand } from './commands/discover.js';
import { gatewayCommand } from './commands/gateway.js';
import { historyCommand } from './commands/history.js';
import { readCommand } from './commands/read.js';
import { portsCommand } from './commands/ports.js';
import { runCommand } from './commands/run.js';

const help = `Usage: sensorvault <command> [options]

Commands:
  demo                         the embedded demo plant with the UI (start here)
  read <endpoint> <point>...   one-shot read; one JSON line per point
  browse <endpoint>            print a device's address space (OPC UA, BACnet, MQTT)
  discover <driver>            find devices/endpoints (bacnet Who-Is, opcua GetEndpoints)
  certs list|trust|reject      the server-certificate trust store (OPC UA)
  ports                        list serial ports (for Modbus RTU)
  run --project F --db F       headless acquisition into SQLite
  history --db F --tag ID      print stored readings (csv or json)
  gateway [--project F]        the headless host: UI + API on 127.0.0.1

Run 'sensorvault <command> --help' for a command's options.
Exit codes: 0 ok, 1 failure, 2 usage error.`;

/** Runs the CLI; returns the exit code. Data goes to stdout, logs and errors to stderr. */
export async function main(argv: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const log = createLogger('sensorvault', { level: process.env.SENSORVAULT_LOG === 'debug' ? 'debug' : 'info' });
  const registry = createDriverRegistry();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'read':
        return await readCommand(rest, registry, out);
      case 'browse':
        return await browseCommand(rest, registry, out);
      case 'discover':
        return await discoverCommand(rest, registry, log, out);
      case 'certs':
        return await certsCommand(rest, registry, out);
      case 'ports':
        return await portsCommand(rest, out);
      case 'run':
        return await runCommand(rest, registry, log, out);
      case 'history':
        return await historyCommand(rest, log, out);
      case 'gateway':
        return await gatewayCommand(rest, registry, log, out);
      case 'demo':
        return await demoCommand(rest, registry, log, out);
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
        throw new UsageError(`unknown command "${command}"; commands: demo, read, browse, discover, certs, ports, run, history, gateway`);
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
