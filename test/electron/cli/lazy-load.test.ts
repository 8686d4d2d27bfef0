import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cliBin, root } from '../../support/cli.js';
import { modbusProject, tempDir } from '../../support/project.js';
import { closedPort } from '../../support/tcp-driver.js';
import { writeFileSync } from 'node:fs';

// Which modules the real CLI loads, recorded by a module resolve hook (test/support/load-log.mjs).
const tmp = tempDir('sensorvault-lazy-');
const protocolLibraries = ['node-opcua', 'node-opcua-crypto', 'mqtt', '@bacnet-js/client', 'sparkplug-payload', 'modbus-serial', 'serialport'];

function loaded(args: string[], name: string, okStatus: number[] = [0]): string[] {
  const log = tmp.file(`${name}.log`);
  const result = spawnSync(process.execPath, ['--import', path.join(root, 'test', 'support', 'load-log.mjs'), cliBin, ...args], {
    env: { ...process.env, SENSORVAULT_LOAD_LOG: log, SENSORVAULT_HOME: tmp.file('home') },
    encoding: 'utf8',
  });
  expect(okStatus, result.stderr).toContain(result.status);
  lastStderr = result.stderr;
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

let lastStderr = '';

const libraryOf = (specifier: string) => protocolLibraries.find((lib) => specifier === lib || specifier.startsWith(`${lib}/`));

beforeAll(() => assertBuilt());
afterAll(() => tmp.remove());

describe('the CLI loads protocol libraries only when a command needs them', () => {
  it('--help loads no protocol library and no command module', () => {
    const specifiers = loaded(['--help'], 'help');
    expect(specifiers.filter((s) => libraryOf(s) !== undefined)).toEqual([]);
    expect(specifiers.filter((s) => s.includes('/commands/'))).toEqual([]);
  });

  it('the hook sees what a command loads (certs loads node-opcua)', () => {
    expect(loaded(['certs', 'list'], 'certs').some((s) => libraryOf(s) === 'node-opcua')).toBe(true);
  });

  it('run with a Modbus-only project loads neither node-opcua (so no W27 warning) nor mqtt.js', async () => {
    // A closed port on loopback: the device fails to connect, which is all this test needs.
    const port = await closedPort();
    const project = tmp.file('modbus-only.project.json');
    writeFileSync(project, JSON.stringify(modbusProject(port, [{ id: 'temp', address: 'hr:0' }])));
    // Exit 1: every device failed the whole run (there is no server), as `run --help` says.
    const specifiers = loaded(['run', '--project', project, '--db', tmp.file('run.db'), '--for', '1s'], 'run', [1]);
    expect(specifiers.some((s) => libraryOf(s) === 'modbus-serial')).toBe(true);
    expect(specifiers.filter((s) => ['node-opcua', 'node-opcua-crypto', 'mqtt', 'sparkplug-payload'].includes(libraryOf(s) ?? ''))).toEqual([]);
    expect(lastStderr).not.toMatch(/NODE-OPCUA|W27/);
  });
});
