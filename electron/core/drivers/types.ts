import type { z } from 'zod';
import type { Quality, UtcMillis, Value } from '../../../shared/reading.js';
import type { Logger } from '../log.js';

/**
 * The one small interface every field driver implements. Drivers never import each
 * other; what they share lives in `drivers/common/`. A driver instance holds all its
 * state (no module-level state). Retry, backoff and the connection state machine live
 * in the supervisor, not here.
 */

/** How the normalizer turns a raw sample of this point into a value. */
export type DecodeSpec =
  /** Modbus-style 16-bit registers: type, word/byte order and, for bool, the bit. */
  | { kind: 'registers'; type: RegisterType; order: WordOrder; bit?: number; length?: number }
  /** A single bit (coil, discrete input). */
  | { kind: 'bit' }
  /** The driver already delivers a typed value (OPC UA, BACnet, JSON). */
  | { kind: 'value' };

export type RegisterType =
  | 'bool'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'string';

/**
 * abcd: big-endian words and bytes (Modbus default); cdab: word-swapped;
 * badc: byte-swapped within each word; dcba: both (fully little-endian).
 */
export type WordOrder = 'abcd' | 'cdab' | 'badc' | 'dcba';

export type RawValue =
  | { kind: 'registers'; words: Uint16Array }
  | { kind: 'bit'; bit: boolean }
  | { kind: 'value'; value: Value };

/** What a driver emits: a point reference, the raw value, timestamps and protocol status. */
export interface RawSample {
  /** `AcquisitionPoint.index` of the point this sample belongs to. */
  point: number;
  /** Undefined when the protocol status is bad and there is no value. */
  raw?: RawValue;
  /** Timestamp from the device, if the protocol carries one (UTC ms). */
  sourceTs?: UtcMillis;
  receiveTs: UtcMillis;
  quality: Quality;
  /** Why quality is not good, in an engineer's words (e.g. "illegal data address"). */
  status?: string;
}

/** One point the driver must acquire, with its already-parsed address. */
export interface AcquisitionPoint<A> {
  index: number;
  tagId: string;
  address: A;
  pollGroupId: string;
  intervalMs: number;
}

export interface DriverContext {
  /** Hand samples to the normalizer. Cheap; call once per poll cycle with all samples. */
  emit(samples: RawSample[]): void;
  /** The connection is gone: the supervisor marks the tags bad and reconnects. */
  connectionLost(reason: Error): void;
  log: Logger;
  /** Current time, UTC ms (injectable for tests). */
  now(): UtcMillis;
}

export interface DriverStats {
  requests: number;
  failures: number;
}

export interface Driver<A> {
  /** Opens the connection. All network work happens here, never in `create`. */
  connect(signal: AbortSignal): Promise<void>;
  /** Starts polling or subscriptions for these points; called after every (re)connect. */
  startAcquisition(points: ReadonlyArray<AcquisitionPoint<A>>): void;
  /** Stops timers and subscriptions; safe to call twice. */
  stopAcquisition(): void;
  /** Closes the connection; never throws. */
  disconnect(): Promise<void>;
  /** Writes a value; rejects with a clear error when writes are disabled for the device. */
  write(address: A, value: Value): Promise<void>;
  stats(): DriverStats;
}

export type AddressParse<A> = { ok: true; address: A } | { ok: false; message: string };

export interface DriverDefinition<S, A> {
  /** Kebab-case id that never changes; the project file names drivers by it. */
  id: string;
  title: string;
  /** Zod schema of the settings (with descriptions and limits); unknown keys are errors. */
  settingsSchema: z.ZodType<S>;
  /** One-line point syntax shown in the UI and in errors. */
  addressSyntax: string;
  parseAddress(text: string): AddressParse<A>;
  /** Canonical text of an address; parseAddress(formatAddress(a)) deep-equals a. */
  formatAddress(address: A): string;
  decodeSpec(address: A): DecodeSpec;
  /** Human-readable endpoint for status lines, e.g. `modbus-tcp://10.0.0.5:502?unit=1`. */
  endpoint(settings: S): string;
  /** URL schemes the CLI accepts for this driver (e.g. `modbus-tcp:`), with their parser. */
  endpointSchemes?: ReadonlyArray<string>;
  /** Settings (unvalidated) from an endpoint URL such as `modbus-tcp://host:502?unit=1`. */
  settingsFromEndpoint?(url: string): unknown;
  /** Validated settings in, driver out. Must not touch the network. */
  create(settings: S, context: DriverContext): Driver<A>;
}

/** The registry stores definitions with their settings/address types erased. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- erased at the registry; each definition is typed at its own site
export type AnyDriverDefinition = DriverDefinition<any, any>;
