import { get as getSparkplug } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { StatusText, type Quality, type Value } from '../../../../shared/reading.js';
import { SPARKPLUG_NAMESPACE } from './address.js';

/*
 * Sparkplug B state of the edge nodes and devices seen on the broker: the metrics each
 * birth declared (name, alias, datatype, last value), whether the node/device is alive,
 * and its bdSeq (to tell a current NDEATH from a stale one). Aliases are resolved
 * per node or device through its own birth.
 */

const codec = getSparkplug(SPARKPLUG_NAMESPACE);
if (codec === null) throw new Error('sparkplug-payload does not know spBv1.0');
export const sparkplugCodec = codec;

export type SparkplugMessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD' | 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';

export interface SparkplugTopic {
  type: SparkplugMessageType;
  group: string;
  edge: string;
  device?: string;
  /** `group/edge` or `group/edge/device`. */
  key: string;
  /** `group/edge`. */
  nodeKey: string;
}

const NODE_TYPES = new Set(['NBIRTH', 'NDEATH', 'NDATA', 'NCMD']);
const DEVICE_TYPES = new Set(['DBIRTH', 'DDEATH', 'DDATA', 'DCMD']);

/** `spBv1.0/<group>/<type>/<edge>[/<device>]`, or undefined for anything else (STATE included). */
export function parseSparkplugTopic(topic: string): SparkplugTopic | undefined {
  if (!topic.startsWith('spBv1.0/')) return undefined;
  const levels = topic.split('/');
  const type = levels[2] as string;
  const group = levels[1] as string;
  const edge = levels[3] as string;
  if (group === '' || edge === '' || edge === undefined) return undefined;
  if (levels.length === 4 && NODE_TYPES.has(type)) return { type: type as SparkplugMessageType, group, edge, key: `${group}/${edge}`, nodeKey: `${group}/${edge}` };
  if (levels.length === 5 && DEVICE_TYPES.has(type) && levels[4] !== '') {
    const device = levels[4] as string;
    return { type: type as SparkplugMessageType, group, edge, device, key: `${group}/${edge}/${device}`, nodeKey: `${group}/${edge}` };
  }
  return undefined;
}

export interface MetricState {
  name: string;
  alias?: number;
  datatype: string;
  value?: Value;
  quality: Quality;
  status?: string;
  /** Source time of the last value (UTC ms). */
  ts?: number;
  /** Local receive time of the last value. */
  receivedAt?: number;
}

export interface EntityState {
  key: string;
  nodeKey: string;
  device?: string;
  born: boolean;
  dead: boolean;
  bdSeq?: number;
  birthAt?: number;
  byName: Map<string, MetricState>;
  byAlias: Map<number, MetricState>;
  /** Last rebirth request (local ms), to rate-limit them. */
  rebirthAt?: number;
  /** Pending "still no birth" check after a rebirth request. */
  waitTimer?: NodeJS.Timeout;
  /** The tags were told they wait for a birth (reset by the birth). */
  waitReported?: boolean;
}

/**
 * Numbers of a protobuf Long (or a plain number), without importing the long package.
 * `signedness` overrides the Long's own flag: sparkplug-payload hands Int64 values over as
 * unsigned Longs when its `instanceof Long` check fails across package copies.
 */
export function longToNumber(v: unknown, signedness?: 'signed' | 'unsigned'): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'low' in v && 'high' in v) {
    const { low, high, unsigned } = v as { low: number; high: number; unsigned?: boolean };
    const asUnsigned = signedness === undefined ? unsigned === true : signedness === 'unsigned';
    return asUnsigned ? (high >>> 0) * 4294967296 + (low >>> 0) : (high | 0) * 4294967296 + (low >>> 0);
  }
  return undefined;
}

/** Datatypes a tag can hold; the rest (DataSet, Bytes, Template, ...) are listed but not mapped. */
export const SCALAR_DATATYPES = new Set(['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean', 'String', 'Text', 'UUID', 'DateTime']);

/** A metric value as a tag value, with quality. DateTime becomes epoch ms (UTC). */
export function metricValue(datatype: string, raw: unknown, isNull: boolean): { value?: Value; quality: Quality; status?: string } {
  if (isNull || raw === null || raw === undefined) return { quality: 'bad', status: 'null value' };
  switch (datatype) {
    case 'Int8':
    case 'Int16':
    case 'Int32':
    case 'UInt8':
    case 'UInt16':
    case 'Float':
    case 'Double':
      return typeof raw === 'number' ? { value: raw, quality: 'good' } : { quality: 'bad', status: `${datatype} metric without a number` };
    case 'UInt32': {
      const n = longToNumber(raw);
      return n === undefined ? { quality: 'bad', status: 'UInt32 metric without a number' } : { value: n >>> 0, quality: 'good' };
    }
    case 'Int64':
    case 'UInt64':
    case 'DateTime': {
      const n = longToNumber(raw, datatype === 'Int64' ? 'signed' : 'unsigned');
      if (n === undefined) return { quality: 'bad', status: `${datatype} metric without a number` };
      if (!Number.isSafeInteger(n)) return { value: n, quality: 'uncertain', status: StatusText.precisionLoss };
      return { value: n, quality: 'good' };
    }
    case 'Boolean':
      return typeof raw === 'boolean' ? { value: raw, quality: 'good' } : { quality: 'bad', status: 'Boolean metric without a boolean' };
    case 'String':
    case 'Text':
    case 'UUID':
      return typeof raw === 'string' ? { value: raw, quality: 'good' } : { quality: 'bad', status: `${datatype} metric without text` };
    default:
      return { quality: 'bad', status: `Sparkplug datatype ${datatype} cannot be a tag value` };
  }
}

export function decodeSparkplug(payload: Buffer): UPayload {
  return sparkplugCodec.decodePayload(payload);
}

/** The NCMD that asks an edge node to publish its NBIRTH and DBIRTHs again. */
export function rebirthRequest(now: number): { payload: Buffer } {
  const metrics: UMetric[] = [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }];
  return { payload: Buffer.from(sparkplugCodec.encodePayload({ timestamp: now, metrics })) };
}

/** A command (NCMD/DCMD) setting one metric, for writes. */
export function commandPayload(now: number, name: string, datatype: string, value: Value): Buffer {
  const metric: UMetric = { name, type: datatype as UMetric['type'], value };
  return Buffer.from(sparkplugCodec.encodePayload({ timestamp: now, metrics: [metric] }));
}

export function newEntity(key: string, nodeKey: string, device: string | undefined): EntityState {
  const entity: EntityState = { key, nodeKey, born: false, dead: false, byName: new Map(), byAlias: new Map() };
  if (device !== undefined) entity.device = device;
  return entity;
}

export type { UMetric, UPayload };
