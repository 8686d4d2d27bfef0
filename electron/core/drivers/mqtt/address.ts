import type { AddressParse } from '../types.js';

/**
 * MQTT point addresses (see README.md). Segments are separated by "|":
 *
 *   <topic>[|type=<t>]                                   plain payload: number, true/false or text
 *   <topic>|json:<path>[|ts:<path>][|quality:<path>][|type=<t>]
 *                                                        JSON payload; value, source time, quality
 *   spb:<group>/<edge>[/<device>]|metric:<name>          Sparkplug B metric of an edge node or device
 *
 * <t> is number, boolean or string. A path is `$` (the whole payload), `a.b`, `$.a.b`,
 * `values[0]` or `["odd key"]`. The Sparkplug form also accepts the topic as MQTT Explorer shows
 * it: `spBv1.0/<group>/<NDATA|DDATA|NBIRTH|DBIRTH>/<edge>[/<device>]|sparkplug:<name>`.
 */
export type ValueType = 'number' | 'boolean' | 'string';
export type JsonPath = Array<string | number>;

export interface PlainAddress {
  kind: 'plain';
  topic: string;
  type?: ValueType;
}

export interface JsonAddress {
  kind: 'json';
  topic: string;
  path: JsonPath;
  tsPath?: JsonPath;
  qualityPath?: JsonPath;
  type?: ValueType;
}

export interface SparkplugAddress {
  kind: 'sparkplug';
  group: string;
  edge: string;
  device?: string;
  metric: string;
}

export type MqttAddress = PlainAddress | JsonAddress | SparkplugAddress;

export const valueTypes: readonly ValueType[] = ['number', 'boolean', 'string'];
export const SPARKPLUG_NAMESPACE = 'spBv1.0';

export const mqttAddressSyntax =
  '<topic>[|type=number|boolean|string] | <topic>|json:<path>[|ts:<path>][|quality:<path>][|type=…] | spb:<group>/<edge>[/<device>]|metric:<name>';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function fail<T>(text: string, message: string): AddressParse<T> {
  return { ok: false, message: `${text}: ${message}` };
}

/** A concrete topic a tag can read: no wildcards, no "|" (it separates the address segments). */
export function topicProblem(topic: string): string | undefined {
  if (topic === '') return 'missing topic';
  if (topic.includes('+') || topic.includes('#')) return `topic "${topic}" has a wildcard; a tag reads one concrete topic (put filters in the device's subscriptions)`;
  if (topic.includes('\u0000')) return 'topic contains a NUL character';
  if (topic.startsWith('spb:')) return 'a Sparkplug address needs |metric:<name>';
  return undefined;
}

/** Sparkplug group, edge node and device ids: non-empty, without "/", "+", "#" (Sparkplug B 3.0, topic namespace). */
function idProblem(what: string, id: string): string | undefined {
  if (id === '') return `missing ${what} id`;
  if (/[+#/|]/.test(id)) return `${what} id "${id}" must not contain "/", "+", "#" or "|"`;
  return undefined;
}

export function parseJsonPath(input: string): { ok: true; path: JsonPath } | { ok: false; message: string } {
  let text = input.trim();
  const path: JsonPath = [];
  if (text === '$') return { ok: true, path };
  if (text === '') return { ok: false, message: 'empty path; use $ for the whole payload' };
  if (text.startsWith('$')) {
    text = text.slice(1);
    if (!text.startsWith('.') && !text.startsWith('[')) return { ok: false, message: `path "${input}": after $ comes .name or [index]` };
  } else if (!text.startsWith('[')) {
    text = `.${text}`;
  }
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      let j = i + 1;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      const name = text.slice(i + 1, j);
      if (name === '') return { ok: false, message: `path "${input}": empty name after "."` };
      if (name.includes(']')) return { ok: false, message: `path "${input}": unexpected "]"` };
      path.push(name);
      i = j;
    } else if (c === '[') {
      const close = findClose(text, i);
      if (close < 0) return { ok: false, message: `path "${input}": "[" without "]"` };
      const inner = text.slice(i + 1, close).trim();
      if (/^\d{1,9}$/.test(inner)) path.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) {
        try {
          path.push(JSON.parse(inner) as string);
        } catch {
          return { ok: false, message: `path "${input}": bad quoted key ${inner}` };
        }
      } else if (/^'[^']*'$/.test(inner)) path.push(inner.slice(1, -1));
      else return { ok: false, message: `path "${input}": [${inner}] must be an index [0] or a quoted key ["name"]` };
      i = close + 1;
    } else {
      return { ok: false, message: `path "${input}": unexpected "${c}"` };
    }
  }
  return { ok: true, path };
}

function findClose(text: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ']') return i;
  }
  return -1;
}

