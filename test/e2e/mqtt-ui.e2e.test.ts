import { readFileSync, writeFileSync } from 'node:fs';
import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.js';
import { type LongRunning, assertBuilt, startCli } from '../support/cli.js';
import { tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// Issue 5's MQTT "done": point the app at a broker, watch the topic tree fill, map a JSON
// field to a tag and see it live. Real mosquitto, a real mqtt.js publisher, the real
// gateway, Debian's Chromium.
const tmp = tempDir('sensorvault-mqtt-ui-');
let broker: Mosquitto;
let publisher: mqtt.MqttClient;
let timer: NodeJS.Timeout;
let gateway: LongRunning;
let browser: Browser;
const projectFile = tmp.file('site.json');

beforeAll(async () => {
  assertBuilt();
  broker = await startMosquitto();
  publisher = await mqtt.connectAsync(broker.url, { clientId: 'e2e-publisher' });
  let n = 0;
  timer = setInterval(() => {
    n++;
    publisher.publish('plant/line1/oven', JSON.stringify({ temp: 180 + Math.sin(n / 5), ts: Date.now(), quality: 'good' }));
    publisher.publish('plant/line1/state', n % 20 < 10 ? 'RUN' : 'IDLE');
    for (let i = 0; i < 20; i++) publisher.publish(`plant/line2/sensor${i}`, String(i + n));
  }, 200);
  writeFileSync(projectFile, JSON.stringify({ schemaVersion: 1, name: 'Site C', devices: [] }));
  gateway = await startCli(['gateway', '--project', projectFile, '--db', tmp.file('c.db')], { env: { SENSORVAULT_HOME: tmp.file('home') } });
  browser = await launchChromium();
});

afterAll(async () => {
  clearInterval(timer);
  await browser?.close();
  const code = await gateway?.stop();
  await publisher?.endAsync();
  await broker?.stop();
  tmp.remove();
  expect(code).toBe(0);
});

describe('MQTT in the UI', () => {
  it('fills the topic tree from what the broker carries, and maps a JSON field into a live tag', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(gateway.firstLine);
    await page.getByTestId('tab-devices').click();
    await page.getByTestId('add-device-button').click();
    await page.getByTestId('driver-select').selectOption('mqtt');
    await page.getByTestId('device-field-name').fill('Plant broker');
    await page.getByTestId('device-field-id').fill('broker');
    await page.getByTestId('settings-field-url').fill(broker.url);
    await page.getByTestId('settings-field-subscriptions').fill('[{"filter": "plant/#", "qos": 0}]');
    await page.getByTestId('save-device').click();
    const row = page.locator('[data-testid="device-row"][data-device-id="broker"]');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');

    await page.locator('[data-testid="picker-device"][data-device-id="broker"]').click();
    const node = (ref: string) => page.locator(`[data-testid="browse-node"][data-ref="${ref}"]`);
    // The tree is built from the topics seen: retry the root until the first messages arrived.
    await expect
      .poll(
        async () => {
          if ((await node('plant').count()) === 0) await page.getByTestId('browse-reload').click();
          return node('plant').count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await node('plant').getByTestId('browse-node-toggle').click();
    await expect.poll(() => node('plant/line1').count(), { timeout: 10_000 }).toBe(1);
    await node('plant/line1').getByTestId('browse-node-toggle').click();
    await expect.poll(() => node('plant/line1/oven').count(), { timeout: 10_000 }).toBe(1);
    await node('plant/line1/oven').getByTestId('browse-node-toggle').click();
    const temp = page.locator('[data-testid="browse-node"][data-ref^="plant/line1/oven|json:"][data-ref*="temp"]');
    await expect.poll(() => temp.count(), { timeout: 10_000 }).toBe(1);
    await temp.getByTestId('browse-node-checkbox').check();
    await page.getByTestId('add-selected-tags').click();
    await expect.poll(() => page.getByTestId('review-row').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('confirm-add-tags').click();
    await expect.poll(() => JSON.parse(readFileSync(projectFile, 'utf8')).devices[0]?.tags?.length ?? 0, { timeout: 10_000 }).toBe(1);
    const tag = JSON.parse(readFileSync(projectFile, 'utf8')).devices[0].tags[0] as { id: string; address: string };
    expect(tag.address).toMatch(/^plant\/line1\/oven\|json:.*temp/);

    await page.getByTestId('tab-live').click();
    const live = page.locator(`[data-testid="live-row"][data-tag-id="${tag.id}"]`);
    await expect.poll(() => live.getByTestId('live-quality').innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/good/i);
    const value = Number(await live.getByTestId('live-value').innerText());
    expect(value).toBeGreaterThan(178);
    expect(value).toBeLessThan(182);
    await page.close();
  });
});
