import { writeFileSync } from 'node:fs';
import net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LongRunning, assertBuilt, runCli, startCli } from '../support/cli.js';
import { demoPlantProject, tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// End to end: the demo plant (`sensorvault demo`) polled by a real headless host
// (`sensorvault gateway`) into its own SQLite file, and the Storage screen in Debian's
// Chromium. The project keeps readings ~9 s (maxAgeDays 0.0001), so the host's own
// retention prunes within its first prune tick (60 s) and a real `store:pruned` arrives.
const tmp = tempDir('sensorvault-storage-e2e-');
const project = tmp.file('plant.project.json');
let plant: LongRunning | undefined;
let host: LongRunning | undefined;
let browser: Browser;

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

beforeAll(async () => {
  assertBuilt();
  const plantPort = await freePort();
  const document = demoPlantProject(plantPort);
  for (const device of document.devices) {
    // Two tags go upstream: the plan shows their bandwidth.
    for (const tag of device.tags) if (tag.id === 'tt-101' || tag.id === 'pt-101') tag.classification = { level: 'internal', leavesSite: true };
  }
  document.store.retention.maxAgeDays = 0.0001;
  writeFileSync(project, JSON.stringify(document, null, 2));
  plant = await startCli(['demo', '--plant-port', String(plantPort), '--db', tmp.file('plant.db')]);
  host = await startCli(['gateway', '--project', project, '--db', tmp.file('host.db')]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await plant?.stop();
  tmp.remove();
});

describe('Storage screen', () => {
  it('shows the plan of the running project (as the CLI plans it), a budget, the database numbers or a clear error, a prune notice, and prints', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(host!.firstLine);
    await page.getByTestId('tab-storage').click();
    const view = page.getByTestId('storage-view');
    await expect.poll(() => view.getByTestId('plan-readings').textContent(), { timeout: 20_000 }).toBe('4,363,200');

    // The same plan as `sensorvault capacity --json` on the same file.
    const cli = JSON.parse((await runCli(['capacity', '--project', project, '--json'])).stdout) as { readingsPerDay: number; devices: unknown[] };
    expect(cli.readingsPerDay).toBe(4_363_200);
    expect(await view.getByTestId('plan-tags').textContent()).toBe('35');
    expect(await view.getByTestId('plan-disk').textContent()).toMatch(/^[\d.]+ MB$/);
    expect(await view.getByTestId('plan-budget').textContent()).toBe('2.15 GB');
    expect(await view.getByTestId('plan-devices').locator('tbody tr').count()).toBe(cli.devices.length);
    expect(await view.getByTestId('plan-assumptions').textContent()).toContain('Sparkplug');
    expect(await view.getByTestId('plan-egress').textContent()).toMatch(/^[\d.]+ (bit|kbit)\/s$/);

    // A budget in binary units replans; a budget without a unit is refused in words.
    await view.getByTestId('budget-input').fill('500MiB');
    await view.getByRole('button', { name: 'Plan' }).click();
    await expect.poll(() => view.getByTestId('plan-budget').textContent()).toBe('524 MB');
    await view.getByTestId('budget-input').fill('20');
    await view.getByRole('button', { name: 'Plan' }).click();
    expect(await view.getByTestId('budget-error').textContent()).toContain('has no unit; use e.g. 20GB');

    // Database numbers, or (while the history engine is being built) the failure in words.
    await expect.poll(async () => (await view.getByTestId('db-stats').count()) + (await view.getByTestId('api-error').count()), { timeout: 20_000 }).toBeGreaterThan(0);
    if ((await view.getByTestId('db-stats').count()) > 0) expect(await view.getByTestId('db-readings').textContent()).toMatch(/^[\d,]+$/);
    else expect(await view.getByTestId('api-error').first().textContent()).toMatch(/Could not read the database statistics: .+/);

    // The host's retention prunes readings older than ~9 s on its first tick: a notice.
    await expect.poll(() => view.getByTestId('prune-notice').count(), { timeout: 120_000, interval: 1000 }).toBe(1);
    expect(await view.getByTestId('prune-notice').textContent()).toMatch(/\d\d:\d\d:\d\d: retention deleted [\d,]+ readings, oldest first, older than the age limit\./);
    // The age limit (~9 s) keeps less than the budget would: the plan says which one prunes.
    expect(await view.getByTestId('plan-horizon').textContent()).toBe('8.6 s');

    await view.getByTestId('budget-input').fill('20GB');
    await view.getByRole('button', { name: 'Plan' }).click();
    await expect.poll(() => view.getByTestId('plan-budget').textContent()).toBe('20 GB');
    await page.screenshot({ path: '/tmp/storage-view.png' });

    // Print: the controls and the app chrome are hidden, the figures stay.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.tab-bar').isVisible()).toBe(false);
    expect(await view.getByTestId('print-plan').isVisible()).toBe(false);
    expect(await view.getByTestId('plan-readings').isVisible()).toBe(true);
    expect(await view.getByTestId('prune-notice').isVisible()).toBe(false);
    expect(await view.locator('.print-only').textContent()).toMatch(/^Printed \d{4}-\d\d-\d\d \d\d:\d\d/);
    await page.screenshot({ path: '/tmp/storage-view-print.png', fullPage: true });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.byteLength).toBeGreaterThan(1000);
    await page.emulateMedia({ media: 'screen' });

    expect(consoleErrors.filter((e) => !/being built/.test(e))).toEqual([]);
    await context.close();
  }, 240_000);
});
