import { writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModbusServer, startModbusServer } from '../../electron/demo/modbus-server.js';
import { type LongRunning, assertBuilt, startCli } from '../support/cli.js';
import { tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// 10,000 tags through the real gateway into real Chromium: the live table must stay
// virtualized (a few dozen rows in the DOM) and reach any row. Frame times during a
// scripted scroll are printed for the record, never asserted (a slow machine is no bug).
const TAGS = 10_000;
const tmp = tempDir('sensorvault-scale-');
let plc: ModbusServer;
let gateway: LongRunning;
let browser: Browser;

beforeAll(async () => {
  assertBuilt();
  plc = await startModbusServer();
  for (let i = 0; i < TAGS; i++) plc.banks.holdingRegisters[i] = i % 1000;
  const project = {
    schemaVersion: 1,
    name: 'Scale test: 10,000 tags',
    devices: [
      {
        id: 'big-plc',
        name: 'Big PLC',
        driver: 'modbus-tcp',
        settings: { host: '127.0.0.1', port: plc.port, unitId: 1, timeoutMs: 2000, maxOutstanding: 4 },
        pollGroups: [{ id: 'g', intervalMs: 1000 }],
        tags: Array.from({ length: TAGS }, (_, i) => ({ id: `t${String(i).padStart(5, '0')}`, name: `Tag ${i}`, address: `hr:${i}`, pollGroup: 'g', unit: 'bar' })),
      },
    ],
  };
  writeFileSync(tmp.file('big.json'), JSON.stringify(project));
  gateway = await startCli(['gateway', '--project', tmp.file('big.json'), '--db', tmp.file('big.db')]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  const code = await gateway?.stop();
  await plc?.close();
  tmp.remove();
  expect(code).toBe(0);
});

describe('10,000 tags in the live table', () => {
  it('renders only visible rows, reaches the last tag, and keeps updating', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(gateway.firstLine);
    const rows = page.getByTestId('live-row');
    const last = page.locator('[data-testid="live-row"][data-tag-id="t09999"]');
    await expect.poll(() => page.getByText(/10,000 tags/).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(5);
    expect(await rows.count()).toBeLessThan(200);

    const frames = await page.evaluate(async () => {
      const scroller = [...document.querySelectorAll('*')].find((e) => e.scrollHeight > 100_000 && getComputedStyle(e).overflowY !== 'visible') as HTMLElement | undefined;
      if (scroller === undefined) return { found: false, times: [] as number[] };
      const times: number[] = [];
      let previous = performance.now();
      for (let i = 0; i < 120; i++) {
        scroller.scrollTop += scroller.scrollHeight / 150;
        await new Promise((r) => requestAnimationFrame(() => r(undefined)));
        const now = performance.now();
        times.push(now - previous);
        previous = now;
      }
      scroller.scrollTop = scroller.scrollHeight;
      return { found: true, times };
    });
    expect(frames.found).toBe(true);
    const sorted = [...frames.times].sort((a, b) => a - b);
    process.stdout.write(`scale e2e: scroll frame time median ${sorted[60]?.toFixed(1)} ms, p95 ${sorted[114]?.toFixed(1)} ms, max ${sorted[119]?.toFixed(1)} ms\n`);
    await expect.poll(() => last.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => last.getByTestId('live-quality').innerText(), { timeout: 30_000 }).toMatch(/good/i);
    expect(await last.getByTestId('live-value').innerText()).toMatch(/999/);
    expect(await rows.count()).toBeLessThan(200);
    await page.close();
  });
});
