import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MessageSecurityMode, SecurityPolicy } from 'node-opcua';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpcuaTestServer, startOpcuaTestServer } from '../support/opcua-server.js';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// Issue 3's "done": from an opc.tcp URL to trusted, subscribed, stored, trended tags in
// the UI, without editing a file. Real node-opcua server (SignAndEncrypt), the real
// gateway, Debian's Chromium.
const tmp = tempDir('sensorvault-opcua-ui-');
let server: OpcuaTestServer;
let gateway: LongRunning;
let browser: Browser;
const projectFile = tmp.file('plant.json');

beforeAll(async () => {
  assertBuilt();
  server = await startOpcuaTestServer({
    pkiDir: path.join(tmp.dir, 'server-pki'),
    bulk: 100,
    // None stays offered, as on real servers, for GetEndpoints before the secure channel.
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
  });
  writeFileSync(projectFile, JSON.stringify({ schemaVersion: 1, name: 'OPC UA line', devices: [] }));
  gateway = await startCli(['gateway', '--project', projectFile, '--db', tmp.file('ua.db')], { env: { SENSORVAULT_HOME: tmp.file('home') } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  const code = await gateway?.stop();
  await server?.close();
  tmp.remove();
  expect(code).toBe(0);
});

async function expand(page: Page, ref: string) {
  const node = page.locator(`[data-testid="browse-node"][data-ref="${ref}"]`);
  await expect.poll(() => node.count(), { timeout: 20_000 }).toBe(1);
  await node.getByTestId('browse-node-toggle').click();
}

describe('OPC UA in the UI', () => {
  it('adds a secure device, trusts its certificate on purpose, browses, maps and trends a tag', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(gateway.firstLine);
    await page.getByTestId('tab-devices').click();
    await page.getByTestId('add-device-button').click();
    await page.getByTestId('driver-select').selectOption('opcua');
    await page.getByTestId('device-field-name').fill('Line 1 CNC');
    await page.getByTestId('device-field-id').fill('cnc1');
    await page.getByTestId('settings-field-endpointUrl').fill(server.endpointUrl);
    await page.getByTestId('settings-field-securityMode').selectOption('SignAndEncrypt');
    await page.getByTestId('settings-field-securityPolicy').selectOption('Basic256Sha256');
    const tokenKind = page.getByTestId('settings-field-userToken.kind');
    if ((await tokenKind.count()) > 0) await tokenKind.selectOption('anonymous');
    await page.getByTestId('save-device').click();

    // Refused by default, naming the certificate; the device error links to the trust store.
    const device = page.locator('[data-testid="device-row"][data-device-id="cnc1"]');
    await expect.poll(() => device.getByTestId('device-error').innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/certificate/i);
    await page.getByTestId('tab-certificates').click();
    const cert = page.getByTestId('cert-row').first();
    await expect.poll(() => cert.getAttribute('data-status'), { timeout: 20_000 }).toBe('rejected');
    await cert.getByTestId('trust-cert').click();
    await expect.poll(() => page.getByTestId('confirm-thumbprint').innerText(), { timeout: 5000 }).toMatch(/[0-9A-Fa-f]{2}/);
    await page.getByTestId('confirm-certificate').getByTestId('confirm-action').click();
    await expect.poll(() => cert.getAttribute('data-status'), { timeout: 10_000 }).toBe('trusted');
    await expect.poll(() => device.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');

    // Browse lazily down to the dynamic folder and add the sine wave as a tag.
    await page.getByTestId('tab-devices').click();
    await page.locator('[data-testid="picker-device"][data-device-id="cnc1"]').click();
    await expand(page, 'ns=1;s=Plant');
    await expand(page, 'ns=1;s=Plant.Dynamic');
    const temperature = page.locator('[data-testid="browse-node"][data-ref="ns=1;s=Plant.Dynamic.Sine"]');
    await expect.poll(() => temperature.count(), { timeout: 20_000 }).toBe(1);
    await temperature.getByTestId('browse-node-checkbox').check();
    await page.getByTestId('add-selected-tags').click();
    await expect.poll(() => page.getByTestId('review-row').count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: path.join(root, 'test-results', 'opcua-review.png') });
    await page.getByTestId('confirm-add-tags').click();
    await expect.poll(() => JSON.parse(readFileSync(projectFile, 'utf8')).devices[0]?.tags?.length ?? 0, { timeout: 10_000 }).toBe(1);
    const saved = JSON.parse(readFileSync(projectFile, 'utf8'));
    expect(saved.devices[0].tags[0].address).toBe('ns=1;s=Plant.Dynamic.Sine');
    expect(saved.devices[0].settings.securityMode).toBe('SignAndEncrypt');
    const tagId = saved.devices[0].tags[0].id as string;

    // Subscribed values arrive, and the trend draws.
    await page.getByTestId('tab-live').click();
    const row = page.locator(`[data-testid="live-row"][data-tag-id="${tagId}"]`);
    await expect.poll(() => row.getByTestId('live-quality').innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/good/i);
    await row.getByRole('checkbox').check();
    await expect.poll(() => page.getByTestId('trend-series-count').innerText(), { timeout: 20_000 }).toMatch(/1/);
    const canvas = page.getByTestId('trend-canvas').locator('canvas').first();
    const painted = () =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
        return n;
      });
    const first = await painted();
    await expect.poll(painted, { timeout: 20_000 }).toBeGreaterThan(first);
    await page.waitForTimeout(3000);
    await page.screenshot({ path: path.join(root, 'test-results', 'opcua-live.png') });
    await page.close();
  });
});
