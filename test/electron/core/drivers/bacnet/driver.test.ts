import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createDriverRegistry } from '../../../../../electron/core/drivers/registry.js';
import { WritesDisabledError } from '../../../../../electron/core/drivers/common/errors.js';
import { readCommand } from '../../../../../electron/cli/commands/read.js';
import { bacnetDriver, type BacnetDriver } from '../../../../../electron/core/drivers/bacnet/index.js';
import { startBacnetDevice, type BacnetDevice, type BacnetDeviceOptions } from '../../../../support/bacnet-device.js';
import { address, harness, points, until, type Harness } from './harness.js';

const RPM = 14;
const READ_PROPERTY = 12;
const WRITE_PROPERTY = 15;

const devices: BacnetDevice[] = [];
const drivers: BacnetDriver[] = [];

async function device(options: BacnetDeviceOptions = {}): Promise<BacnetDevice> {
  const d = await startBacnetDevice(options);
  devices.push(d);
  return d;
}

async function connected(d: BacnetDevice, settings: Parameters<typeof harness>[1] = {}): Promise<Harness> {
  const h = harness(d, settings);
  drivers.push(h.driver);
  await h.driver.connect(new AbortController().signal);
  return h;
}

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.disconnect();
  for (const d of devices.splice(0)) await d.close();
});

