import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../shared/reading.js';
import { silentLogger } from '../../electron/core/log.js';
import { Store } from '../../electron/core/store/store.js';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { modbusProject, tempDir } from '../support/project.js';
import { closedPort } from '../support/tcp-driver.js';
import { launchChromium } from '../support/browser.js';

// A 24 h history trend in the real UI: a database that already holds a day of one tag at
// 1 Hz (written with the real Store before the host starts), a real headless host
// (`sensorvault gateway`) on it, and Debian's Chromium picking "24 h". The plant is not
// running (a closed port): everything drawn comes from the database. Nothing mocked.
const tmp = tempDir('sensorvault-trend-history-');
const shots = path.join(root, 'test-results');
const db = tmp.file('history.db');
const TAG = 'ft-101';
const DAY = 86_400_000;
const READINGS = 86_400;
/** A 15-minute hole (the host was down) and a 20-minute outage (bad quality) inside the day. */
const HOLE_AT = 30_000;
const HOLE_MS = 15 * 60_000;
const OUTAGE_AT = 60_000;
const OUTAGE_READINGS = 1_200;
const SPIKE_AT = 45_678;
const SPIKE = 187.25;
let gateway: LongRunning;
let browser: Browser;
let end = 0;
let spikeTs = 0;

/** A flow that drifts over the day with noise; one short spike that decimation must keep. */
function valueAt(i: number): number {
  if (i === SPIKE_AT) return SPIKE;
  const noise = Math.sin(i * 12.9898) * 43758.5453;
  return Math.round((120 + 25 * Math.sin((2 * Math.PI * i) / READINGS) + 4 * (noise - Math.floor(noise) - 0.5)) * 100) / 100;
}

beforeAll(async () => {
  assertBuilt();
  mkdirSync(shots, { recursive: true });
  // The day ends a minute ago; its first readings (before the hole) are older than 24 h.
  end = Date.now() - 60_000;
  const start = end - (READINGS - 1) * 1_000 - HOLE_MS;
  const tsOf = (i: number) => start + i * 1_000 + (i >= HOLE_AT ? HOLE_MS : 0);
  spikeTs = tsOf(SPIKE_AT);
  const store = await Store.open({ path: db, retention: { maxAgeDays: 3650, maxSizeMiB: 4096 }, log: silentLogger });
  await store.ensureTags([{ tagId: TAG, name: 'FT-101 Feed flow', unit: 'm³/h' }]);
  for (let first = 0; first < READINGS; first += 10_000) {
    const batch: Reading[] = [];
    for (let i = first; i < Math.min(READINGS, first + 10_000); i++) {
      const bad = i >= OUTAGE_AT && i < OUTAGE_AT + OUTAGE_READINGS;
      batch.push(bad ? { tagId: TAG, ts: tsOf(i), value: null, quality: 'bad', status: 'no connection' } : { tagId: TAG, ts: tsOf(i), value: valueAt(i), quality: 'good' });
    }
    await store.append(batch);
  }
  await store.close();

  const project = modbusProject(await closedPort(), [{ id: TAG, address: 'hr:0', unit: 'm³/h' }]);
  project.devices[0]!.tags[0]!.name = 'FT-101 Feed flow';
  const file = tmp.file('plant.project.json');
  writeFileSync(file, JSON.stringify(project));
  gateway = await startCli(['gateway', '--project', file, '--db', db, '--port', '0']);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  tmp.remove();
});

