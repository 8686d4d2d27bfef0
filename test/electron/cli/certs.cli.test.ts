import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../../support/cli.js';
import { tempDir } from '../../support/project.js';

// `certs list` of the built CLI on a fresh, empty SENSORVAULT_HOME. With a recorded
// server certificate: see protocols.cli.test.ts (a real OPC UA server).
const tmp = tempDir('sensorvault-certs-');
const env = { SENSORVAULT_HOME: tmp.file('home') };
const slow = { env, timeoutMs: 180_000 };

beforeAll(() => assertBuilt());
afterAll(() => tmp.remove());

describe('sensorvault certs list on an empty trust store', () => {
  it('says the store is empty, how it fills, and shows our own thumbprint', { timeout: 300_000 }, async () => {
    const listed = await runCli(['certs', 'list'], slow);
    expect(listed.code).toBe(0);
    const own = JSON.parse((await runCli(['certs', 'own', '--json'], slow)).stdout.trim()) as { thumbprint: string; applicationUri: string };
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^own\\s+${own.thumbprint}\\s+${own.applicationUri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(lines[1]).toMatch(/^no server certificates in the trust store \(.+home\): .*first time SensorVault connects.*sensorvault certs trust <thumbprint>$/);
  });

  it('--json stays data: one line per certificate, so none at all here', { timeout: 300_000 }, async () => {
    const listed = await runCli(['certs', 'list', '--json'], slow);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe('');
  });
});
