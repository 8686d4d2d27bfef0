import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LongRunning, assertBuilt, root, runCli, startCli } from '../support/cli.js';
import { shortestFloat32 } from '../../shared/format/float32.js';
import { tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// Issue 8, "UI that promises what it does not do": edit a device (restarts only it), Write
// only where writes are enabled, only the actions a driver has, device cards that filter
// the live table, and numbers formatted per tag. The real `sensorvault demo` and Debian's
// Chromium; nothing is mocked. The tests run in order on one page.
const tmp = tempDir('sensorvault-edit-e2e-');
const shots = path.join(root, 'test-results');
const dbFile = tmp.file('demo.db');
let demo: LongRunning | undefined;
let browser: Browser;
let page: Page;
let plantPort = '';

const deviceRow = (id: string) => page.locator(`[data-testid="device-row"][data-device-id="${id}"]`);
const liveRow = (id: string) => page.locator(`[data-testid="live-row"][data-tag-id="${id}"]`);
const since = async (id: string) => Number(await deviceRow(id).getAttribute('data-since'));

beforeAll(async () => {
  assertBuilt();
  mkdirSync(shots, { recursive: true });
  demo = await startCli(['demo', '--db', dbFile]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(demo.firstLine);
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  tmp.remove();
});

describe('device editing and what the UI offers', () => {
  it('formats values per tag: grouped counters without exponents, float32 as its shortest decimal', async () => {
    await expect.poll(() => deviceRow('demo-plc').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    const endpoint = await deviceRow('demo-plc').locator('.device-endpoint').innerText();
    plantPort = /:(\d+)/.exec(endpoint)?.[1] ?? '';
    expect(plantPort).toMatch(/^\d+$/);
    // The table is virtual: filter so the rows are on screen.
    await page.getByTestId('live-filter').fill('eq-10');
    const energy = liveRow('eq-101');
    await expect.poll(() => energy.getByTestId('live-quality').innerText(), { timeout: 20_000 }).toMatch(/good/i);
    // uint64 Wh × 0.001 → kWh: three decimals from the factor, thousands grouped.
    expect(await energy.getByTestId('live-value').innerText()).toMatch(/^-?\d{1,3}(,\d{3})*\.\d{3}$/);
    // The whole counter fits its cell at 1366 px (no ellipsis).
    expect(await energy.getByTestId('live-value').evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
    await page.screenshot({ path: path.join(shots, 'issue8-live-values.png') });
    await page.getByTestId('live-filter').fill('tt-101');
    const temperature = liveRow('tt-101');
    await expect.poll(() => temperature.getByTestId('live-quality').innerText(), { timeout: 20_000 }).toMatch(/good/i);
    const text = await temperature.getByTestId('live-value').innerText();
    expect(text).not.toMatch(/e/i);
    expect(text.replace(/[^0-9]/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(6);
    await page.getByTestId('live-filter').fill('');
  });

  it('shows no Write button where the device has writes disabled, and says why', async () => {
    expect(await liveRow('tt-101').getByTestId('write-tag').count()).toBe(0);
    expect(await liveRow('tt-101').getByTestId('write-off').innerText()).toMatch(/read-only/);
    expect(await page.getByTestId('writes-disabled-note').innerText()).toMatch(/Writes are disabled for this device — enable them in Edit device/);
    await page.screenshot({ path: path.join(shots, 'issue8-live-read-only.png') });
  });

  it('offers neither discovery nor a browse tree for Modbus TCP', async () => {
    await page.getByTestId('tab-devices').click();
    await page.getByTestId('add-device-button').click();
    await page.getByTestId('driver-select').selectOption('modbus-tcp');
    expect(await page.getByTestId('settings-field-host').count()).toBe(1);
    expect(await page.getByTestId('discover-devices').count()).toBe(0);
    await page.getByTestId('device-field-name').fill('Second PLC');
    await page.getByTestId('device-field-id').fill('plc-2');
    await page.getByTestId('settings-field-host').fill('127.0.0.1');
    await page.getByTestId('settings-field-port').fill(plantPort);
    await page.getByTestId('save-device').click();
    await expect.poll(() => deviceRow('plc-2').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    await page.locator('[data-testid="picker-device"][data-device-id="plc-2"]').click();
    await expect.poll(() => page.getByTestId('browse-unsupported').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.device-tags').innerText()).not.toMatch(/browse tree/);
    await page.getByTestId('address-field-id').fill('plc2-temperature');
    await page.getByTestId('address-field-name').fill('Second PLC temperature');
    await page.getByTestId('address-field-address').fill('hr:2:float32');
    await page.getByTestId('address-field-unit').fill('°C');
    await page.getByTestId('add-tag-by-address').click();
    await expect.poll(() => page.locator('[data-testid="device-tag-row"][data-tag-id="plc2-temperature"]').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => deviceRow('plc-2').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
  });

  it('refuses a bad value in Edit device with the field error, and changes nothing', async () => {
    const before = { plc: await since('demo-plc'), other: await since('plc-2') };
    await page.locator('[data-testid="picker-device"][data-device-id="demo-plc"]').click();
    await page.getByTestId('edit-device').click();
    const dialog = page.getByTestId('edit-device-dialog');
    expect(await dialog.getByTestId('settings-field-port').inputValue()).toBe(plantPort);
    expect(await dialog.getByTestId('device-field-id').getAttribute('readonly')).not.toBeNull();
    await dialog.getByTestId('settings-field-port').fill('70000');
    await dialog.getByTestId('save-device').click();
    await expect.poll(() => dialog.getByTestId('field-error-port').count(), { timeout: 10_000 }).toBe(1);
    expect(await dialog.getByTestId('field-error-port').innerText()).toMatch(/65535/);
    await page.screenshot({ path: path.join(shots, 'issue8-edit-device-error.png') });
    expect(await since('demo-plc')).toBe(before.plc);
    expect(await since('plc-2')).toBe(before.other);
    expect(await deviceRow('demo-plc').locator('.device-endpoint').innerText()).toContain(`:${plantPort}`);
  });

  it('saves settings, writes and poll groups, and restarts that device only', async () => {
    const other = await since('plc-2');
    const plc = await since('demo-plc');
    const dialog = page.getByTestId('edit-device-dialog');
    await dialog.getByTestId('settings-field-port').fill(plantPort);
    await dialog.getByTestId('settings-field-writes').selectOption('enabled');
    await dialog.getByTestId('poll-group-interval-0').fill('1000');
    await dialog.getByTestId('add-poll-group').click();
    await dialog.getByTestId('poll-group-id-2').fill('hourly');
    await dialog.getByTestId('poll-group-interval-2').fill('3600000');
    // A group that tags use cannot be removed from under them.
    expect(await dialog.getByTestId('remove-poll-group-0').count()).toBe(0);
    await page.screenshot({ path: path.join(shots, 'issue8-edit-device.png') });
    await dialog.getByTestId('save-device').click();
    await expect.poll(() => page.getByTestId('edit-device-dialog').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.getByTestId('edit-notice').innerText()).toMatch(/updated/);
    await expect.poll(() => since('demo-plc'), { timeout: 20_000 }).not.toBe(plc);
    await expect.poll(() => deviceRow('demo-plc').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    await expect.poll(() => page.locator('[data-testid="device-tag-row"][data-tag-id="tt-101"]').innerText(), { timeout: 10_000 }).toMatch(/fast\s*\(1,000 ms\)/);
    expect(await since('plc-2')).toBe(other);

    // The new group is there, and can be removed again (no tag uses it).
    await page.getByTestId('edit-device').click();
    expect(await dialog.getByTestId('poll-group-id-2').inputValue()).toBe('hourly');
    await dialog.getByTestId('remove-poll-group-2').click();
    await dialog.getByTestId('save-device').click();
    await expect.poll(() => page.getByTestId('edit-device-dialog').count(), { timeout: 20_000 }).toBe(0);
    await page.getByTestId('edit-device').click();
    expect(await dialog.getByTestId('poll-group-id-2').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await since('plc-2')).toBe(other);

    await page.getByTestId('tab-live').click();
    await expect.poll(() => liveRow('tt-101').getByTestId('write-tag').count(), { timeout: 10_000 }).toBe(1);
    expect(await liveRow('plc2-temperature').getByTestId('write-tag').count()).toBe(0);
  });

  it('disables a device through its enabled flag', async () => {
    const plc = await since('demo-plc');
    await page.getByTestId('tab-devices').click();
    await page.locator('[data-testid="picker-device"][data-device-id="plc-2"]').click();
    await page.getByTestId('edit-device').click();
    await page.getByTestId('edit-device-dialog').getByTestId('device-field-enabled').uncheck();
    await page.getByTestId('edit-device-dialog').getByTestId('save-device').click();
    await expect.poll(() => deviceRow('plc-2').getAttribute('data-state'), { timeout: 20_000 }).toBe('disabled');
    expect(await since('demo-plc')).toBe(plc);
  });

  it('filters the live table to a clicked device card, by mouse and by keyboard, with a chip that clears it', async () => {
    await page.getByTestId('tab-live').click();
    const rows = page.getByTestId('live-row');
    // The table is virtual: the count line says how many tags match, the DOM holds only those on screen.
    const count = page.getByTestId('live-count');
    const all = Number((await count.innerText()).replace(/[^0-9]/g, ''));
    await deviceRow('plc-2').locator('.device-endpoint').click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    expect(await rows.first().getAttribute('data-tag-id')).toBe('plc2-temperature');
    expect(await page.getByTestId('device-filter-chip').innerText()).toMatch(/Second PLC/);
    await page.screenshot({ path: path.join(shots, 'issue8-live-filtered.png') });

    await deviceRow('demo-plc').getByTestId('device-filter').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('device-filter-chip').innerText(), { timeout: 10_000 }).toMatch(/UC-100/);
    await expect.poll(() => count.innerText(), { timeout: 10_000 }).toBe(`${all - 1} of ${all} tags`);
    expect(await liveRow('plc2-temperature').count()).toBe(0);
    expect(await deviceRow('demo-plc').getByTestId('device-filter').getAttribute('aria-pressed')).toBe('true');

    await page.getByTestId('clear-device-filter').click();
    expect(await page.getByTestId('device-filter-chip').count()).toBe(0);
    await expect.poll(() => count.innerText(), { timeout: 10_000 }).toBe(`${all} tags`);
  });

  it('stores float32 readings as their shortest decimal (history CSV)', async () => {
    await page.close();
    expect(await demo?.stop()).toBe(0);
    demo = undefined;
    const result = await runCli(['history', '--db', dbFile, '--tag', 'tt-101', '--format', 'csv']);
    expect(result.code).toBe(0);
    const values = result.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[1] ?? '')
      .filter((v) => v !== '');
    expect(values.length).toBeGreaterThan(3);
    for (const text of values) {
      // The stored value is the shortest decimal of its float32 (21.333673, not 21.33367347717285).
      const value = Number(text);
      expect(shortestFloat32(Math.fround(value))).toBe(value);
      expect(text.replace(/^-?0*|[.-]/g, '').length).toBeLessThanOrEqual(9);
    }
  });
});
