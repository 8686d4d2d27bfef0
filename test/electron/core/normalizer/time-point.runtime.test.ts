import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../electron/core/log.js';
import { Runtime } from '../../../../electron/core/runtime.js';
import { startModbusServer } from '../../../../electron/demo/modbus-server.js';
import { validateProject } from '../../../../electron/core/project/validate.js';
import { createDriverRegistry } from '../../../../electron/core/drivers/registry.js';
import { compile, modbusProject, tempDir } from '../../../support/project.js';
import { waitFor } from '../../../support/tcp-driver.js';

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The mapping layer on the real spine: a Modbus TCP server on 127.0.0.1 whose clock block
// runs a minute behind, a 4-20 mA input, the runtime's normalizer and a SQLite file.
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function clockProject(port: number) {
  const project = modbusProject(port, [{ id: 'flow', address: 'hr:0' }]) as { site?: unknown; devices: Array<{ tags: unknown[] }> };
  project.site = { name: 'Test site', timeZone: 'Asia/Tokyo' };
  project.devices[0]!.tags = [
    {
      id: 'flow',
      name: 'Flow',
      address: 'hr:0',
      pollGroup: 'fast',
      unit: 'm3/h',
      // The meter's own clock block: Y M D h m s in 6 registers, local time of the site.
      timestamp: { source: 'point', address: 'hr:100:string:12', format: 'modbus-clock-ymdhms' },
    },
    {
      id: 'level',
      name: 'Level',
      address: 'ir:5:int16',
      pollGroup: 'fast',
      unit: '%',
      scaling: { kind: 'ma4-20', rawAt4mA: 0, rawAt20mA: 27648, low: 0, high: 100 },
      deadband: { kind: 'percent', value: 0.5 },
    },
  ];
  return project;
}

/** Writes an Asia/Tokyo wall-clock time (UTC+9 all year, no DST) into the clock block. */
function setClock(banks: { holdingRegisters: Uint16Array | number[] }, utcMs: number) {
  const local = new Date(utcMs + 9 * 3_600_000);
  const fields = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()];
  fields.forEach((v, i) => {
    banks.holdingRegisters[100 + i] = v;
  });
}

describe('timestamp points, receive time and clock skew on a live device', () => {
  it('takes the time from the clock block, keeps the receive time, and flags the skewed device clock', async () => {
    const server = await startModbusServer();
    cleanups.push(() => server.close());
    server.banks.holdingRegisters[0] = 42;
    server.banks.inputRegisters[5] = Math.round(((3.2 - 4) / 16) * 27648) & 0xffff; // 3.2 mA as a signed count: a broken loop
    // The device clock stands 90 s in the past (whole seconds: the block has no fraction).
    const deviceTime = Math.floor((Date.now() - 90_000) / 1000) * 1000;
    setClock(server.banks, deviceTime);
    const tmp = tempDir();
    cleanups.push(() => tmp.remove());
    const runtime = await Runtime.start({ compiled: compile(clockProject(server.port)), dbPath: tmp.file('a.db'), dataDir: tmp.dir, log: silentLogger, host: 'gateway', version: 'test', liveIntervalMs: 50 });
    cleanups.push(() => runtime.stop());

    await waitFor(() => runtime.live.snapshot().some((r) => r.tagId === 'flow'), 10_000, 'a flow reading');
    const flow = runtime.live.snapshot().find((r) => r.tagId === 'flow')!;
    expect(flow).toMatchObject({ value: 42, quality: 'good', ts: deviceTime });
    expect(flow.receiveTs).toBeGreaterThan(deviceTime + 1000);
    // The hidden time point produces no reading of its own.
    expect(runtime.live.snapshot().map((r) => r.tagId).sort()).toEqual(['flow', 'level']);

    // A deadband tag is silent while its value holds: the trend must not call that "no data".
    const infos = new Map((await runtime.handlers.listTags({})).map((t) => [t.tagId, t]));
    expect(infos.get('flow')).toMatchObject({ reportsOnChange: false, unit: 'm³/h', unitCode: 'm3/h' });
    expect(infos.get('level')?.reportsOnChange).toBe(true);

    const level = runtime.live.snapshot().find((r) => r.tagId === 'level')!;
    expect(level.quality).toBe('bad');
    expect(level.status).toMatch(/^sensor fault: loop current 3\.20 mA is below 3\.6 mA/);

    await until(async () => (await runtime.handlers.listDevices({}))[0]?.clockSkew?.skewed === true, 'clock skew on the device');
    const [device] = await runtime.handlers.listDevices({});
    expect(device!.clockSkew!.limitMs).toBe(5000);
    expect(device!.clockSkew!.offsetMs).toBeGreaterThan(60_000);

    // History keeps both times.
    await until(async () => (await runtime.handlers.queryHistory({ tagId: 'flow', from: deviceTime - 1, to: deviceTime + 1, limit: 100 })).points.length > 0, 'flow committed');
    const history = await runtime.handlers.queryHistory({ tagId: 'flow', from: deviceTime - 1, to: deviceTime + 1, limit: 100 });
    expect(history.points[0]![0]).toBe(deviceTime);
    expect(history.receiveTs?.[0]).toBeGreaterThan(deviceTime + 1000);
  });

  it('refuses an unknown format, a bad time address and an unknown zone, naming the fields', () => {
    const project = clockProject(1502) as { site: { timeZone: string }; devices: Array<{ tags: Array<Record<string, unknown>> }> };
    project.site.timeZone = 'Mars/Olympus';
    project.devices[0]!.tags[0]!.timestamp = { source: 'point', address: 'hr:nope', format: 'unix-fortnights' };
    const result = validateProject(project, createDriverRegistry());
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^devices\[0\]\.tags\[0\]\.timestamp\.format: unknown time format "unix-fortnights"; 'sensorvault time formats' lists the catalogue$/),
        expect.stringMatching(/^devices\[0\]\.tags\[0\]\.timestamp\.address: /),
        expect.stringMatching(/^site\.timeZone: unknown IANA time zone "Mars\/Olympus"/),
      ]),
    );
  });
});
