import type { z } from 'zod';
import type { Quality, UtcMillis, Value } from '../../../shared/reading.js';
import type { Certificate } from '../../../shared/api/types.js';
import type { Logger } from '../log.js';
import type { SharedBusRegistry } from './common/modbus/bus-registry.js';

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
  /**
   * Per-installation directory for driver state that must persist (e.g. the OPC UA
   * application certificate and trust store). Drivers use a subfolder named by their id.
   */
  dataDir: string;
  /**
   * Buses shared by several devices of one runtime (a serial line, an RS-485 gateway):
   * one connection and one transaction queue per bus. Owned by the runtime; absent in
   * one-shot CLI use, where a driver opens its bus privately.
   */
  buses?: SharedBusRegistry;
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
  /** Driver-specific figures for the device list, in words with units (e.g. bus utilization). */
  details?: Array<{ label: string; value: string }>;
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
  /**
   * One level of the device's address space below `ref` (undefined = the root), for the
   * browse UI and CLI. Optional: drivers without an address space (Modbus) omit it.
   * Called only while connected. Honour `options.signal`; report progress for long levels.
   */
  browse?(ref: string | undefined, options: LongOperationOptions): Promise<BrowseNode[]>;
}

/** Progress of a long operation (browse, discovery, import): shown in the UI, cancellable. */
export interface Progress {
  done: number;
  total?: number;
  message?: string;
}

export interface LongOperationOptions {
  signal: AbortSignal;
  onProgress?(progress: Progress): void;
}

/** One node of a device's address space, as the browse tree shows it. */
export interface BrowseNode {
  /** Opaque, driver-specific reference used to expand it (e.g. `ns=1;s=Plant.Line1`). */
  ref: string;
  /** Display name. */
  name: string;
  /** Folder-like nodes expand; points can become tags. */
  kind: 'folder' | 'object' | 'point';
  hasChildren: boolean;
  /** The point's address in the driver's grammar, when it can be acquired as a tag. */
  address?: string;
  /** What the engineer needs to decide, in words: {"Data type": "Double", "Access": "read/write", ...}. */
  attributes: Record<string, string>;
  /** Prefill for "add as tag". */
  suggestion?: { name: string; unit?: string; description?: string; low?: number; high?: number };
}

/** A device or endpoint found by discovery, with the settings that would connect to it. */
export interface DiscoveredDevice {
  title: string;
  detail: string;
  /** Settings for a new device of this driver (validated by its settings schema on use). */
  settings: Record<string, unknown>;
  attributes: Record<string, string>;
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
  /**
   * What the driver can do, known without loading its protocol library or connecting, so
   * that the UI offers only these actions. `browse` must match whether instances have
   * `browse`, `discover` and `certificates` whether `discover`/`trustStore` are defined.
   */
  capabilities: DriverCapabilities;
  /**
   * How values arrive with these settings: `poll` (every interval, so silence means no
   * data) or `change` (subscriptions, COV, MQTT: silence means the value held). Poll when
   * left out.
   */
  reporting?(settings: S): 'poll' | 'change';
  /** URL schemes the CLI accepts for this driver (e.g. `modbus-tcp:`), with their parser. */
  endpointSchemes?: ReadonlyArray<string>;
  /** Settings (unvalidated) from an endpoint URL such as `modbus-tcp://host:502?unit=1`. */
  settingsFromEndpoint?(url: string): unknown;
  /** Validated settings in, driver out. Must not touch the network. */
  create(settings: S, context: DriverContext): Driver<A>;
  /**
   * Finds devices or endpoints (BACnet Who-Is, OPC UA GetEndpoints, ...). `settings` is a
   * partial settings object saying where to look. Optional.
   */
  /** The driver's certificate trust store in `dataDir`, if it has one (OPC UA). */
  trustStore?(dataDir: string): TrustStore;
  discover?(settings: Record<string, unknown>, context: Pick<DriverContext, 'dataDir' | 'log'>, options: LongOperationOptions & { onFound?(device: DiscoveredDevice): void }): Promise<DiscoveredDevice[]>;
}

export interface DriverCapabilities {
  browse: boolean;
  discover: boolean;
  certificates: boolean;
  write: boolean;
}

/** The registry stores definitions with their settings/address types erased. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- erased at the registry; each definition is typed at its own site
export type AnyDriverDefinition = DriverDefinition<any, any>;

/** A server-certificate trust store: decisions are explicit and always by thumbprint. */
export interface TrustStore {
  /** Store name shown in the UI, e.g. `opcua`. */
  id: string;
  list(): Promise<Certificate[]>;
  /** Moves a known certificate to trusted; rejects with a clear error if the thumbprint is unknown. */
  trust(thumbprint: string): Promise<Certificate>;
  reject(thumbprint: string): Promise<Certificate>;
}
