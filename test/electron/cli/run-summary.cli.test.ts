import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModbusServer, startModbusServer } from '../../../electron/demo/modbus-server.js';
import type { ProjectInput } from '../../../shared/project.js';
import { assertBuilt, cliBin, runCli } from '../../support/cli.js';
import { modbusProject, tempDir } from '../../support/project.js';

// `sensorvault run` (the built CLI) against a real Modbus TCP server on a free port and a
// port nobody listens on: the per-device summary at the end and on Ctrl-C, and the exit
// code when every device failed.
const tmp = tempDir('sensorvault-run-');
const env = { SENSORVAULT_HOME: tmp.file('home') };
let server: ModbusServer;
let deadPort = 0;

beforeAll(async () => {
  assertBuilt();
  server = await startModbusServer();
  server.banks.holdingRegisters[10] = 777;
  // Bound, then closed: free now, and nothing listens on it.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadPort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  await server.close();
  tmp.remove();
});

/** Two devices: plc1 on the live server, plc2 on the dead port. */
function mixedProject(): ProjectInput {
  const live = modbusProject(server.port, [{ id: 'flow', address: 'hr:10', unit: 'm³/h' }]);
  const dead = modbusProject(deadPort, [
    { id: 'level', address: 'hr:0', unit: '%' },
    { id: 'temp', address: 'hr:1', unit: '°C' },
  ]);
  const plc2 = { ...dead.devices[0]!, id: 'plc2', name: 'PLC 2' };
  return { ...live, devices: [...live.devices, plc2] };
}

interface SummaryRow {
  device: string;
  state: string;
  good: number;
  uncertain: number;
  bad: number;
  lastError: string;
}

function summary(stdout: string): SummaryRow[] {
  const [header, ...rows] = stdout.trim().split('\n');
  expect(header).toMatch(/^device\s+state\s+good\s+uncertain\s+bad\s+last error$/);
  return rows.map((row) => {
    const m = /^(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(row);
    expect(m, row).not.toBeNull();
    return { device: m![1]!, state: m![2]!, good: Number(m![3]), uncertain: Number(m![4]), bad: Number(m![5]), lastError: m![6]! };
  });
}

describe('sensorvault run summary', () => {
  it('on Ctrl-C prints each device: state, good/uncertain/bad readings and last error; exits 0 when one delivered', async () => {
    const project = tmp.file('mixed.json');
    writeFileSync(project, JSON.stringify(mixedProject()));
    const db = tmp.file('mixed.db');
    const child = spawn(process.execPath, [cliBin, 'run', '--project', project, '--db', db], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    let running = true;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        running = false;
        resolve(code);
      }),
    );
    // Stop once plc2 has failed (its bad readings are pushed before it backs off) and a
    // good reading of plc1 is committed (history reads the file while run writes it).
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (/plc2 backing-off/.test(stderr)) resolve();
      });
      child.on('exit', () => resolve());
    });
    for (;;) {
      expect(running, stderr).toBe(true);
      const history = await runCli(['history', '--db', db, '--tag', 'flow', '--from', '-1h'], { env, timeoutMs: 180_000 });
      if (/,777,good,/m.test(history.stdout)) break;
    }
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/stopped \(SIGINT\); \d+ readings committed in \d+ transactions \(\d+ good, 0 uncertain, \d+ bad\)/);
    const [plc1, plc2, ...rest] = summary(stdout);
    expect(rest).toEqual([]);
    expect(plc1).toMatchObject({ device: 'plc1', state: 'connected', uncertain: 0, lastError: '-' });
    expect(plc1!.good).toBeGreaterThan(0);
    expect(plc2).toMatchObject({ device: 'plc2', good: 0, uncertain: 0 });
    expect(['connecting', 'backing-off']).toContain(plc2!.state);
    // Both tags of plc2 were marked bad when it went offline.
    expect(plc2!.bad).toBeGreaterThanOrEqual(2);
    expect(plc2!.lastError).toMatch(new RegExp(`127\\.0\\.0\\.1:${deadPort}.*(ECONNREFUSED|refused)`));
  }, 300_000);

  it('exits 1 when every device failed the whole run, after --for elapsed', { timeout: 300_000 }, async () => {
    const project = tmp.file('dead.json');
    writeFileSync(project, JSON.stringify(modbusProject(deadPort, [{ id: 'level', address: 'hr:0' }])));
    const run = await runCli(['run', '--project', project, '--db', tmp.file('dead.db'), '--for', '1s500ms'], { env, timeoutMs: 180_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/stopped \(duration elapsed\)/);
    expect(run.stderr).toMatch(/every device failed the whole run: not one good or uncertain reading from the device/);
    const [plc1, ...rest] = summary(run.stdout);
    expect(rest).toEqual([]);
    expect(plc1).toMatchObject({ device: 'plc1', good: 0, uncertain: 0 });
  });

  it('a disabled device alone is not a failure', { timeout: 300_000 }, async () => {
    const project = tmp.file('disabled.json');
    writeFileSync(project, JSON.stringify(modbusProject(deadPort, [{ id: 'level', address: 'hr:0' }], { enabled: false })));
    const run = await runCli(['run', '--project', project, '--db', tmp.file('disabled.db'), '--for', '200ms'], { env, timeoutMs: 180_000 });
    expect(run.code).toBe(0);
    expect(summary(run.stdout)).toEqual([{ device: 'plc1', state: 'disabled', good: 0, uncertain: 0, bad: 0, lastError: '-' }]);
  });

  it('documents the summary, the exit codes and the duration forms in run --help', { timeout: 300_000 }, async () => {
    const help = await runCli(['run', '--help'], { timeoutMs: 180_000 });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/one\s+line per device/);
    expect(help.stdout).toMatch(/1 every enabled device failed the whole run/);
    expect(help.stdout).toMatch(/5min.*1h30m/);
  });

  it('accepts the common duration forms and refuses others naming --for', { timeout: 300_000 }, async () => {
    const project = tmp.file('forms.json');
    writeFileSync(project, JSON.stringify(modbusProject(server.port, [{ id: 'flow', address: 'hr:10' }])));
    const bad = await runCli(['run', '--project', project, '--db', tmp.file('forms.db'), '--for', '5 fortnights'], { env, timeoutMs: 180_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^sensorvault: --for: "5 fortnights" is not a duration; use e\.g\. 500ms, 90s, 5min/);
    const ok = await runCli(['run', '--project', project, '--db', tmp.file('forms.db'), '--for', '0.5s'], { env, timeoutMs: 180_000 });
    expect(ok.stderr).toMatch(/for 500 ms/);
  });
});
