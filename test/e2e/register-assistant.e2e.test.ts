import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModbusServer, startModbusServer } from '../../electron/demo/modbus-server.js';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { tempDir } from '../support/project.js';
import { countReads, knownPoints, MAP_LENGTH, serverHost, writeKnownMap } from '../support/register-map.js';
import { launchChromium } from '../support/browser.js';

// Issue 9's register-map assistant "done": it finds the right order for the four 32-bit
// variants on a live device, and a click creates the tag. Our Modbus TCP server on
// 127.0.0.1 at a free port with a map we know, the real `sensorvault gateway`, Debian's
// Chromium at a laptop's 1366 x 768.
const BASE = 100;
const tmp = tempDir('sensorvault-assistant-e2e-');
const shots = path.join(root, 'test-results');
const projectFile = tmp.file('plant.json');
let plc: ModbusServer;
let gateway: LongRunning;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  assertBuilt();
  mkdirSync(shots, { recursive: true });
  plc = await startModbusServer();
  writeKnownMap(serverHost(plc), BASE);
  countReads(serverHost(plc), BASE);
  // 10.0 as float32 (0x4120 0x0000) at hr:121 between zero words: hr:120 read word-swapped says 10 too.
  const hr = plc.banks.holdingRegisters;
  [hr[BASE + 20], hr[BASE + 21], hr[BASE + 22]] = [0, 0x4120, 0];
  writeFileSync(
    projectFile,
    JSON.stringify({
      schemaVersion: 2,
      name: 'Boiler house',
      devices: [
        {
          id: 'boiler-plc',
          name: 'Boiler PLC',
          driver: 'modbus-tcp',
          enabled: true,
          settings: { host: '127.0.0.1', port: plc.port, unitId: 1, timeoutMs: 500 },
          pollGroups: [{ id: 'fast', intervalMs: 500 }],
          tags: [{ id: 'status', name: 'Status word', address: 'hr:0', pollGroup: 'fast', unit: '' }],
        },
      ],
    }),
  );
  gateway = await startCli(['gateway', '--project', projectFile, '--db', tmp.file('plant.db')], { env: { SENSORVAULT_HOME: tmp.file('home') } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(gateway.firstLine);
});

afterAll(async () => {
  await browser?.close();
  const code = await gateway?.stop();
  await plc?.close();
  tmp.remove();
  expect(code).toBe(0);
});

const row = (address: string) => page.locator(`[data-testid="scan-row"][data-address="${address}"]`);

