import type { AddressParse } from '../types.js';

/**
 * OPC UA point addresses: a NodeId in its standard string form, then optional per-tag
 * options, each after a `|` (see README.md):
 *
 *   [ns=<index>;|nsu=<uri>;](i=<uint32>|s=<string>|g=<guid>|b=<base64>)
 *   |sampling=<ms> |queue=<n> |deadband=abs:<x>|pct:<x> |ts=source|server |mode=read|subscription
 */
export type IdentifierType = 'i' | 's' | 'g' | 'b';

export interface OpcuaNodeRef {
  /** Namespace index; 0 when `nsu` is given (it is resolved against the server's NamespaceArray). */
  ns: number;
  nsu?: string;
  type: IdentifierType;
  /** The identifier as text: decimal for i, lower-case for g, base64 for b. */
  id: string;
}

export interface OpcuaAddress {
  node: OpcuaNodeRef;
  /** Requested sampling interval (ms); default: the poll group interval. */
  sampling?: number;
  /** Queue size on the server; default 1. */
  queue?: number;
  deadband?: { kind: 'abs' | 'pct'; value: number };
  /** Which timestamp the reading carries; absent = source. */
  ts?: 'server';
  /** `read`: periodic Read instead of a monitored item. Absent = the device's acquisition setting. */
  mode?: 'read';
}

export const opcuaAddressSyntax =
  'ns=<n>;s=<name> | ns=<n>;i=<number> | ns=<n>;g=<guid> | ns=<n>;b=<base64> | i=<number> | nsu=<uri>;s=<name>, then optional |sampling=<ms>|queue=<n>|deadband=abs:<x>|deadband=pct:<x>|ts=source|server|mode=read';

const OPTION_NAMES = ['sampling', 'queue', 'deadband', 'ts', 'mode'] as const;
const OPTION_TAIL = /\|(sampling|queue|deadband|ts|mode)=([^|]*)$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function fail(text: string, message: string): { ok: false; message: string } {
  return { ok: false, message: `${text}: ${message}` };
}

