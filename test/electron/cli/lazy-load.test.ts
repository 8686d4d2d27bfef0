import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cliBin, root } from '../../support/cli.js';
import { modbusProject, tempDir } from '../../support/project.js';
import { closedPort } from '../../support/tcp-driver.js';

// Which modules the real CLI loads, recorded twice: by a module resolve hook for ESM imports
// (test/support/load-log.mjs), and by a CommonJS hook for `require` (written below). The ESM
// hook never sees `require` (@bacnet-js/client is loaded through createRequire, and
// modbus-serial requires serialport), so without the second one those would go unnoticed.
const tmp = tempDir('sensorvault-lazy-');
const requireHook = tmp.file('require-log.cjs');
writeFileSync(
  requireHook,
  `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (process.env.SENSORVAULT_LOAD_LOG) appendFileSync(process.env.SENSORVAULT_LOAD_LOG, request + '\\n');
  return load.call(this, request, ...rest);
};
`,
);

/** Each driver's protocol libraries (both Modbus drivers use modbus-serial, which requires serialport). */
const driverLibraries: Record<string, string[]> = {
  'modbus-tcp': ['modbus-serial', 'serialport', '@serialport'],
  'modbus-rtu': ['modbus-serial', 'serialport', '@serialport'],
  opcua: ['node-opcua'],
  bacnet: ['@bacnet-js/client'],
  mqtt: ['mqtt', 'sparkplug-payload'],
};
const allLibraries = [...new Set(Object.values(driverLibraries).flat())];

/** The protocol library a specifier belongs to (node-opcua-crypto, @serialport/bindings-cpp, mqtt/dist/... count). */
function libraryOf(specifier: string): string | undefined {
  return allLibraries.find(
    (lib) => specifier === lib || specifier.startsWith(`${lib}/`) || (lib === 'node-opcua' && specifier.startsWith('node-opcua-')),
  );
}

let lastStderr = '';

function loaded(args: string[], name: string, okStatus: number[] = [0]): string[] {
  const log = tmp.file(`${name}.log`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--require', requireHook, '--import', path.join(root, 'test', 'support', 'load-log.mjs'), cliBin, ...args], {
    env: { ...process.env, SENSORVAULT_LOAD_LOG: log, SENSORVAULT_HOME: tmp.file('home') },
    encoding: 'utf8',
  });
  expect(okStatus, result.stderr).toContain(result.status);
  lastStderr = result.stderr;
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const librariesIn = (specifiers: string[]): string[] => [...new Set(specifiers.map(libraryOf).filter((l): l is string => l !== undefined))].sort();

beforeAll(() => assertBuilt());
afterAll(() => tmp.remove());

/** A project with one device of `driver`, pointed at a closed port on loopback. */
function oneDriverProject(driver: string, port: number): unknown {
  const base = modbusProject(port, [{ id: 'temp', address: 'hr:0' }]) as { devices: Array<Record<string, unknown>> };
  const device = base.devices[0] as Record<string, unknown>;
  const tag = (address: string) => [{ id: 'temp', name: 'Tag temp', address, pollGroup: 'fast', unit: '' }];
  switch (driver) {
    case 'modbus-tcp':
      break;
    case 'modbus-rtu':
      Object.assign(device, { driver, settings: { transport: 'rtu-over-tcp', host: '127.0.0.1', port, unitId: 1, timeoutMs: 300 }, tags: tag('hr:0') });
      break;
    case 'opcua':
      Object.assign(device, { driver, settings: { endpointUrl: `opc.tcp://127.0.0.1:${port}`, timeoutMs: 300 }, tags: tag('ns=1;s=Temp') });
      break;
    case 'bacnet':
      Object.assign(device, { driver, settings: { host: '127.0.0.1', port, deviceInstance: 1, bindAddress: '127.0.0.1', bindPort: 0, timeoutMs: 300, retries: 0 }, tags: tag('ai:1') });
      break;
    case 'mqtt':
      Object.assign(device, { driver, settings: { url: `mqtt://127.0.0.1:${port}`, timeoutMs: 300, subscriptions: [{ filter: 'plant/#', qos: 0 }] }, tags: tag('plant/temp') });
      break;
    default:
      throw new Error(`no project for driver ${driver}`);
  }
  return base;
}

describe('the CLI loads protocol libraries only when a command needs them', () => {
  it('--help loads no protocol library and no command module', () => {
    const specifiers = loaded(['--help'], 'help');
    expect(librariesIn(specifiers)).toEqual([]);
    expect(specifiers.filter((s) => s.includes('/commands/'))).toEqual([]);
  });

  it('the hooks see what a command loads (certs loads node-opcua)', () => {
    expect(librariesIn(loaded(['certs', 'list'], 'certs'))).toContain('node-opcua');
  });

  it.each(Object.keys(driverLibraries))('run with a project holding only %s devices loads that driver’s libraries and no other driver’s', async (driver) => {
    // A closed port on loopback: the device fails to connect, which is all this test needs.
    const port = await closedPort();
    const project = tmp.file(`${driver}-only.project.json`);
    writeFileSync(project, JSON.stringify(oneDriverProject(driver, port)));
    // Exit 1: every device failed the whole run (there is no server), as `run --help` says.
    const specifiers = loaded(['run', '--project', project, '--db', tmp.file(`${driver}.db`), '--for', '1s'], `run-${driver}`, [1]);
    const own = driverLibraries[driver] as string[];
    // The driver's main library is loaded: the hooks would see the others too.
    expect(librariesIn(specifiers)).toContain(own[0]);
    expect(librariesIn(specifiers).filter((lib) => !own.includes(lib))).toEqual([]);
    if (driver !== 'opcua') expect(lastStderr).not.toMatch(/NODE-OPCUA|W27/);
  });
});
