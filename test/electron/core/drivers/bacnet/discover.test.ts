import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../electron/core/log.js';
import { bacnetDriver, type BacnetDriver } from '../../../../../electron/core/drivers/bacnet/index.js';
import type { DiscoveredDevice, Progress } from '../../../../../electron/core/drivers/types.js';
import { startBacnetDevice, type BacnetDevice } from '../../../../support/bacnet-device.js';
import { harness } from './harness.js';

const devices: BacnetDevice[] = [];
const drivers: BacnetDriver[] = [];
const context = { dataDir: '/nonexistent', log: silentLogger };

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.disconnect();
  for (const d of devices.splice(0)) await d.close();
});

async function device(options: Parameters<typeof startBacnetDevice>[0]): Promise<BacnetDevice> {
  const d = await startBacnetDevice(options);
  devices.push(d);
  return d;
}

describe('BACnet discovery', () => {
  it('finds a device by directed Who-Is on loopback and reads its identity, reporting progress', async () => {
    const d = await device({ objects: 5, deviceInstance: 4321, maxApdu: 480, segmentation: false, vendorName: 'Acme Controls', modelName: 'AHU-9', firmware: '4.0.1' });
    const progress: Progress[] = [];
    const found: DiscoveredDevice[] = [];
    const result = await bacnetDriver.discover!({ target: d.address, bind: '127.0.0.1:0', timeoutMs: 500 }, context, {
      signal: new AbortController().signal,
      onProgress: (p) => progress.push(p),
      onFound: (x) => found.push(x),
    });
    expect(result).toHaveLength(1);
    expect(found).toEqual(result);
    const [one] = result;
    expect(one).toMatchObject({
      title: 'SIM-DEVICE-4321',
      settings: { host: '127.0.0.1', port: d.port, deviceInstance: 4321, bindAddress: '127.0.0.1', bindPort: 0 },
      attributes: { Instance: '4321', Vendor: 'Acme Controls', Model: 'AHU-9', Firmware: '4.0.1', 'Max APDU': '480', Segmentation: 'no-segmentation', ReadPropertyMultiple: 'yes' },
    });
    expect(one?.detail).toContain(`bacnet://127.0.0.1:${d.port}?device=4321`);
    expect(progress.some((p) => p.message?.includes('1 device(s) answered'))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: 1, total: 1 });
    // The settings are ready to use.
    const settings = bacnetDriver.settingsSchema.parse(one?.settings);
    const h = harness(d, settings);
    drivers.push(h.driver);
    await h.driver.connect(new AbortController().signal);
    expect(h.driver.deviceInfo()?.vendorName).toBe('Acme Controls');
  });

  it('asks only for an instance range', async () => {
    const d = await device({ objects: 1, deviceInstance: 77 });
    const signal = new AbortController().signal;
    const inside = await bacnetDriver.discover!({ target: d.address, bind: '127.0.0.1:0', timeoutMs: 400, lowLimit: 70, highLimit: 80 }, context, { signal });
    expect(inside.map((x) => x.settings.deviceInstance)).toEqual([77]);
    const outside = await bacnetDriver.discover!({ target: d.address, bind: '127.0.0.1:0', timeoutMs: 400, lowLimit: 100, highLimit: 200 }, context, { signal });
    expect(outside).toEqual([]);
  });

  it('stops when cancelled', async () => {
    const d = await device({ objects: 1 });
    const abort = new AbortController();
    const started = Date.now();
    const running = bacnetDriver.discover!({ target: d.address, bind: '127.0.0.1:0', timeoutMs: 30_000 }, context, { signal: abort.signal });
    setTimeout(() => abort.abort(new Error('discovery cancelled by the test')), 100);
    await expect(running).rejects.toThrow(/cancelled by the test/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('discovers through a BBMD as a registered foreign device', async () => {
    const d = await device({ objects: 3, deviceInstance: 555 });
    // A minimal BBMD: acknowledges registrations, forwards Distribute-Broadcast-To-Network to its subnet (the device).
    const bbmd = dgram.createSocket('udp4');
    const registered: number[] = [];
    bbmd.on('message', (msg, rinfo) => {
      if (msg[0] !== 0x81) return;
      if (msg[1] === 0x05) {
        registered.push(msg.readUInt16BE(4));
        bbmd.send(Buffer.from([0x81, 0x00, 0x00, 0x06, 0x00, 0x00]), rinfo.port, rinfo.address);
      } else if (msg[1] === 0x09) {
        const npdu = msg.subarray(4);
        const forwarded = Buffer.alloc(10 + npdu.length);
        forwarded.set([0x81, 0x04, forwarded.length >> 8, forwarded.length & 0xff, ...rinfo.address.split('.').map(Number), rinfo.port >> 8, rinfo.port & 0xff]);
        npdu.copy(forwarded, 10);
        bbmd.send(forwarded, d.port, d.host);
      }
    });
    await new Promise<void>((resolve) => bbmd.bind(0, '127.0.0.1', resolve));
    try {
      const result = await bacnetDriver.discover!({ bbmd: `127.0.0.1:${bbmd.address().port}`, bbmdTtlS: 60, bind: '127.0.0.1:0', timeoutMs: 500 }, context, { signal: new AbortController().signal });
      expect(registered).toEqual([60]);
      expect(result.map((x) => x.settings)).toEqual([
        { host: '127.0.0.1', port: d.port, deviceInstance: 555, bindAddress: '127.0.0.1', bindPort: 0, bbmd: { host: '127.0.0.1', port: bbmd.address().port, ttlS: 60 } },
      ]);
      expect(result[0]?.attributes.Vendor).toBe('SensorVault Test Works');
    } finally {
      bbmd.close();
    }
  });

  it('explains bad settings', async () => {
    const signal = new AbortController().signal;
    await expect(bacnetDriver.discover!({ target: 'nowhere' }, context, { signal })).rejects.toThrow(/target "nowhere"/);
    await expect(bacnetDriver.discover!({ bind: '127.0.0.1:0', lowLimit: 5 }, context, { signal })).rejects.toThrow(/lowLimit and highLimit/);
  });

  it('says so when the bind port is taken', async () => {
    const d = await device({ objects: 1 });
    await expect(bacnetDriver.discover!({ target: d.address, bind: d.address }, context, { signal: new AbortController().signal })).rejects.toThrow(/already in use/);
  });
});
