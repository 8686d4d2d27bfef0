import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../support/serial.js';
import { type SerialRtuSlave, startRtuSlave } from '../support/rtu-slave.js';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// Issue 5's RTU "done": set up an RS-485 bus with several slaves in the UI. A real socat
// pty pair with an RTU slave answering for units 1-3 (unit 4 is dead), the real gateway,
// Debian's Chromium.
const tmp = tempDir('sensorvault-rtu-ui-');
let pty: PtyPair;
let slave: SerialRtuSlave;
let gateway: LongRunning;
let browser: Browser;
const projectFile = tmp.file('bus.json');

beforeAll(async () => {
  assertBuilt();
  pty = await startPtyPair();
  slave = await startRtuSlave(pty.b, { units: [1, 2, 3], dead: [4] });
  for (const unit of [1, 2, 3]) slave.banks(unit).holdingRegisters[0] = unit * 11;
  writeFileSync(projectFile, JSON.stringify({ schemaVersion: 1, name: 'Pump house', devices: [] }));
  gateway = await startCli(['gateway', '--project', projectFile, '--db', tmp.file('bus.db')], { env: { SENSORVAULT_HOME: tmp.file('home') } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  const code = await gateway?.stop();
  await slave?.close();
  await pty?.close();
  tmp.remove();
  expect(code).toBe(0);
});

describe('Modbus RTU bus in the UI', () => {
  it('adds a bus, maps points on several unit ids, and shows the dead slave bad', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(gateway.firstLine);
    await page.getByTestId('tab-devices').click();
    await page.getByTestId('add-device-button').click();
    await page.getByTestId('driver-select').selectOption('modbus-rtu');
    await page.getByTestId('device-field-name').fill('RS-485 bus 1');
    await page.getByTestId('device-field-id').fill('bus1');
    await page.getByTestId('settings-field-path').fill(pty.a);
    await page.getByTestId('settings-field-timeoutMs').fill('200');
    await page.getByTestId('settings-field-demoteAfter').fill('2');
    await page.getByTestId('save-device').click();
    const row = page.locator('[data-testid="device-row"][data-device-id="bus1"]');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');

    await page.locator('[data-testid="picker-device"][data-device-id="bus1"]').click();
    await expect.poll(() => page.getByTestId('browse-unsupported').count(), { timeout: 10_000 }).toBe(1);
    const points: Array<[string, string]> = [
      ['p1', 'hr:0'],
      ['p2', 'u2/hr:0'],
      ['p3', 'u3/hr:0'],
      ['p4', 'u4/hr:0'],
    ];
    for (const [id, address] of points) {
      await page.getByTestId('address-field-id').fill(id);
      await page.getByTestId('address-field-name').fill(`Pump ${id} speed`);
      await page.getByTestId('address-field-address').fill(address);
      await page.getByTestId('address-field-unit').fill('rpm');
      await page.getByTestId('add-tag-by-address').click();
      await expect.poll(() => JSON.parse(readFileSync(projectFile, 'utf8')).devices[0]?.tags?.some((t: { id: string }) => t.id === id) ?? false, { timeout: 20_000 }).toBe(true);
      // The form clears once the UI has the host's answer; type the next tag after that.
      await expect.poll(() => page.getByTestId('address-field-id').inputValue(), { timeout: 20_000 }).toBe('');
    }

    await page.getByTestId('tab-live').click();
    for (const [id, , value] of [['p1', '', '11'], ['p2', '', '22'], ['p3', '', '33']]) {
      const live = page.locator(`[data-testid="live-row"][data-tag-id="${id}"]`);
      await expect.poll(() => live.getByTestId('live-quality').innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/good/i);
      expect(await live.getByTestId('live-value').innerText()).toBe(value);
    }
    const dead = page.locator('[data-testid="live-row"][data-tag-id="p4"]');
    await expect.poll(() => dead.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/bad/i);
    await expect.poll(() => dead.innerText(), { timeout: 30_000 }).toMatch(/demoted|no response/i);
    // The bus figures: achieved against the line's ceiling, and the demoted unit.
    const details = page.locator('[data-testid="device-row"][data-device-id="bus1"]').getByTestId('device-details');
    await expect.poll(() => details.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/Bus utilization\s*\d+ % \([\d.]+ of [\d.]+ req\/s possible at 9,600 baud\)/);
    await expect.poll(() => details.innerText(), { timeout: 30_000 }).toMatch(/unit 4 (demoted|probing)/);
    await page.screenshot({ path: path.join(root, 'test-results', 'rtu-bus.png') });
    // The dead slave does not stall the others: their values keep arriving.
    slave.banks(2).holdingRegisters[0] = 222;
    await expect.poll(() => page.locator('[data-testid="live-row"][data-tag-id="p2"]').getByTestId('live-value').innerText(), { timeout: 30_000 }).toBe('222');
    await page.close();
  });
});
