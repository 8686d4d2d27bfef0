import os from 'node:os';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { silentLogger } from '../../../../../electron/core/log.js';
import type { AcquisitionPoint, DriverContext, RawSample } from '../../../../../electron/core/drivers/types.js';
import { mqttDriver, mqttSettingsSchema, type MqttAddress, type MqttDriver, type MqttSettingsInput } from '../../../../../electron/core/drivers/mqtt/index.js';

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

export function parse(text: string): MqttAddress {
  const r = mqttDriver.parseAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
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
  const samples: RawSample[] = [];
  const lost: Error[] = [];
  const context: DriverContext = {
    emit: (batch) => {
      for (const s of batch) samples.push(s);
    },
    connectionLost: (error) => lost.push(error),
    log: silentLogger,
    dataDir: os.tmpdir(),
    now: () => Date.now(),
  };
  const driver = mqttDriver.create(mqttSettingsSchema.parse(settings), context);
  open.push(driver);
  const last = (point: number) => {
    for (let i = samples.length - 1; i >= 0; i--) if (samples[i]?.point === point) return samples[i];
    return undefined;
  };
  return {
    driver,
    samples,
    lost,
    last,
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
