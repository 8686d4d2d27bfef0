import type { Quality, Value } from '../../../../shared/reading.js';
import type { JsonAddress, JsonPath, ValueType } from './address.js';
import { formatJsonPath } from './address.js';

/** What a payload means for one tag: a value, or bad with the reason in an engineer's words. */
export interface Decoded {
  value?: Value;
  quality: Quality;
  status?: string;
  sourceTs?: number;
}

export const MAX_PLAIN_BYTES = 64 * 1024;

/** Plain payloads: a number, true/false, or text; `type` forces one of them. */
export function decodePlain(payload: Buffer, type: ValueType | undefined): Decoded {
  if (payload.length > MAX_PLAIN_BYTES) return { quality: 'bad', status: `payload of ${payload.length} bytes is too large for a plain value` };
  const text = payload.toString('utf8');
  if (type === 'string') return { value: text, quality: 'good' };
  const trimmed = text.trim();
  if (type === undefined) {
    if (trimmed === '') return { quality: 'bad', status: 'empty payload' };
    const n = numberOf(trimmed);
    if (n !== undefined) return { value: n, quality: 'good' };
    const b = booleanOf(trimmed);
    if (b !== undefined) return { value: b, quality: 'good' };
    return { value: text, quality: 'good' };
  }
  return coerce(trimmed, type);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function numberOf(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function booleanOf(text: string): boolean | undefined {
  switch (text.toLowerCase()) {
    case 'true':
    case 'on':
      return true;
    case 'false':
    case 'off':
      return false;
    default:
      return undefined;
  }
}

/** A decoded JSON (or plain) value made into the tag's type. */
export function coerce(value: unknown, type: ValueType | undefined): Decoded {
  if (value === null || value === undefined) return { quality: 'bad', status: 'null value' };
  if (typeof value === 'object') return { quality: 'bad', status: `the path points to ${Array.isArray(value) ? 'an array' : 'an object'}, not a value; pick a field inside it` };
  switch (type) {
    case undefined:
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return { value, quality: 'good' };
      return { quality: 'bad', status: `unsupported JSON value ${typeof value}` };
    case 'string':
      return { value: String(value), quality: 'good' };
    case 'number': {
      if (typeof value === 'number') return { value, quality: 'good' };
      if (typeof value === 'boolean') return { value: value ? 1 : 0, quality: 'good' };
      const n = numberOf(String(value).trim());
      return n === undefined ? { quality: 'bad', status: `not a number: ${preview(String(value), 40)}` } : { value: n, quality: 'good' };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value, quality: 'good' };
      if (typeof value === 'number') return value === 0 || value === 1 ? { value: value === 1, quality: 'good' } : { quality: 'bad', status: `not a boolean: ${value}` };
      const text = String(value).trim();
      const b = text === '1' ? true : text === '0' ? false : booleanOf(text);
      return b === undefined ? { quality: 'bad', status: `not a boolean: ${preview(text, 40)}` } : { value: b, quality: 'good' };
    }
  }
}

/** The value at `path`, or undefined when a step is missing. Own properties only. */
export function valueAt(doc: unknown, path: JsonPath): unknown {
  let current: unknown = doc;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string | number;
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      const index = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : -1;
      if (index < 0 || index >= current.length) return undefined;
      current = current[index];
    } else {
      const key = String(seg);
      if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
  }
  return current;
}

/** A parsed JSON document, or why the payload is not JSON. */
export type JsonDoc = { ok: true; doc: unknown } | { ok: false; status: string };

export function parseJsonPayload(payload: Buffer): JsonDoc {
  try {
    return { ok: true, doc: JSON.parse(payload.toString('utf8')) as unknown };
  } catch (error) {
    return { ok: false, status: `payload is not JSON (${(error as Error).message.replace(/^Unexpected token/, 'unexpected token').slice(0, 80)})` };
  }
}