describe('24 h history trend over a day of 1 Hz readings', () => {
  it('draws the day in at most two points per pixel, says where they come from, and keeps the spike', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, timezoneId: 'UTC' });
    const page = await context.newPage();
    await page.goto(gateway.firstLine);
    const row = page.locator(`[data-testid="live-row"][data-tag-id="${TAG}"]`);
    await row.getByRole('checkbox').check();
    await expect.poll(() => page.getByTestId('trend-series-count').getAttribute('data-count')).toBe('1');

    await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '24 h', exact: true }).click();
    const source = page.locator(`[data-testid="trend-history-source"][data-tag-id="${TAG}"]`);
    const over = page.locator('[data-testid="trend-lane"] .u-over').first();
    // Settled: the answer is in, for two points per CSS pixel of the plot as it is laid out now.
    const settled = async () => {
      const status = await source.getAttribute('data-status');
      if (status === 'error') return 'error';
      const width = await over.evaluate((el) => el.clientWidth);
      return status === 'ready' && Number(await source.getAttribute('data-requested')) === Math.min(20_000, Math.max(200, Math.round(width * 2))) ? 'ready' : 'waiting';
    };
    await expect.poll(settled, { timeout: 30_000 }).not.toBe('waiting');
    expect(await page.getByTestId('api-error').allInnerTexts()).toEqual([]);
    expect(await settled()).toBe('ready');
    const requested = Number(await source.getAttribute('data-requested'));
    const pointCount = Number(await source.getAttribute('data-points'));
    expect(pointCount).toBeGreaterThan(0);
    expect(pointCount).toBeLessThanOrEqual(requested);
    const text = (await source.textContent()) ?? '';
    expect(text).toMatch(/^FT-101 Feed flow: [\d,]+ readings · min\/max per [\d.]+ (s|min) (\(decimated\)|from 1-minute rollups)/);
    expect(text).toMatch(/loaded in [\d,]+ ms/);
    expect(await source.getByTestId('trend-history-extremes').textContent()).toMatch(/max 187\.25 m³\/h/);
    expect(Number(await source.getAttribute('data-readings'))).toBeGreaterThan(80_000);

    // What the plot holds: no more points than asked for, and the day's maximum among them.
    const lane = page.getByTestId('trend-lane').first();
    expect(Number(await lane.getAttribute('data-points'))).toBeLessThanOrEqual(requested);
    expect(Number(await lane.getAttribute('data-max'))).toBe(SPIKE);
    const range = page.getByTestId('trend-range');
    const from = Number(await range.getAttribute('data-from'));
    const to = Number(await range.getAttribute('data-to'));
    expect(to - from).toBe(DAY);
    expect(spikeTs).toBeGreaterThan(from);

    // The hole is a no-data band, the outage a bad-quality band, both inside the day.
    const bands = await page.getByTestId('trend-gap').evaluateAll((els) => els.map((el) => ({ kind: el.getAttribute('data-kind'), from: Number(el.getAttribute('data-from')), to: Number(el.getAttribute('data-to')) })));
    expect(bands.some((b) => b.kind === 'no-data' && b.to - b.from >= HOLE_MS && b.to - b.from < HOLE_MS + 10 * 60_000)).toBe(true);
    // From rollups a band has the rollups' resolution: it may start up to a bucket (plus a rollup minute) late.
    const bucketMs = Number(await source.getAttribute('data-bucket-ms'));
    const outage = { from: spikeTs + (OUTAGE_AT - SPIKE_AT) * 1_000, to: spikeTs + (OUTAGE_AT + OUTAGE_READINGS - SPIKE_AT) * 1_000 };
    const bad = bands.filter((b) => b.kind === 'bad' && b.from < outage.to && b.to > outage.from);
    expect(bad.length).toBeGreaterThan(0);
    expect(Math.max(...bad.map((b) => b.to)) - Math.min(...bad.map((b) => b.from))).toBeGreaterThanOrEqual((OUTAGE_READINGS - 1) * 1_000 - bucketMs - 120_000);

    // The unit on the value axis; the time axis in the chosen zone (UTC here), with dates.
    expect(await page.getByTestId('trend-axis-label').allInnerTexts()).toEqual(['m³/h']);
    expect(await page.getByTestId('trend-time-zone').textContent()).toBe('time: UTC');

    await page.waitForTimeout(300);
    await page.screenshot({ path: '/tmp/trend-24h.png' });
    await page.screenshot({ path: path.join(shots, 'trend-history-24h.png') });

    // Drag to zoom: the zoomed span is queried at full resolution; "Reset zoom" goes back.
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => range.getAttribute('data-zoomed')).toBe('true');
    await expect.poll(() => source.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    const zoomedFrom = Number(await range.getAttribute('data-from'));
    const zoomedTo = Number(await range.getAttribute('data-to'));
    expect(zoomedTo - zoomedFrom).toBeLessThan(DAY / 10);
    expect(zoomedFrom).toBeGreaterThanOrEqual(from);
    await page.screenshot({ path: path.join(shots, 'trend-history-zoomed.png') });
    await page.setViewportSize({ width: 1366, height: 768 });
    await expect.poll(settled, { timeout: 30_000 }).toBe('ready');
    await page.screenshot({ path: path.join(shots, 'trend-history-zoomed-1366.png') });
    await page.getByTestId('trend-reset-zoom').click();
    await expect.poll(() => range.getAttribute('data-zoomed')).toBe('false');
    expect(Number(await range.getAttribute('data-to')) - Number(await range.getAttribute('data-from'))).toBe(DAY);

    // Custom: a wrong range says what to fix.
    await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: 'Custom' }).click();
    await page.getByTestId('trend-custom-from').fill('2026-12-02T10:00:00');
    await page.getByTestId('trend-custom-to').fill('2026-12-02T09:00:00');
    await page.getByRole('button', { name: 'Show' }).click();
    expect(await page.getByTestId('trend-custom-error').textContent()).toMatch(/From must be before To/);

    // Back to live.
    await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: 'Live' }).click();
    await expect.poll(() => page.getByTestId('trend-canvas').getAttribute('data-mode')).toBe('live');
    await context.close();
  });
});