describe('register-map assistant', () => {
  it('reads a block live and ranks the right type and order first at every known start', async () => {
    await page.getByTestId('tab-devices').click();
    const device = page.locator('[data-testid="device-row"][data-device-id="boiler-plc"]');
    await expect.poll(() => device.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    await page.locator('[data-testid="picker-device"][data-device-id="boiler-plc"]').click();
    await page.getByTestId('register-assistant-button').click();
    await page.getByTestId('scan-from').fill(`hr:${BASE}`);
    await page.getByTestId('scan-count').fill(String(MAP_LENGTH));
    await page.getByTestId('scan-read').click();
    await expect.poll(() => page.getByTestId('scan-row').count(), { timeout: 15_000 }).toBe(MAP_LENGTH);
    expect(await page.getByTestId('scan-summary').innerText()).toMatch(new RegExp(`^${MAP_LENGTH} registers from hr:${BASE}, read at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d`));
    for (const p of knownPoints) {
      const best = row(`hr:${BASE + p.offset}`).getByTestId('scan-candidate').first();
      expect(await best.getAttribute('data-type'), `hr:${BASE + p.offset}`).toBe(p.type);
      expect(await best.getAttribute('data-order'), `hr:${BASE + p.offset}`).toBe(p.label);
    }
    expect(await row(`hr:${BASE + 24}`).getByTestId('scan-candidate').first().getAttribute('title')).toMatch(/^counts up between reads \(\+1\)/);
    // The raw word in hex beside it.
    expect(await row(`hr:${BASE}`).locator('td').nth(1).innerText()).toBe('0x41AC');
    // The 0/1-based hint where 10.0 reads at hr:121 (abcd) and at hr:120 (cdab).
    expect(await row(`hr:${BASE + 20}`).getByTestId('offset-hint').innerText()).toContain(`the same value appears at hr:${BASE + 21} (float32 abcd): the map may be 1-based`);
    // Every type x order of one register, side by side.
    await row(`hr:${BASE + 4}`).getByTestId('toggle-grid').click();
    const grid = row(`hr:${BASE + 4}`).getByTestId('decoding-grid');
    expect(await grid.getByTestId('grid-type-row').count()).toBe(8);
    const float32Row = grid.getByTestId('grid-type-row').nth(2);
    expect(await float32Row.locator('th').innerText()).toBe('float32');
    // Column 2 is cdab: the plausible 3.14159 is a link there.
    expect(await float32Row.locator('td').nth(1).innerText()).toMatch(/^3\.14159 \(\d+ %\)$/);
    await row(`hr:${BASE}`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'register-assistant.png') });
    // hr:116 (float64) at the top: the offset hints at hr:120/121 and the counter at hr:124 below it.
    await row(`hr:${BASE + 16}`).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(shots, 'register-assistant-float64-offset-counter.png') });
  });

  it('clicking the best decoding creates the tag with that type and order, and it reads live', async () => {
    await row(`hr:${BASE + 4}`).getByTestId('scan-candidate').first().click();
    const dialog = page.getByTestId('scan-create-tag');
    expect(await dialog.innerText()).toContain(`hr:${BASE + 4}:float32:cdab`);
    await page.getByTestId('scan-create-confirm').click();
    expect(await dialog.getByText('required: the tag name engineers will see').count()).toBe(1);
    await page.getByTestId('scan-tag-name').fill('Drum pressure');
    await page.getByTestId('scan-tag-unit').fill('bar');
    await page.screenshot({ path: path.join(shots, 'register-assistant-create.png') });
    await page.getByTestId('scan-create-confirm').click();
    await expect.poll(() => page.getByTestId('scan-tag-created').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('scan-tag-created').innerText()).toMatch(new RegExp(`^Tag "Drum pressure" \\(Drum_pressure\\) created at hr:${BASE + 4}:float32:cdab: float32 cdab, reads 3\\.14159 bar now\\.`));
    expect(await row(`hr:${BASE + 4}`).getByTestId('scan-candidate').first().innerText()).toContain('tag created');
    await page.getByTestId('register-assistant').getByRole('button', { name: 'Close' }).click();
    const tagRow = page.locator('[data-testid="device-tag-row"][data-tag-id="Drum_pressure"]');
    await expect.poll(() => tagRow.count(), { timeout: 10_000 }).toBe(1);
    expect(await tagRow.innerText()).toContain(`hr:${BASE + 4}:float32:cdab`);
    // The tag polls the register in that order: the live table shows the value.
    await page.getByTestId('tab-live').click();
    await page.getByTestId('live-filter').fill('Drum');
    const live = page.locator('[data-testid="live-row"][data-tag-id="Drum_pressure"]');
    await expect.poll(() => live.getByTestId('live-value').innerText(), { timeout: 15_000 }).toBe('3.14159');
  });

  it('a block the device refuses shows the device error and the register-map next step, not "host down"', async () => {
    // hr:9000..9099 are not in this device's map: exception 2, illegal data address.
    const remove = plc.injectException((request) => (request.functionCode === 3 && request.address + request.quantity > 9000 && request.address < 9100 ? 2 : undefined));
    try {
      await page.getByTestId('tab-devices').click();
      await page.locator('[data-testid="picker-device"][data-device-id="boiler-plc"]').click();
      await page.getByTestId('register-assistant-button').click();
      await page.getByTestId('scan-from').fill('hr:9000');
      await page.getByTestId('scan-count').fill('10');
      await page.getByTestId('scan-read').click();
      const failure = page.getByTestId('register-assistant').getByTestId('api-error');
      await expect.poll(() => failure.count(), { timeout: 15_000 }).toBe(1);
      const text = await failure.innerText();
      expect(text).toMatch(/hr:9000 .*illegal data address/);
      expect(text).toMatch(/device answered and refused this block\. Check the start register and count against the device’s register map/);
      expect(text).not.toMatch(/host is not answering/);
      await page.screenshot({ path: path.join(shots, 'register-assistant-refused.png') });
      await page.getByTestId('register-assistant').getByRole('button', { name: 'Close' }).click();
    } finally {
      remove();
    }
  });
});
