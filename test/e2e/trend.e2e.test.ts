import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { demoPlantProject, tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// End to end: the real demo plant (`sensorvault demo`, its own database) and a real
// headless host (`sensorvault gateway`) polling it over Modbus TCP into a second
// database, in Debian's Chromium. Real gaps are made, not mocked: the host is stopped
// and restarted on the same database (no data in between), and the plant is stopped
// and restarted while the host runs (an outage: the tags turn bad).
const tmp = tempDir('sensorvault-trend-e2e-');
const shots = path.join(root, 'test-results');
const db = tmp.file('trend.db');
const project = tmp.file('plant.project.json');
let plantPort = 0;
let plant: LongRunning | undefined;
let host: LongRunning | undefined;
let browser: Browser;

/** Eight tags of mixed units, two of them booleans (docs/demo-plant.md). */
const TAGS = ['tt-101', 'tt-102', 'pt-101', 'lt-101', 'eq-101', 'ii-201', 'xv-301-cmd', 'eh-101-on'];
const UNITS = ['°C', 'bar', '%', 'kWh', 'mA'];
const BOOLEANS = ['xv-301-cmd', 'eh-101-on'];

// Known instants around the gaps, taken on this side so the assertions need no timing.
let hostStoppedAt = 0;
let hostRestartedAt = 0;
let plantStoppedAt = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const startPlant = () => startCli(['demo', '--plant-port', String(plantPort), '--db', tmp.file('plant.db')]);
const startHost = () => startCli(['gateway', '--project', project, '--db', db]);

async function gapBands(page: Page, kind: 'no-data' | 'bad') {
  return page.locator(`[data-testid="trend-gap"][data-kind="${kind}"]`).evaluateAll((els) =>
    els.map((el) => ({ from: Number(el.getAttribute('data-from')), to: Number(el.getAttribute('data-to')), tags: el.getAttribute('data-tags') ?? '', title: el.getAttribute('title') ?? '' })),
  );
}

beforeAll(async () => {
  assertBuilt();
  mkdirSync(shots, { recursive: true });
  plantPort = await freePort();
  writeFileSync(project, JSON.stringify(demoPlantProject(plantPort), null, 2));
  plant = await startPlant();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await plant?.stop();
  tmp.remove();
});

describe('trend of 8 tags with real gaps', () => {
  it('shows a labelled scale per unit, a lane per boolean, no-data and bad-quality gaps, and one time zone', async () => {
    // First run of the host, then a restart on the same database: history with a hole.
    const first = await startHost();
    await new Promise((r) => setTimeout(r, 6_000));
    hostStoppedAt = Date.now();
    expect(await first.stop()).toBe(0);
    await new Promise((r) => setTimeout(r, 8_000));
    hostRestartedAt = Date.now();
    host = await startHost();

    // Local time on this "laptop" is India (UTC+05:30), so local and UTC differ.
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, timezoneId: 'Asia/Kolkata' });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(host.firstLine);
    for (const tagId of TAGS) {
      // The table is virtualized: filter so the row is rendered.
      await page.getByTestId('live-filter').fill(tagId);
      const row = page.locator(`[data-testid="live-row"][data-tag-id="${tagId}"]`);
      await expect.poll(() => row.getByTestId('live-quality').getAttribute('data-quality'), { timeout: 20_000 }).toBe('good');
      await row.getByRole('checkbox').check();
    }
    await page.getByTestId('live-filter').fill('');
    await expect.poll(() => page.getByTestId('trend-series-count').getAttribute('data-count')).toBe('8');
    await page.getByRole('group', { name: 'Time window' }).getByRole('button', { name: '1 min' }).click();

    // The restart gap, from the history back-fill: a no-data band spanning the stop.
    await expect
      .poll(async () => (await gapBands(page, 'no-data')).some((b) => b.from <= hostStoppedAt && b.to >= hostRestartedAt && b.tags.includes('TT-101')), { timeout: 20_000 })
      .toBe(true);
    const restartBand = (await gapBands(page, 'no-data')).find((b) => b.from <= hostStoppedAt && b.to >= hostRestartedAt)!;
    expect(restartBand.title).toMatch(/^no data \d\d:\d\d:\d\d–\d\d:\d\d:\d\d /);

    // Every unit has its own labelled axis, and every analog tag is drawn against one.
    const labels = await page.getByTestId('trend-axis-label').evaluateAll((els) => els.map((el) => ({ unit: el.getAttribute('data-unit'), text: el.textContent, tags: el.getAttribute('data-tags') ?? '' })));
    expect(labels.map((l) => l.unit).sort()).toEqual([...UNITS].sort());
    for (const l of labels) expect(l.text).toBe(l.unit);
    const onAxis = labels.flatMap((l) => l.tags.split(' '));
    expect(onAxis.sort()).toEqual(TAGS.filter((t) => !BOOLEANS.includes(t)).sort());
    // More than two units: stacked lanes of two units each, then one step lane per boolean.
    const lanes = await page.getByTestId('trend-lane').evaluateAll((els) => els.map((el) => el.getAttribute('data-kind')));
    expect(lanes).toEqual(['analog', 'analog', 'analog', 'boolean', 'boolean']);
    const laneNames = await page.getByTestId('trend-lane-name').allInnerTexts();
    expect(laneNames).toEqual(['XV-301 Feed valve open command · FALSE / TRUE', 'EH-101 Heater on · FALSE / TRUE']);

    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(shots, 'trend-8-tags-restart-gap.png') });

    // An outage: the plant stops answering; the host marks the tags bad until it is back.
    plantStoppedAt = Date.now();
    expect(await plant!.stop()).toBe(0);
    const tt101 = page.locator('[data-testid="live-row"][data-tag-id="tt-101"]');
    await expect.poll(() => tt101.getByTestId('live-quality').getAttribute('data-quality'), { timeout: 20_000 }).toBe('bad');
    await page.waitForTimeout(4_000);
    plant = await startPlant();
    await expect.poll(() => tt101.getByTestId('live-quality').getAttribute('data-quality'), { timeout: 40_000 }).toBe('good');
    await expect
      .poll(async () => (await gapBands(page, 'bad')).some((b) => b.from >= plantStoppedAt && b.tags.includes('TT-101') && /no connection/.test(b.title)), { timeout: 10_000 })
      .toBe(true);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(shots, 'trend-8-tags-outage.png') });
    await page.getByTestId('trend-canvas').screenshot({ path: path.join(shots, 'trend-8-tags-lanes.png') });
    // A laptop screen: every lane still fits, with its scale.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(shots, 'trend-8-tags-1366x768.png') });

    // One time zone everywhere: local (India) by default, the other zone on hover; switch and it flips.
    const time = tt101.getByTestId('live-time');
    const heading = page.getByTestId('live-time-heading');
    // Text and tooltip read together, from one render.
    const cell = () => time.evaluate((el) => ({ text: el.textContent ?? '', title: el.getAttribute('title') ?? '' }));
    expect(await heading.textContent()).toBe('Time +05:30');
    expect(await heading.getAttribute('title')).toMatch(/Asia\/(Kolkata|Calcutta) \(UTC\+05:30\)/);
    const local = await cell();
    // Tooltip: the other zone (UTC) first, then the shown one; the cell shows the shown one's time.
    expect(local.title).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC\n\d{4}-\d\d-\d\d (\d\d:\d\d:\d\d\.\d{3}) UTC\+05:30$/);
    expect(local.title.split('\n')[1]!.split(' ')[1]).toBe(local.text);
    expect(await page.getByTestId('trend-time-zone').innerText()).toMatch(/Asia\/(Kolkata|Calcutta) \(UTC\+05:30\)/);
    await page.getByTestId('time-zone-setting').selectOption('utc');
    await expect.poll(() => heading.textContent()).toBe('Time UTC');
    const utc = await cell();
    expect(utc.title).toMatch(/ UTC\+05:30\n.* UTC$/);
    expect(utc.title.split('\n')[1]!.split(' ')[1]).toBe(utc.text);
    // The same instant, 5 h 30 min apart on the wall clock.
    const [localLine, utcLine] = utc.title.split('\n') as [string, string];
    const wall = (line: string) => Date.parse(`${line.split(' ').slice(0, 2).join('T')}Z`);
    expect(wall(localLine) - wall(utcLine)).toBe(5.5 * 3_600_000);
    expect(await page.getByTestId('trend-time-zone').innerText()).toBe('time: UTC');
    // The choice persists in this browser.
    await page.reload();
    await expect.poll(() => page.getByTestId('time-zone-setting').inputValue()).toBe('utc');
    await page.getByTestId('time-zone-setting').selectOption('local');
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 240_000);
});
