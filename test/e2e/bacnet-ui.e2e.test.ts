import { readFileSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BacnetDevice, startBacnetDevice } from '../support/bacnet-device.js';
import { type LongRunning, assertBuilt, startCli } from '../support/cli.js';
import { tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// Issue 4's "done": discover a BACnet/IP device, browse its objects and map them into
// tags in the UI; values then flow. Simulated device on loopback, the real gateway,
// Debian's Chromium.
const tmp = tempDir('sensorvault-bacnet-ui-');
let device: BacnetDevice;
let gateway: LongRunning;
let browser: Browser;
const projectFile = tmp.file('building.json');

beforeAll(async () => {
  assertBuilt();
  device = await startBacnetDevice({ objects: 60, deviceInstance: 7001, vendorName: 'SimVendor', modelName: 'AHU-3', changeIntervalMs: 500, changing: 5 });
  writeFileSync(projectFile, JSON.stringify({ schemaVersion: 1, name: 'Building B', devices: [] }));
  gateway = await startCli(['gateway', '--project', projectFile, '--db', tmp.file('b.db')], { env: { SENSORVAULT_HOME: tmp.file('home') } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  const code = await gateway?.stop();
  await device?.close();
  tmp.remove();
  expect(code).toBe(0);
});

describe('BACnet/IP in the UI', () => {
  it('discovers the device, browses its objects and maps two of them into live tags', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(gateway.firstLine);
    await page.getByTestId('tab-devices').click();
    await page.getByTestId('add-device-button').click();
    await page.getByTestId('driver-select').selectOption('bacnet');
    await page.getByTestId('device-field-name').fill('AHU 3');
    await page.getByTestId('device-field-id').fill('ahu3');
    await page.getByTestId('settings-field-host').fill(device.host);
    await page.getByTestId('settings-field-port').fill(String(device.port));
    await page.getByTestId('settings-field-bindAddress').fill('127.0.0.1');
    await page.getByTestId('settings-field-bindPort').fill('0');
    await page.getByTestId('discover-devices').click();
    const result = page.getByTestId('discovery-result').first();
    await expect.poll(() => result.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/7001/);
    await result.getByTestId('use-discovered').click();
    await expect.poll(() => page.getByTestId('settings-field-deviceInstance').inputValue(), { timeout: 5000 }).toBe('7001');
    // Discovery proposes the bind it used; keep any free local port for the device too.
    await page.getByTestId('settings-field-bindAddress').fill('127.0.0.1');
    await page.getByTestId('settings-field-bindPort').fill('0');
    await page.getByTestId('save-device').click();
    const row = page.locator('[data-testid="device-row"][data-device-id="ahu3"]');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');

    await page.locator('[data-testid="picker-device"][data-device-id="ahu3"]').click();
    const points = page.locator('[data-testid="browse-node"][data-kind="point"]');
    await expect.poll(() => points.count(), { timeout: 30_000 }).toBeGreaterThan(5);
    const analog = page.locator('[data-testid="browse-node"][data-kind="point"]', { hasText: /analog input|ai:|Analog/i });
    const pick = (await analog.count()) >= 2 ? analog : points;
    await pick.nth(0).getByTestId('browse-node-checkbox').check();
    await pick.nth(1).getByTestId('browse-node-checkbox').check();
    await page.getByTestId('add-selected-tags').click();
    await expect.poll(() => page.getByTestId('review-row').count(), { timeout: 10_000 }).toBe(2);
    await page.getByTestId('confirm-add-tags').click();
    await expect.poll(() => JSON.parse(readFileSync(projectFile, 'utf8')).devices[0]?.tags?.length ?? 0, { timeout: 10_000 }).toBe(2);
    const saved = JSON.parse(readFileSync(projectFile, 'utf8'));
    expect(saved.devices[0].settings.deviceInstance).toBe(7001);
    for (const tag of saved.devices[0].tags) expect(tag.address).toMatch(/^[a-z]+:\d+/);

    await page.getByTestId('tab-live').click();
    for (const tag of saved.devices[0].tags as Array<{ id: string }>) {
      const live = page.locator(`[data-testid="live-row"][data-tag-id="${tag.id}"]`);
      await expect.poll(() => live.getByTestId('live-quality').innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/good/i);
    }
    await page.close();
  });
});
