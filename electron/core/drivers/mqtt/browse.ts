import type { BrowseNode } from '../types.js';
import { formatJsonPath, parseJsonPath, type JsonPath } from './address.js';
import { preview, valueAt } from './decode.js';
import { parseSparkplugTopic, SCALAR_DATATYPES, decodeSparkplug, type EntityState } from './sparkplug.js';
import { subtreeTotals, type TopicNode, type TopicTree } from './tree.js';

/**
 * One level of the topic tree for the browse UI and CLI. Refs: undefined = the root; a topic
 * (or topic prefix) lists its subtopics, plus the fields of its last JSON payload or the
 * Sparkplug metrics of its edge node/device; `<topic>|json:<path>` lists the fields inside.
 */
export const MAX_CHILDREN = 5000;
const PREVIEW_CHARS = 120;
const TS_KEYS = ['ts', 'timestamp', 'time', 't', 'datetime', 'sourceTimestamp'];
const QUALITY_KEYS = ['quality', 'q', 'status', 'statusCode'];

export function browseTree(tree: TopicTree, entities: ReadonlyMap<string, EntityState>, ref: string | undefined, now: number): BrowseNode[] {
  if (ref === undefined || ref === '') {
    // The root, and the empty first level of topics that start with "/".
    const node = ref === undefined ? tree.root : tree.get('');
    return node === undefined ? [] : childrenOf(node, entities, now);
  }
  const jsonAt = ref.indexOf('|json:');
  if (jsonAt >= 0) {
    const topic = ref.slice(0, jsonAt);
    const parsed = parseJsonPath(ref.slice(jsonAt + 6));
    const node = tree.get(topic);
    if (!parsed.ok || node?.payload === undefined) return [];
    const doc = parseJson(node.payload);
    return doc === undefined ? [] : jsonChildren(topic, doc, parsed.path);
  }
  const node = tree.get(ref);
  if (node === undefined) return [];
  return childrenOf(node, entities, now);
}

