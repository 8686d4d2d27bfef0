import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// Issue 8: "Writing to a device with writes disabled shows the error twice. Show it once."
// The Write button exists only where writes are enabled, so the refusal happens when writes
// are disabled while the dialog is open: here from a second window, as a colleague would.
// The real `sensorvault demo` (headless host, gateway and demo PLC) and Debian's Chromium.
const tmp = tempDir('sensorvault-write-e2e-');
const shots = path.join(root, 'test-results');
let demo: LongRunning;
let browser: Browser;

const deviceRow = (page: Page, id: string) => page.locator(`[data-testid="device-row"][data-device-id="${id}"]`);
const occurrences = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, 'gi'))?.length ?? 0;

/** Sets the demo PLC's writes through Edit device and waits until it is connected again. */
async function setWrites(page: Page, writes: 'enabled' | 'disabled'): Promise<void> {
  await page.getByTestId('tab-devices').click();
  await page.locator('[data-testid="picker-device"][data-device-id="demo-plc"]').click();
  await page.getByTestId('edit-device').click();
  const dialog = page.getByTestId('edit-device-dialog');
  await dialog.getByTestId('settings-field-writes').selectOption(writes);
  await dialog.getByTestId('save-device').click();
  await expect.poll(() => page.getByTestId('edit-device-dialog').count(), { timeout: 20_000 }).toBe(0);
  await expect.poll(() => deviceRow(page, 'demo-plc').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
}

beforeAll(async () => {
  assertBuilt();
  mkdirSync(shots, { recursive: true });
  demo = await startCli(['demo', '--db', tmp.file('demo.db')]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  tmp.remove();
});

describe('write dialog', () => {
  it('shows a writes-disabled refusal once, not twice', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(demo.firstLine);
    await expect.poll(() => deviceRow(page, 'demo-plc').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    await setWrites(page, 'enabled');

    await page.getByTestId('tab-live').click();
    await page.getByTestId('live-filter').fill('tt-101');
    const row = page.locator('[data-testid="live-row"][data-tag-id="tt-101"]');
    await expect.poll(() => row.getByTestId('write-tag').count(), { timeout: 10_000 }).toBe(1);
    await row.getByTestId('write-tag').click();
    const dialog = page.getByTestId('write-dialog');
    await dialog.getByTestId('write-value').fill('21.5');

    // A second window disables writes while the dialog is open.
    const other = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await other.goto(demo.firstLine);
    await setWrites(other, 'disabled');
    await other.close();

    await dialog.getByTestId('confirm-write').click();
    const error = dialog.getByTestId('api-error');
    await expect.poll(() => error.count(), { timeout: 20_000 }).toBe(1);
    expect(await error.getAttribute('data-code')).toBe('writes-disabled');
    const text = await dialog.innerText();
    await page.screenshot({ path: path.join(shots, 'issue8-write-disabled-once.png') });
    // The refusal and what to do, each said once.
    expect(occurrences(text, /writes are disabled/)).toBe(1);
    expect(occurrences(text, /enable them/)).toBe(1);
    expect(await error.innerText()).toMatch(/writes are disabled for this Modbus device; enable them in the device settings/i);
    expect(await dialog.getByTestId('write-done').count()).toBe(0);
    await page.close();
  }, 120_000);
});
