import os from 'node:os';
import { silentLogger } from '../../../../../electron/core/log.js';
import type { AcquisitionPoint, DriverContext, RawSample } from '../../../../../electron/core/drivers/types.js';
import { bacnetDriver, parseBacnetAddress, type BacnetAddress, type BacnetDriver, type BacnetSettingsInput } from '../../../../../electron/core/drivers/bacnet/index.js';
import type { BacnetDevice } from '../../../../support/bacnet-device.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(probe: () => T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met in time`);
    await sleep(10);
  }
}

export function address(text: string): BacnetAddress {
  const r = parseBacnetAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

export function points(texts: string[], intervalMs = 200, pollGroupId = 'fast'): AcquisitionPoint<BacnetAddress>[] {
  return texts.map((text, index) => ({ index, tagId: text, address: address(text), pollGroupId, intervalMs }));
}

export interface Harness {
  driver: BacnetDriver;
  samples: RawSample[];
  batches: RawSample[][];
  lost: Error[];
  /** Latest sample per point index. */
  latest(point: number): RawSample | undefined;
}

/** A driver for the simulated device, bound to a free loopback port (never 127.0.0.1:47808). */
export function harness(device: BacnetDevice, settings: Partial<BacnetSettingsInput> = {}): Harness {
  const h: Harness = {
    driver: undefined as unknown as BacnetDriver,
    samples: [],
    batches: [],
    lost: [],
    latest(point) {
      for (let i = h.samples.length - 1; i >= 0; i--) if (h.samples[i]?.point === point) return h.samples[i];
      return undefined;
    },
  };
  const context: DriverContext = {
    emit: (batch) => {
      h.batches.push(batch);
      h.samples.push(...batch);
    },
    connectionLost: (error) => h.lost.push(error),
    log: silentLogger,
    dataDir: os.tmpdir(),
    now: () => Date.now(),
  };
  h.driver = bacnetDriver.create(
    bacnetDriver.settingsSchema.parse({
      host: device.host,
      port: device.port,
      deviceInstance: device.deviceInstance,
      bindAddress: '127.0.0.1',
      bindPort: 0,
      timeoutMs: 1500,
      retries: 1,
      cov: 'off',
      ...settings,
    }),
    context,
  );
  return h;
}