/** Canonical path text: `$` for the root, else `a.b[0]["odd key"]`. */
export function formatJsonPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return '$';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function parseMqttAddress(input: string): AddressParse<MqttAddress> {
  const text = input.trim();
  if (text === '') return fail(text, 'empty address');
  const sparkAt = findSparkplugKeyword(text);
  if (sparkAt !== undefined) return parseSparkplug(text, sparkAt);
  if (text.startsWith('spb:')) return fail(text, 'a Sparkplug address needs |metric:<name>, e.g. spb:Plant1/Edge1/Pump3|metric:Speed');

  const parts = text.split('|');
  const topic = parts[0] as string;
  const problem = topicProblem(topic);
  if (problem !== undefined) return fail(text, problem);
  let path: JsonPath | undefined;
  let tsPath: JsonPath | undefined;
  let qualityPath: JsonPath | undefined;
  let type: ValueType | undefined;
  const seen = new Set<string>();
  for (const part of parts.slice(1)) {
    const m = /^(json|ts|quality|type)\s*[:=]\s*(.*)$/s.exec(part);
    if (m === null) return fail(text, `unknown segment "|${part}"; expected |json:<path>, |ts:<path>, |quality:<path> or |type=number|boolean|string`);
    const key = m[1] as string;
    const value = (m[2] as string).trim();
    if (seen.has(key)) return fail(text, `"|${key}" given twice`);
    seen.add(key);
    if (key === 'type') {
      if (!(valueTypes as readonly string[]).includes(value)) return fail(text, `unknown type "${value}"; expected number, boolean or string`);
      type = value as ValueType;
      continue;
    }
    const parsed = parseJsonPath(value);
    if (!parsed.ok) return fail(text, parsed.message);
    if (key === 'json') path = parsed.path;
    else if (key === 'ts') tsPath = parsed.path;
    else qualityPath = parsed.path;
  }
  if (path === undefined) {
    if (tsPath !== undefined || qualityPath !== undefined) return fail(text, '|ts: and |quality: read fields of a JSON payload; add |json:<path> for the value');
    const plain: PlainAddress = { kind: 'plain', topic };
    if (type !== undefined) plain.type = type;
    return { ok: true, address: plain };
  }
  const json: JsonAddress = { kind: 'json', topic, path };
  if (tsPath !== undefined) json.tsPath = tsPath;
  if (qualityPath !== undefined) json.qualityPath = qualityPath;
  if (type !== undefined) json.type = type;
  return { ok: true, address: json };
}

/** Index of the first "|metric:" or "|sparkplug:" segment; the metric name runs to the end (it may contain "|"). */
function findSparkplugKeyword(text: string): { at: number; length: number } | undefined {
  const m = /\|(metric|sparkplug):/.exec(text);
  return m === null ? undefined : { at: m.index, length: m[0].length };
}

function parseSparkplug(text: string, keyword: { at: number; length: number }): AddressParse<MqttAddress> {
  const head = text.slice(0, keyword.at).trim();
  const metric = text.slice(keyword.at + keyword.length).trim();
  if (metric === '') return fail(text, 'missing metric name after |metric:');
  let ids: string[];
  if (head.startsWith('spb:')) {
    ids = head.slice(4).split('/');
    if (ids.length < 2 || ids.length > 3) return fail(text, 'expected spb:<group>/<edge>[/<device>]');
  } else if (head.startsWith(`${SPARKPLUG_NAMESPACE}/`)) {
    const levels = head.split('/');
    const messageType = levels[2] ?? '';
    const nodeTypes = ['NBIRTH', 'NDATA', 'NDEATH', 'NCMD'];
    const deviceTypes = ['DBIRTH', 'DDATA', 'DDEATH', 'DCMD'];
    if (nodeTypes.includes(messageType)) {
      if (levels.length !== 4) return fail(text, `a ${messageType} topic is ${SPARKPLUG_NAMESPACE}/<group>/${messageType}/<edge>`);
    } else if (deviceTypes.includes(messageType)) {
      if (levels.length !== 5) return fail(text, `a ${messageType} topic is ${SPARKPLUG_NAMESPACE}/<group>/${messageType}/<edge>/<device>`);
    } else {
      return fail(text, `"${messageType}" is not a Sparkplug message type; expected NBIRTH, NDATA, DBIRTH or DDATA`);
    }
    ids = [levels[1] as string, levels[3] as string, ...(levels.length === 5 ? [levels[4] as string] : [])];
  } else {
    return fail(text, `a Sparkplug metric is spb:<group>/<edge>[/<device>]|metric:<name> or ${SPARKPLUG_NAMESPACE}/<group>/DDATA/<edge>/<device>|sparkplug:<name>`);
  }
  const names = ['group', 'edge node', 'device'];
  for (let i = 0; i < ids.length; i++) {
    const problem = idProblem(names[i] as string, ids[i] as string);
    if (problem !== undefined) return fail(text, problem);
  }
  const address: SparkplugAddress = { kind: 'sparkplug', group: ids[0] as string, edge: ids[1] as string, metric };
  if (ids[2] !== undefined) address.device = ids[2];
  return { ok: true, address };
}

/** Canonical text: segments in the order json, ts, quality, type; Sparkplug always in the spb: form. */
export function formatMqttAddress(address: MqttAddress): string {
  if (address.kind === 'sparkplug') return `spb:${sparkplugKey(address)}|metric:${address.metric}`;
  let out = address.topic;
  if (address.kind === 'json') {
    out += `|json:${formatJsonPath(address.path)}`;
    if (address.tsPath !== undefined) out += `|ts:${formatJsonPath(address.tsPath)}`;
    if (address.qualityPath !== undefined) out += `|quality:${formatJsonPath(address.qualityPath)}`;
  }
  if (address.type !== undefined) out += `|type=${address.type}`;
  return out;
}

/** `group/edge` or `group/edge/device`: the key of a Sparkplug edge node or device. */
export function sparkplugKey(address: { group: string; edge: string; device?: string }): string {
  return address.device === undefined ? `${address.group}/${address.edge}` : `${address.group}/${address.edge}/${address.device}`;
}
