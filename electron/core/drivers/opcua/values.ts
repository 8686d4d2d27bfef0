import { DataType, StatusCode, StatusCodes, VariantArrayType, type DataValue, type Variant } from 'node-opcua';
import type { Quality, Value } from '../../../../shared/reading.js';
import { StatusText } from '../../../../shared/reading.js';
import { shortestFloat32 } from '../../../../shared/format/float32.js';

/**
 * OPC UA values and status codes in SensorVault's terms. A reading's value is number,
 * boolean, string or null, so:
 * - integers up to 32 bits, Double, Byte/SByte: number; Float: the shortest decimal that
 *   reads back as the same float32 (20.6, not 20.59963607788086); Boolean: boolean;
 * - Int64/UInt64: number, with quality uncertain "precision loss" beyond ±2^53;
 * - String, XmlElement, LocalizedText (text), QualifiedName (`ns:name`), NodeId,
 *   ExpandedNodeId, Guid: string; ByteString: base64; DateTime: ISO 8601 UTC string;
 *   StatusCode: its name; ExtensionObject and other structures: JSON text;
 * - arrays and matrices: JSON text of the converted elements (e.g. `[1,2.5,3]`).
 */
export interface Converted {
  value: Value;
  /** Set when the conversion itself degrades the reading (precision loss). */
  uncertain?: string;
}

const TWO_53 = 2 ** 53;

function int64(parts: unknown, signed: boolean, flags: { lossy: boolean }): number | null {
  if (typeof parts === 'number') return parts;
  if (typeof parts === 'bigint') {
    if (parts > BigInt(TWO_53) || parts < -BigInt(TWO_53)) flags.lossy = true;
    return Number(parts);
  }
  if (!Array.isArray(parts) || parts.length !== 2) return null;
  const [high, low] = parts as [number, number];
  let big = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  if (signed) big = BigInt.asIntN(64, big);
  if (big > BigInt(TWO_53) || big < -BigInt(TWO_53)) flags.lossy = true;
  return Number(big);
}

function scalar(dataType: DataType, v: unknown, flags: { lossy: boolean }): unknown {
  if (v === null || v === undefined) return null;
  switch (dataType) {
    case DataType.Boolean:
      return Boolean(v);
    case DataType.SByte:
    case DataType.Byte:
    case DataType.Int16:
    case DataType.UInt16:
    case DataType.Int32:
    case DataType.UInt32:
    case DataType.Double:
      return typeof v === 'number' ? v : Number(v);
    case DataType.Float:
      // node-opcua widens the float32 to a double (20.6 arrives as 20.59963607788086).
      return shortestFloat32(typeof v === 'number' ? v : Number(v));
    case DataType.Int64:
      return int64(v, true, flags);
    case DataType.UInt64:
      return int64(v, false, flags);
    case DataType.String:
    case DataType.XmlElement:
      return String(v);
    case DataType.DateTime:
      return v instanceof Date ? (Number.isNaN(v.getTime()) ? null : v.toISOString()) : String(v);
    case DataType.ByteString:
      return Buffer.isBuffer(v) ? v.toString('base64') : String(v);
    case DataType.StatusCode:
      return v instanceof StatusCode ? v.name : String(v);
    case DataType.LocalizedText:
      return (v as { text?: string | null }).text ?? '';
    case DataType.QualifiedName: {
      const q = v as { namespaceIndex: number; name?: string | null };
      return q.namespaceIndex === 0 ? (q.name ?? '') : `${q.namespaceIndex}:${q.name ?? ''}`;
    }
    case DataType.NodeId:
    case DataType.ExpandedNodeId:
    case DataType.Guid:
      return String(v);
    default:
      return toJsonSafe(v);
  }
}

/** Structures as plain JSON-able data (node-opcua objects carry their own toJSON). */
function toJsonSafe(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return (v as { toJSON(): unknown }).toJSON();
  return v;
}

export function convertVariant(variant: Variant | null | undefined): Converted {
  if (variant === null || variant === undefined || variant.dataType === DataType.Null) return { value: null };
  const flags = { lossy: false };
  let value: Value;
  if (variant.arrayType === VariantArrayType.Scalar) {
    const v = scalar(variant.dataType, variant.value, flags);
    value = v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : JSON.stringify(v);
  } else {
    const items = Array.from(variant.value as ArrayLike<unknown>, (item) => {
      const v = scalar(variant.dataType, item, flags);
      // JSON has no NaN/Infinity: spell them as strings rather than losing them to null.
      return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
    });
    const dims = variant.dimensions;
    value = JSON.stringify(variant.arrayType === VariantArrayType.Matrix && dims !== null && dims !== undefined && dims.length > 1 ? reshape(items, dims) : items);
  }
  return flags.lossy ? { value, uncertain: StatusText.precisionLoss } : { value };
}

function reshape(items: unknown[], dims: number[]): unknown {
  if (dims.length <= 1) return items;
  const inner = dims.slice(1).reduce((a, b) => a * b, 1);
  const out: unknown[] = [];
  for (let i = 0; i < (dims[0] ?? 0); i++) out.push(reshape(items.slice(i * inner, (i + 1) * inner), dims.slice(1)));
  return out;
}

/** StatusCode severity (bits 30-31): 00 good, 01 uncertain, 10/11 bad (OPC UA Part 4, 7.34). */
export function qualityOf(status: StatusCode): Quality {
  const severity = status.value >>> 30;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

/** The status name as the OPC UA spec spells it, e.g. BadNodeIdUnknown; hex when unknown. */
export function statusName(status: StatusCode): string {
  const name = status.name;
  return name !== undefined && name !== '' && !/^Unknown/i.test(name) ? name : `0x${(status.value >>> 0).toString(16).padStart(8, '0')}`;
}

export interface SampleParts {
  value?: Value;
  quality: Quality;
  status?: string;
  sourceTs?: number;
}

/** A DataValue as sample parts; `ts` picks the source or the server timestamp. */
export function fromDataValue(dv: DataValue, ts: 'source' | 'server'): SampleParts {
  const status = dv.statusCode ?? StatusCodes.Good;
  let quality = qualityOf(status);
  const stamp = ts === 'server' ? dv.serverTimestamp : dv.sourceTimestamp;
  const out: SampleParts = { quality };
  if (stamp instanceof Date && !Number.isNaN(stamp.getTime()) && stamp.getTime() > 0) out.sourceTs = stamp.getTime();
  if (quality === 'bad') {
    out.status = statusName(status);
    return out;
  }
  const converted = convertVariant(dv.value);
  out.value = converted.value;
  if (quality === 'uncertain') out.status = statusName(status);
  if (converted.uncertain !== undefined && quality === 'good') {
    quality = 'uncertain';
    out.quality = quality;
    out.status = converted.uncertain;
  }
  return out;
}
