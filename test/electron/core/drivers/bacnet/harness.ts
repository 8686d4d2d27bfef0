import type { AcquisitionPoint, RawSample } from '../../../../../electron/core/drivers/types.js';
import { bacnetDriver, parseBacnetAddress, type BacnetAddress, type BacnetDriver, type BacnetSettingsInput } from '../../../../../electron/core/drivers/bacnet/index.js';
import type { BacnetDevice } from '../../../../support/bacnet-device.js';
import { parseOrThrow, recordingContext } from '../../../../support/driver-harness.js';

export { sleep, until } from '../../../../support/driver-harness.js';

export function address(text: string): BacnetAddress {
  return parseOrThrow(parseBacnetAddress, text);
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
  const recorder = recordingContext();
  const { context } = recorder;
  const h: Harness = { driver: undefined as unknown as BacnetDriver, samples: recorder.samples, batches: recorder.batches, lost: recorder.lost, latest: (point) => recorder.latest(point) };
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
