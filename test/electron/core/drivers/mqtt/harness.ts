import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { AcquisitionPoint, RawSample } from '../../../../../electron/core/drivers/types.js';
import { mqttDriver, mqttSettingsSchema, type MqttAddress, type MqttDriver, type MqttSettingsInput } from '../../../../../electron/core/drivers/mqtt/index.js';
import { parseOrThrow, recordingContext, until } from '../../../../support/driver-harness.js';

export { sleep, until } from '../../../../support/driver-harness.js';

export function parse(text: string): MqttAddress {
  return parseOrThrow((t) => mqttDriver.parseAddress(t), text);
}

export function points(texts: string[]): AcquisitionPoint<MqttAddress>[] {
  return texts.map((text, index) => ({ index, tagId: `t${index}`, address: parse(text), pollGroupId: 'g', intervalMs: 1000 }));
}

export interface Harness {
  driver: MqttDriver;
  samples: RawSample[];
  lost: Error[];
  /** The newest sample of a point. */
  last(point: number): RawSample | undefined;
  /** Waits for a sample of `point` matching `match`, newer than the current count. */
  next(point: number, match?: (s: RawSample) => boolean, timeoutMs?: number): Promise<RawSample>;
}

export function harness(settings: MqttSettingsInput, open: MqttDriver[]): Harness {
  const { context, samples, lost, latest } = recordingContext();
  const driver = mqttDriver.create(mqttSettingsSchema.parse(settings), context);
  open.push(driver);
  return {
    driver,
    samples,
    lost,
    last: (point) => latest(point),
    next: async (point, match = () => true, timeoutMs = 20_000) => {
      const from = samples.length;
      return until(() => samples.slice(from).find((s) => s.point === point && match(s)), timeoutMs, `sample of point ${point}`);
    },
  };
}

/** A sample's value, or its status when it has none. */
export function valueOf(sample: RawSample | undefined): unknown {
  if (sample === undefined) return undefined;
  return sample.raw?.kind === 'value' ? sample.raw.value : `(${sample.quality}: ${sample.status})`;
}

export async function publisher(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(url, { reconnectPeriod: 0, ...options });
}

export function abortSignal(ms = 15_000): AbortSignal {
  return AbortSignal.timeout(ms);
}
