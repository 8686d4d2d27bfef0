import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cliBin, root } from '../../support/cli.js';
import { tempDir } from '../../support/project.js';

// Which modules the real CLI loads, recorded by a module resolve hook (test/support/load-log.mjs).
const tmp = tempDir('sensorvault-lazy-');
const protocolLibraries = ['node-opcua', 'node-opcua-crypto', 'mqtt', '@bacnet-js/client', 'sparkplug-payload', 'modbus-serial', 'serialport'];

function loaded(args: string[], name: string): string[] {
  const log = tmp.file(`${name}.log`);
  const result = spawnSync(process.execPath, ['--import', path.join(root, 'test', 'support', 'load-log.mjs'), cliBin, ...args], {
    env: { ...process.env, SENSORVAULT_LOAD_LOG: log, SENSORVAULT_HOME: tmp.file('home') },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

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
});
