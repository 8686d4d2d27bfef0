import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModbusServer, startModbusServer } from '../../electron/demo/modbus-server.js';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { modbusProject, tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// Clock skew in the real UI: a Modbus server on 127.0.0.1 whose clock block stands 90 s in
// the past gives a tag its time; the device card warns and switches the tag to the receive
// time through the validated apply path. Real gateway, real Chromium; nothing mocked.
const tmp = tempDir('sensorvault-skew-');
let server: ModbusServer;
let gateway: LongRunning;
let browser: Browser;
const projectFile = tmp.file('skew.project.json');

beforeAll(async () => {
  assertBuilt();
  server = await startModbusServer();
  server.banks.holdingRegisters[0] = 42;
  const behind = new Date(Date.now() - 90_000);
  [behind.getUTCFullYear(), behind.getUTCMonth() + 1, behind.getUTCDate(), behind.getUTCHours(), behind.getUTCMinutes(), behind.getUTCSeconds()].forEach((v, i) => {
    server.banks.holdingRegisters[100 + i] = v;
  });
  const project = modbusProject(server.port, []) as { devices: Array<{ tags: unknown[] }> };
  project.devices[0]!.tags = [
    { id: 'flow', name: 'Flow', address: 'hr:0', pollGroup: 'slow', unit: 'm3/h', timestamp: { source: 'point', address: 'hr:100:string:12', format: 'modbus-clock-ymdhms' } },
    { id: 'status', name: 'Status', address: 'hr:1', pollGroup: 'slow' },
  ];
  writeFileSync(projectFile, JSON.stringify(project));
  gateway = await startCli(['gateway', '--project', projectFile, '--db', tmp.file('skew.db'), '--port', '0']);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await server?.close();
  tmp.remove();
});

describe('clock skew on the device card', () => {
  it('warns with the offset and switches the device tags to the receive time', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await page.goto(gateway.firstLine);
    const warning = page.getByTestId('device-clock-skew');
    await expect.poll(async () => (await warning.count()) > 0, { timeout: 20_000 }).toBe(true);
    expect((await warning.textContent()) ?? '').toMatch(/^Device clock 1 min 3\d s behind the receive time \(limit 5\.0 s\)/);
    await page.screenshot({ path: path.join(root, 'test-results', 'device-clock-skew.png') });
    await page.getByTestId('use-receive-time').click();
    await expect.poll(async () => (await page.getByTestId('device-clock-skew-done').textContent()) ?? '', { timeout: 10_000 }).toMatch(/^2 tags now take the receive time\. Saved to .*skew\.project\.json/);
    // Every tag of the device that took the device's time (here both) now takes the receive time.
    const saved = JSON.parse(readFileSync(projectFile, 'utf8')) as { devices: Array<{ tags: Array<{ id: string; timestamp: unknown }> }> };
    expect(saved.devices[0]!.tags.map((t) => [t.id, t.timestamp])).toEqual([
      ['flow', { source: 'receive' }],
      ['status', { source: 'receive' }],
    ]);
    // The restarted device measures no source time any more: the warning goes.
    await expect.poll(async () => warning.count(), { timeout: 20_000 }).toBe(0);
    await page.screenshot({ path: path.join(root, 'test-results', 'device-clock-skew-fixed.png') });
  });
});
