import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { modbusProject, tempDir } from '../support/project.js';
import { closedPort } from '../support/tcp-driver.js';
import { launchChromium } from '../support/browser.js';

// The device card of a device that never answers, in the real UI: one retry figure (the
// supervisor's countdown, no second "backing off for" time) and two counters that cannot be
// confused. Real gateway, real Chromium, a real closed port on 127.0.0.1; nothing mocked.
const tmp = tempDir('sensorvault-card-');
let gateway: LongRunning;
let browser: Browser;

beforeAll(async () => {
  assertBuilt();
  const project = tmp.file('dead.project.json');
  writeFileSync(project, JSON.stringify(modbusProject(await closedPort(), [{ id: 'temp', address: 'hr:0' }])));
  gateway = await startCli(['gateway', '--project', project, '--db', tmp.file('card.db'), '--port', '0']);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  tmp.remove();
});

describe('device card of a device that does not answer', () => {
  it('shows one retry countdown and named counters', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await page.goto(gateway.firstLine);
    const card = page.getByTestId('device-row').first();
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 20_000 }).toBe('backing-off');
    // Wait for a second failed attempt so the counter is past its first value.
    await expect.poll(async () => (await card.getByTestId('device-retry').textContent()) ?? '', { timeout: 30_000 }).toMatch(/Connection attempts failed: ([2-9]|\d{2,})/);
    const retry = (await card.getByTestId('device-retry').textContent()) ?? '';
    expect(retry).toMatch(/retry/i);
    const text = (await card.textContent()) ?? '';
    expect(text).not.toMatch(/backing off for/i);
    // At most one time figure while backing off: the countdown (or "retrying now").
    expect(text.match(/\d+(\.\d+)? s\b/g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect((await card.getByTestId('device-requests').textContent()) ?? '').toMatch(/^Requests: [\d,]+ sent, [\d,]+ failed$/);
    await page.screenshot({ path: path.join(root, 'test-results', 'device-card-backing-off.png') });
  });
});