function childrenOf(node: TopicNode, entities: ReadonlyMap<string, EntityState>, now: number): BrowseNode[] {
  const out: BrowseNode[] = [];
  const children = node.children === undefined ? [] : [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  for (const child of children.slice(0, MAX_CHILDREN)) out.push(topicNode(child, entities, now));
  if (node.payload !== undefined) {
    const spb = parseSparkplugTopic(node.topic);
    if (spb !== undefined) out.push(...sparkplugMetrics(entities.get(spb.key), spb.key));
    else {
      const doc = looksLikeJson(node.payload) ? parseJson(node.payload) : undefined;
      if (doc !== undefined && typeof doc === 'object' && doc !== null) out.push(...jsonChildren(node.topic, doc, []));
    }
  }
  return out;
}

function topicNode(node: TopicNode, entities: ReadonlyMap<string, EntityState>, now: number): BrowseNode {
  const hasSub = (node.children?.size ?? 0) > 0;
  const name = node.name === '' ? '(empty)' : node.name;
  if (node.count === 0 || node.payload === undefined) {
    const totals = subtreeTotals(node, now);
    return {
      ref: node.topic,
      name,
      kind: 'folder',
      hasChildren: hasSub,
      attributes: { Topics: String(totals.topics), Messages: String(totals.messages), Rate: rate(totals.rate), 'Last seen': time(totals.lastSeen) },
    };
  }
  const attributes: Record<string, string> = {
    Messages: String(node.count),
    Rate: rate(node.rate(now)),
    'Last seen': time(node.lastSeen),
    Retained: node.retained ? 'yes' : 'no',
  };
  if (hasSub) attributes['Topics below'] = String(subtreeTotals(node, now).topics - 1);
  const spb = parseSparkplugTopic(node.topic);
  if (spb !== undefined) {
    const entity = entities.get(spb.key);
    attributes.Payload = `Sparkplug B ${spb.type}`;
    attributes['Last payload'] = sparkplugPreview(node.payload);
    attributes.Sparkplug = `${spb.device === undefined ? 'edge node' : 'device'} ${spb.key}: ${entity === undefined ? 'no birth seen' : entity.born ? 'born' : entity.dead ? 'dead' : 'no birth seen (rebirth requested)'}`;
    if (entity !== undefined) attributes.Metrics = String(entity.byName.size);
    return { ref: node.topic, name, kind: 'object', hasChildren: hasSub || (entity?.byName.size ?? 0) > 0, attributes };
  }
  const text = node.payload.subarray(0, 4096).toString('utf8');
  attributes['Last payload'] = preview(text.replace(/\s+/g, ' '), PREVIEW_CHARS);
  attributes.Size = `${node.payload.length} B`;
  const doc = looksLikeJson(node.payload) ? parseJson(node.payload) : undefined;
  if (doc !== undefined && typeof doc === 'object' && doc !== null) {
    attributes.Payload = Array.isArray(doc) ? 'JSON array' : 'JSON object';
    return { ref: node.topic, name, kind: 'object', hasChildren: true, attributes };
  }
  attributes.Payload = classifyPlain(text);
  const browse: BrowseNode = { ref: node.topic, name, kind: 'point', hasChildren: hasSub, attributes, suggestion: { name: node.name } };
  if (!node.topic.includes('|') && !node.topic.includes('+') && !node.topic.includes('#')) browse.address = node.topic;
  return browse;
}

function jsonChildren(topic: string, doc: unknown, path: JsonPath): BrowseNode[] {
  const at = valueAt(doc, path);
  if (at === null || typeof at !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(at) ? at.map((v, i) => [i, v]) : Object.entries(at as Record<string, unknown>);
  const keys = Array.isArray(at) ? [] : Object.keys(at as Record<string, unknown>);
  const tsKey = keys.find((k) => TS_KEYS.includes(k));
  const qualityKey = keys.find((k) => QUALITY_KEYS.includes(k));
  const out: BrowseNode[] = [];
  for (const [key, value] of entries.slice(0, MAX_CHILDREN)) {
    const childPath = [...path, key];
    const ref = `${topic}|json:${formatJsonPath(childPath)}`;
    const name = typeof key === 'number' ? `[${key}]` : key;
    if (value !== null && typeof value === 'object') {
      out.push({ ref, name, kind: 'object', hasChildren: true, attributes: { 'JSON type': Array.isArray(value) ? `array of ${value.length}` : 'object' } });
      continue;
    }
    let address = ref;
    if (tsKey !== undefined && key !== tsKey && key !== qualityKey) address += `|ts:${formatJsonPath([...path, tsKey])}`;
    if (qualityKey !== undefined && key !== qualityKey && key !== tsKey) address += `|quality:${formatJsonPath([...path, qualityKey])}`;
    const node: BrowseNode = {
      ref,
      name,
      kind: 'point',
      hasChildren: false,
      attributes: { 'JSON type': value === null ? 'null' : typeof value, Value: preview(JSON.stringify(value) ?? 'null', PREVIEW_CHARS) },
      suggestion: { name: typeof key === 'number' ? `${topic.split('/').pop() ?? topic}[${key}]` : key },
    };
    if (!topic.includes('|')) node.address = address;
    out.push(node);
  }
  return out;
}

function sparkplugMetrics(entity: EntityState | undefined, key: string): BrowseNode[] {
  if (entity === undefined) return [];
  const metrics = [...entity.byName.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  return metrics.slice(0, MAX_CHILDREN).map((m) => {
    const attributes: Record<string, string> = { Datatype: m.datatype, Quality: m.quality };
    if (m.alias !== undefined) attributes.Alias = String(m.alias);
    if (m.value !== undefined) attributes.Value = preview(String(m.value), PREVIEW_CHARS);
    if (m.status !== undefined) attributes.Status = m.status;
    if (m.ts !== undefined) attributes['Source time'] = time(m.ts);
    const node: BrowseNode = {
      ref: `spb:${key}|metric:${m.name}`,
      name: m.name,
      kind: 'point',
      hasChildren: false,
      attributes,
      suggestion: { name: m.name.split('/').pop() ?? m.name },
    };
    if (SCALAR_DATATYPES.has(m.datatype)) node.address = `spb:${key}|metric:${m.name}`;
    return node;
  });
}

function sparkplugPreview(payload: Buffer): string {
  try {
    const decoded = decodeSparkplug(payload);
    const metrics = decoded.metrics ?? [];
    const names = metrics.slice(0, 3).map((m) => (typeof m.name === 'string' && m.name !== '' ? m.name : `alias ${String(m.alias)}`));
    return preview(`${metrics.length} metric${metrics.length === 1 ? '' : 's'}${names.length > 0 ? `: ${names.join(', ')}` : ''}`, PREVIEW_CHARS);
  } catch {
    return `${payload.length} B, not a Sparkplug B payload`;
  }
}

function looksLikeJson(payload: Buffer): boolean {
  for (let i = 0; i < payload.length; i++) {
    const c = payload[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b || c === 0x5b;
  }
  return false;
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function classifyPlain(text: string): string {
  const t = text.trim();
  if (t === '') return 'empty';
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return 'number';
  if (/^(true|false|on|off)$/i.test(t)) return 'boolean';
  return 'text';
}

function rate(perS: number): string {
  return `${perS < 10 ? perS.toFixed(2) : perS.toFixed(0)} msg/s`;
}

function time(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString() : '—';
}
