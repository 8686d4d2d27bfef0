import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// End to end: the real `sensorvault demo` (demo plant + headless host) and Debian's
// real Chromium driven by playwright-core. Nothing is mocked.
const tmp = tempDir('sensorvault-e2e-');
const shots = path.join(root, 'test-results');
let demo: LongRunning;
let browser: Browser;

beforeAll(async () => {
  assertBuilt();
  mkdirSync(shots, { recursive: true });
  demo = await startCli(['demo', '--db', tmp.file('demo.db')]);
  // playwright-core gives every launch a fresh, temporary profile (--user-data-dir).
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  const code = await demo?.stop();
  tmp.remove();
  expect(code).toBe(0);
});

describe('sensorvault demo in Chromium', () => {
  it('prints the URL with its token first, and refuses the page without it', async () => {
    expect(demo.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(new URL(demo.firstLine).origin + '/');
    expect(response?.status()).toBe(401);
    await context.close();
  });

  it('shows the device connected, live values that change, and a trend that draws', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const remote: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (!['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'data:') remote.push(r.url());
    });
    await page.goto(demo.firstLine);
    expect(new URL(page.url()).searchParams.get('token')).toBeNull();

    const device = page.getByTestId('device-row').first();
    await expect.poll(() => device.getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');

    const rows = page.getByTestId('live-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(10);
    const temperature = page.locator('[data-testid="live-row"][data-tag-id="tt-101"]');
    await expect.poll(() => temperature.getByTestId('live-quality').innerText(), { timeout: 20_000 }).toMatch(/good/i);
    const first = await temperature.getByTestId('live-value').innerText();
    await expect.poll(() => temperature.getByTestId('live-value').innerText(), { timeout: 20_000 }).not.toBe(first);

    await temperature.getByRole('checkbox').check();
    await expect.poll(() => page.getByTestId('trend-series-count').innerText(), { timeout: 20_000 }).toMatch(/1/);
    const canvas = page.getByTestId('trend-canvas').locator('canvas').first();
    await expect.poll(() => canvas.count(), { timeout: 10_000 }).toBe(1);
    // The trend has drawn when its canvas holds non-background pixels that change.
    const drawn = async () =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const ctx = c.getContext('2d');
        if (ctx === null || c.width === 0) return 0;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
        return painted;
      });
    await expect.poll(drawn, { timeout: 20_000 }).toBeGreaterThan(500);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(shots, 'demo-1366x768.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(shots, 'demo-1920x1080.png') });
    expect(remote).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