export function decodeJson(doc: JsonDoc, address: JsonAddress): Decoded {
  if (!doc.ok) return { quality: 'bad', status: doc.status };
  const raw = valueAt(doc.doc, address.path);
  if (raw === undefined) return { quality: 'bad', status: `JSON path ${formatJsonPath(address.path)} not in payload` };
  const decoded = coerce(raw, address.type);
  if (address.tsPath !== undefined) {
    const tsRaw = valueAt(doc.doc, address.tsPath);
    const ts = tsRaw === undefined ? `timestamp path ${formatJsonPath(address.tsPath)} not in payload` : parseTimestamp(tsRaw);
    if (typeof ts === 'number') decoded.sourceTs = ts;
    else if (decoded.quality === 'good') {
      // The value is fine; only its time is in doubt (receive time is used instead).
      decoded.quality = 'uncertain';
      decoded.status = ts;
    }
  }
  if (address.qualityPath !== undefined && decoded.quality !== 'bad') {
    const qRaw = valueAt(doc.doc, address.qualityPath);
    const q = qRaw === undefined ? { quality: 'uncertain' as Quality, status: `quality path ${formatJsonPath(address.qualityPath)} not in payload` } : parseQuality(qRaw);
    if (q.quality !== 'good') {
      decoded.quality = q.quality === 'bad' ? 'bad' : 'uncertain';
      decoded.status = q.status;
      if (q.quality === 'bad') delete decoded.value;
    }
  }
  return decoded;
}

/**
 * Epoch seconds or milliseconds (numbers or numeric strings; below 1e11 counts as seconds,
 * 1e14+ as µs, 1e17+ as ns) or ISO 8601 text (no offset = UTC). Returns UTC ms or the problem.
 */
export function parseTimestamp(raw: unknown): number | string {
  let n: number | undefined;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string') {
    const text = raw.trim();
    n = numberOf(text);
    if (n === undefined) {
      if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return `timestamp "${preview(text, 40)}" is neither epoch s/ms nor ISO 8601`;
      const hasZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text);
      const iso = text.length > 10 ? (hasZone ? text : `${text}Z`) : `${text}T00:00:00Z`;
      const ms = Date.parse(iso);
      return Number.isFinite(ms) ? ms : `timestamp "${preview(text, 40)}" is not a valid ISO 8601 time`;
    }
  } else return `timestamp is ${raw === null ? 'null' : typeof raw}, expected epoch s/ms or ISO 8601 text`;
  if (!Number.isFinite(n) || n < 0) return `timestamp ${String(raw)} is not a time`;
  const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n < 1e17 ? n / 1000 : n / 1e6;
  return Math.round(ms);
}

/**
 * good / uncertain / bad as text (any case; OPC UA names like "Good", "BadSensorFailure" too),
 * booleans (true = good), or OPC UA status codes: the top two bits give the severity.
 */
export function parseQuality(raw: unknown): { quality: Quality; status?: string } {
  if (typeof raw === 'boolean') return raw ? { quality: 'good' } : { quality: 'bad', status: 'quality false in payload' };
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 0xffffffff) {
    const severity = raw >>> 30;
    const hex = `0x${raw.toString(16).toUpperCase().padStart(8, '0')}`;
    if (severity === 0) return { quality: 'good' };
    return { quality: severity === 1 ? 'uncertain' : 'bad', status: `status code ${hex} in payload` };
  }
  if (typeof raw === 'string') {
    const text = raw.trim();
    const lower = text.toLowerCase();
    if (/^\d+$/.test(text) || /^0x[0-9a-f]{1,8}$/.test(lower)) return parseQuality(Number(text));
    if (lower.startsWith('good')) return { quality: 'good' };
    if (lower.startsWith('uncertain')) return { quality: 'uncertain', status: `quality "${preview(text, 60)}" in payload` };
    if (lower.startsWith('bad')) return { quality: 'bad', status: `quality "${preview(text, 60)}" in payload` };
  }
  return { quality: 'uncertain', status: `unrecognised quality ${preview(JSON.stringify(raw) ?? String(raw), 40)} in payload` };
}

export function preview(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** JSON text for a write to a JSON tag: the value placed at its path. */
export function buildJsonPayload(path: JsonPath, value: Value): string {
  let doc: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i] as string | number;
    if (typeof seg === 'number') {
      const array: unknown[] = new Array<unknown>(seg + 1).fill(null);
      array[seg] = doc;
      doc = array;
    } else {
      doc = { [seg]: doc };
    }
  }
  return JSON.stringify(doc);
}