describe('BACnet driver against a simulated device', () => {
  it('connects, reads the device properties and polls values with quality from status flags and reliability', async () => {
    const d = await device({ objects: 60 });
    d.set(0, 2, { fault: true, reliability: 2 }); // over-range
    d.set(0, 3, { fault: true, reliability: 1 }); // no-sensor
    d.set(0, 4, { outOfService: true });
    d.set(0, 5, { overridden: true, inAlarm: true });
    d.set(0, 6, { pvError: { errorClass: 1, errorCode: 31 } });
    const h = await connected(d);
    expect(h.driver.deviceInfo()).toMatchObject({ instance: 1234, name: 'SIM-DEVICE-1234', vendorName: 'SensorVault Test Works', model: 'SIM-1000', firmware: '1.2.3', maxApdu: 1476, segmentation: 0, readPropertyMultiple: true });
    h.driver.startAcquisition(points(['ai:1', 'ai:2', 'ai:3', 'ai:4', 'ai:5', 'ai:6', 'bo:2', 'msv:3', 'ai:1:status-flags', 'ao:1:units', 'ai:999']));
    await until(() => h.batches.length >= 1 && h.latest(10));
    expect(h.latest(0)).toMatchObject({ raw: { kind: 'value', value: 21.5 }, quality: 'good' });
    expect(h.latest(1)).toMatchObject({ quality: 'uncertain', status: 'fault: over-range' });
    expect(h.latest(2)).toMatchObject({ quality: 'bad', status: 'fault: no-sensor' });
    expect(h.latest(3)).toMatchObject({ quality: 'uncertain', status: 'out of service' });
    expect(h.latest(4)).toMatchObject({ quality: 'good', status: 'overridden, in alarm' });
    expect(h.latest(5)).toMatchObject({ quality: 'bad', status: 'object: unknown-object' });
    expect(h.latest(6)).toMatchObject({ raw: { kind: 'value', value: true }, quality: 'good' });
    expect(h.latest(7)).toMatchObject({ raw: { kind: 'value', value: 1 }, quality: 'good' });
    expect(h.latest(8)).toMatchObject({ raw: { kind: 'value', value: '0000' }, quality: 'good' });
    expect(h.latest(9)).toMatchObject({ raw: { kind: 'value', value: 62 }, quality: 'good' });
    expect(h.latest(10)).toMatchObject({ quality: 'bad', status: 'object: unknown-object' });
    // Values keep flowing, and changes show up.
    d.set(0, 1, { presentValue: 33.25 });
    await until(() => h.latest(0)?.raw?.kind === 'value' && (h.latest(0)?.raw as { value: unknown }).value === 33.25);
  });

  it('browses 1,000+ objects of a segmenting device: object list read whole, every object described', async () => {
    const d = await device({ objects: 1200 });
    const h = await connected(d);
    const progress: Array<{ done: number; total?: number }> = [];
    const nodes = await h.driver.browse!(undefined, { signal: new AbortController().signal, onProgress: (p) => progress.push(p) });
    expect(nodes).toHaveLength(1201);
    expect(d.responses.some((r) => r.service === READ_PROPERTY && r.outcome === 'segmented')).toBe(true);
    expect(nodes[0]).toMatchObject({ kind: 'object', name: 'SIM-DEVICE-1234', attributes: { Type: 'device', Vendor: 'SensorVault Test Works' } });
    const ai1 = nodes.find((n) => n.ref === 'ai:1');
    expect(ai1).toMatchObject({
      kind: 'point',
      address: 'ai:1',
      name: 'AI-1',
      attributes: { Type: 'analog-input', Units: '°C', 'Present value': '21.5', 'Status flags': 'normal', Reliability: 'no-fault-detected', 'Out of service': 'no', Description: 'Simulated AI 1' },
      suggestion: { name: 'AI-1', unit: '°C', description: 'Simulated AI 1' },
    });
    const ao1 = nodes.find((n) => n.ref === 'ao:1');
    expect(ao1?.attributes).toMatchObject({ Commandable: 'yes', 'Priority array': 'all relinquished' });
    expect(nodes.find((n) => n.ref === 'msv:1')?.attributes.Type).toBe('multi-state-value');
    expect(nodes.find((n) => n.ref === 'av:10')?.suggestion?.unit).toBe('ppm');
    for (const n of nodes) if (n.address !== undefined) expect(bacnetDriver.formatAddress(address(n.address))).toBe(n.address);
    expect(progress.at(-1)).toMatchObject({ done: 1201, total: 1201 });
  });

  it('browses a device that cannot segment (max APDU 480): object list index by index, every answer within 480 octets', async () => {
    const d = await device({ objects: 1000, segmentation: false, maxApdu: 480 });
    const h = await connected(d);
    expect(h.driver.deviceInfo()).toMatchObject({ maxApdu: 480, segmentation: 3 });
    const progress: Array<{ done: number; total?: number; message?: string }> = [];
    const nodes = await h.driver.browse!(undefined, { signal: new AbortController().signal, onProgress: (p) => progress.push(p) });
    expect(nodes).toHaveLength(1001);
    expect(nodes.filter((n) => n.kind === 'point')).toHaveLength(1000);
    expect(d.responses.every((r) => r.outcome !== 'segmented' && r.apduLength <= 480)).toBe(true);
    expect(d.requests.every((r) => r.apduLength <= 480)).toBe(true);
    expect(progress.some((p) => p.message?.startsWith('object list:') && p.total === 1001)).toBe(true);
    expect(nodes.find((n) => n.ref === 'bo:1')?.attributes).toMatchObject({ Commandable: 'yes', Type: 'binary-output' });
  });

  it('cancels a browse through its signal', async () => {
    const d = await device({ objects: 1000, segmentation: false, maxApdu: 480 });
    const h = await connected(d);
    const abort = new AbortController();
    const browsing = h.driver.browse!(undefined, { signal: abort.signal, onProgress: (p) => (p.done > 100 ? abort.abort(new Error('cancelled by the test')) : undefined) });
    await expect(browsing).rejects.toThrow(/cancelled by the test/);
  });

  it.each([1476, 480])('packs ReadPropertyMultiple batches to the max APDU (%i): requests and answers fit, ≥ 0.95 of the limit', async (maxApdu) => {
    const d = await device({ objects: 1000, maxApdu, segmentation: false });
    const h = await connected(d);
    const texts = [...d.objects.values()].filter((o) => o.type <= 2).map((o) => `${['ai', 'ao', 'av'][o.type]}:${o.instance}`);
    const [requestsBefore, responsesBefore] = [d.requests.length, d.responses.length];
    h.driver.startAcquisition(points(texts, 60_000));
    await until(() => h.batches.length >= 1);
    expect(h.samples.filter((s) => s.quality === 'good')).toHaveLength(texts.length);
    const rpm = d.responses.slice(responsesBefore).filter((r) => r.service === RPM);
    expect(rpm.every((r) => r.outcome === 'single' && r.apduLength <= maxApdu)).toBe(true);
    const requests = d.requests.slice(requestsBefore).filter((r) => r.service === RPM);
    expect(requests.every((r) => r.apduLength <= maxApdu)).toBe(true);
    // present-value (REAL) + status-flags per analog object: 23 octets of answer each.
    const allowed = Math.floor((maxApdu - 3) / 23);
    const atLimit = texts.length / Math.ceil(texts.length / allowed);
    expect(texts.length / rpm.length / atLimit).toBeGreaterThanOrEqual(0.95);
    expect(Math.max(...rpm.map((r) => r.apduLength))).toBeGreaterThan(maxApdu - 23);
  });

  it('falls back to ReadProperty when ReadPropertyMultiple is rejected, and still gets good values', async () => {
    const d = await device({ objects: 20, rpm: false });
    const h = await connected(d);
    expect(h.driver.deviceInfo()?.readPropertyMultiple).toBe(false);
    h.driver.startAcquisition(points(['ai:1', 'bi:1', 'msi:1']));
    await until(() => h.latest(2));
    expect(h.samples.slice(0, 3).map((s) => s.quality)).toEqual(['good', 'good', 'good']);
    expect(d.requests.filter((r) => r.service === READ_PROPERTY).length).toBeGreaterThan(3);
  });

  it('turns errors, rejects and aborts into bad quality with the reason in words', async () => {
    const d = await device({ objects: 20 });
    const h = await connected(d);
    d.behaviour.error.set(RPM, { errorClass: 0, errorCode: 3 });
    h.driver.startAcquisition(points(['ai:1', 'ai:2']));
    await until(() => h.latest(1));
    expect(h.latest(0)).toMatchObject({ quality: 'bad', status: 'device: device-busy' });
    d.behaviour.error.clear();
    d.behaviour.reject.set(RPM, 6);
    await until(() => h.latest(1)?.status === 'rejected: parameter-out-of-range');
    d.behaviour.reject.clear();
    d.behaviour.abort.set(RPM, 9);
    await until(() => h.latest(1)?.status === 'aborted: out-of-resources');
    d.behaviour.abort.clear();
    await until(() => h.latest(1)?.quality === 'good');
    expect(h.lost).toEqual([]);
  });

  it('reports connectionLost when the device stops answering', async () => {
    const d = await device({ objects: 20 });
    const h = await connected(d, { timeoutMs: 300, retries: 0 });
    h.driver.startAcquisition(points(['ai:1']));
    await until(() => h.latest(0));
    d.behaviour.silent = true;
    const lost = await until(() => h.lost[0]);
    expect(lost.message).toMatch(/does not answer \(no response\)/);
  });

  it('fails connect with the reason when nobody answers', async () => {
    const d = await device({ objects: 1 });
    d.behaviour.silent = true;
    const h = harness(d, { timeoutMs: 300, retries: 0 });
    drivers.push(h.driver);
    await expect(h.driver.connect(new AbortController().signal)).rejects.toThrow(/device 1234 does not answer/);
  });

  it('refuses writes by default and writes with the configured priority when enabled', async () => {
    const d = await device({ objects: 20 });
    const ro = await connected(d);
    await expect(ro.driver.write(address('ao:1'), 12)).rejects.toBeInstanceOf(WritesDisabledError);
    expect(d.requests.some((r) => r.service === WRITE_PROPERTY)).toBe(false);

    const rw = await connected(d, { writes: 'enabled', writePriority: 8 });
    await rw.driver.write(address('ao:1'), 42.5);
    expect(d.writes.at(-1)).toMatchObject({ type: 1, instance: 1, property: 85, value: 42.5, priority: 8 });
    expect(d.get(1, 1).priorityArray?.[7]).toBe(42.5);
    expect(d.get(1, 1).presentValue).toBe(42.5);
    await rw.driver.write(address('bo:1'), true);
    expect(d.get(4, 1).presentValue).toBe(true);
    await rw.driver.write(address('ao:1'), null); // relinquish priority 8
    expect(d.get(1, 1).priorityArray?.[7]).toBeNull();
    await rw.driver.write(address('ai:1:out-of-service'), true);
    expect(d.get(0, 1).outOfService).toBe(true);
    await expect(rw.driver.write(address('ai:2'), 3)).rejects.toThrow(/write ai:2 failed: property: write-access-denied/);
    await expect(rw.driver.write(address('bo:1'), 'maybe')).rejects.toThrow(/binary value takes true\/false/);
  });

  it('registers as a foreign device with a BBMD when configured, and fails connect when the BBMD refuses', async () => {
    const d = await device({ objects: 5 });
    const bbmd = dgram.createSocket('udp4');
    const registrations: number[] = [];
    let answer = 0x0000;
    bbmd.on('message', (msg, rinfo) => {
      if (msg[0] === 0x81 && msg[1] === 0x05) {
        registrations.push(msg.readUInt16BE(4));
        bbmd.send(Buffer.from([0x81, 0x00, 0x00, 0x06, answer >> 8, answer & 0xff]), rinfo.port, rinfo.address);
      }
    });
    await new Promise<void>((resolve) => bbmd.bind(0, '127.0.0.1', resolve));
    try {
      const bbmdPort = bbmd.address().port;
      const h = await connected(d, { bbmd: { host: '127.0.0.1', port: bbmdPort, ttlS: 120 } });
      expect(registrations).toEqual([120]);
      expect(h.driver.deviceInfo()?.name).toBe('SIM-DEVICE-1234');
      await h.driver.disconnect();
      answer = 0x0030; // Register-Foreign-Device NAK
      const refused = harness(d, { bbmd: { host: '127.0.0.1', port: bbmdPort, ttlS: 120 } });
      drivers.push(refused.driver);
      await expect(refused.driver.connect(new AbortController().signal)).rejects.toThrow(/foreign-device registration with BBMD 127\.0\.0\.1:\d+ failed/);
    } finally {
      bbmd.close();
    }
  });

  it('works through the generic CLI read command with a bacnet:// endpoint', async () => {
    const d = await device({ host: '127.0.0.1', objects: 20 });
    const registry = createDriverRegistry([bacnetDriver]);
    const lines: string[] = [];
    const code = await readCommand([`bacnet://${d.host}:${d.port}?device=1234&bind=127.0.0.1:0`, 'ai:1', 'bo:2', 'ai:1:object-name', 'ai:77'], registry, (l) => lines.push(l));
    const out = lines.map((l) => JSON.parse(l) as { point: string; value: unknown; quality: string; status: string | null });
    expect(out.map((o) => [o.point, o.value, o.quality])).toEqual([
      ['ai:1', 21.5, 'good'],
      ['bo:2', true, 'good'],
      ['ai:1:object-name', 'AI-1', 'good'],
      ['ai:77', null, 'bad'],
    ]);
    expect(out[3]?.status).toBe('object: unknown-object');
    expect(code).toBe(1);
  });
});