/** Parses a bare NodeId (`ns=1;s=A.B`, `i=2258`, `nsu=urn:x;s=A`). */
export function parseNodeRef(input: string): AddressParse<OpcuaNodeRef> {
  const text = input.trim();
  let rest = text;
  let ns = 0;
  let nsu: string | undefined;
  const nsMatch = /^ns=(\d{1,5});/.exec(rest);
  const nsuMatch = /^nsu=([^;]+);/.exec(rest);
  if (nsMatch !== null) {
    ns = Number(nsMatch[1]);
    if (ns > 65535) return fail(text, `namespace index ${ns} is beyond 65535`);
    rest = rest.slice(nsMatch[0].length);
  } else if (nsuMatch !== null) {
    nsu = nsuMatch[1] as string;
    rest = rest.slice(nsuMatch[0].length);
  } else if (/^ns=/.test(rest)) {
    return fail(text, 'the namespace index after "ns=" must be a number 0..65535 followed by ";"');
  }
  const kind = rest.slice(0, 2);
  const id = rest.slice(2);
  switch (kind) {
    case 'i=': {
      if (!/^\d{1,10}$/.test(id) || Number(id) > 0xffffffff) return fail(text, `numeric identifier "${id}" must be 0..4294967295`);
      return ok({ ns, nsu, type: 'i', id: String(Number(id)) });
    }
    case 's=':
      if (id === '') return fail(text, 'empty string identifier after "s="');
      return ok({ ns, nsu, type: 's', id });
    case 'g=':
      if (!GUID.test(id)) return fail(text, `"${id}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
      return ok({ ns, nsu, type: 'g', id: id.toLowerCase() });
    case 'b=':
      if (id === '' || !BASE64.test(id)) return fail(text, `"${id}" is not base64`);
      return ok({ ns, nsu, type: 'b', id });
    default:
      return fail(text, 'expected a NodeId such as ns=2;s=Line1.Temperature, ns=2;i=1234, ns=2;g=<guid>, ns=2;b=<base64> or i=2258');
  }
}

function ok(node: { ns: number; nsu: string | undefined; type: IdentifierType; id: string }): AddressParse<OpcuaNodeRef> {
  const out: OpcuaNodeRef = { ns: node.nsu === undefined ? node.ns : 0, type: node.type, id: node.id };
  if (node.nsu !== undefined) out.nsu = node.nsu;
  return { ok: true, address: out };
}

export function formatNodeRef(node: OpcuaNodeRef): string {
  const prefix = node.nsu !== undefined ? `nsu=${node.nsu};` : node.ns === 0 ? '' : `ns=${node.ns};`;
  return `${prefix}${node.type}=${node.id}`;
}

function parseNumber(value: string): number | undefined {
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
}

export function parseOpcuaAddress(input: string): AddressParse<OpcuaAddress> {
  const text = input.trim();
  let rest = text;
  const options = new Map<string, string>();
  for (let m = OPTION_TAIL.exec(rest); m !== null; m = OPTION_TAIL.exec(rest)) {
    const name = m[1] as string;
    if (options.has(name)) return fail(text, `option "${name}" given twice`);
    options.set(name, (m[2] as string).trim());
    rest = rest.slice(0, m.index);
  }
  const unknown = /\|([a-z]+)=/i.exec(rest);
  if (unknown !== null && !/^(ns=\d+;|nsu=[^;]+;)?s=/.test(rest)) {
    return fail(text, `unknown option "${unknown[1]}"; expected ${OPTION_NAMES.join(', ')}`);
  }
  const node = parseNodeRef(rest);
  if (!node.ok) return node;
  const address: OpcuaAddress = { node: node.address };
  for (const [name, value] of options) {
    switch (name) {
      case 'sampling': {
        const n = parseNumber(value);
        if (n === undefined || !Number.isInteger(n) || n < 0 || n > 86_400_000) return fail(text, `sampling "${value}" must be 0..86400000 ms (0 = as fast as the server can)`);
        address.sampling = n;
        break;
      }
      case 'queue': {
        const n = parseNumber(value);
        if (n === undefined || !Number.isInteger(n) || n < 1 || n > 10_000) return fail(text, `queue "${value}" must be 1..10000`);
        address.queue = n;
        break;
      }
      case 'deadband': {
        const m = /^(abs|pct):(.+)$/.exec(value);
        const n = m === null ? undefined : parseNumber(m[2] as string);
        if (m === null || n === undefined || n < 0) return fail(text, `deadband "${value}" must be abs:<x> or pct:<x> with x ≥ 0`);
        if (m[1] === 'pct' && n > 100) return fail(text, `percent deadband ${n} is beyond 100`);
        address.deadband = { kind: m[1] as 'abs' | 'pct', value: n };
        break;
      }
      case 'ts':
        if (value !== 'source' && value !== 'server') return fail(text, `ts "${value}" must be source or server`);
        if (value === 'server') address.ts = 'server';
        break;
      case 'mode':
        if (value !== 'read' && value !== 'subscription') return fail(text, `mode "${value}" must be read or subscription`);
        if (value === 'read') address.mode = 'read';
        break;
    }
  }
  return { ok: true, address };
}

/** Canonical text: ns=0 and defaults left out, options in a fixed order. */
export function formatOpcuaAddress(address: OpcuaAddress): string {
  let out = formatNodeRef(address.node);
  if (address.sampling !== undefined) out += `|sampling=${address.sampling}`;
  if (address.queue !== undefined) out += `|queue=${address.queue}`;
  if (address.deadband !== undefined) out += `|deadband=${address.deadband.kind}:${address.deadband.value}`;
  if (address.ts === 'server') out += '|ts=server';
  if (address.mode === 'read') out += '|mode=read';
  return out;
}
