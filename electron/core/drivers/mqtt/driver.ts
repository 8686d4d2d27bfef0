import { readFile } from 'node:fs/promises';
import { connect as mqttConnect, type IClientOptions, type IPublishPacket, type ISubscriptionMap, type MqttClient } from 'mqtt';
import { StatusText, type Value } from '../../../../shared/reading.js';
import { assertWritesEnabled, writesDisabledMessage } from '../common/errors.js';
import { describeConnectFailure, formatTarget } from '../common/network-errors.js';
import type { AcquisitionPoint, BrowseNode, Driver, DriverContext, DriverStats, LongOperationOptions, RawSample } from '../types.js';
import { formatMqttAddress, sparkplugKey, type JsonAddress, type MqttAddress, type PlainAddress } from './address.js';
import { browseTree } from './browse.js';
import { buildJsonPayload, decodeJson, decodePlain, parseJsonPayload, type Decoded } from './decode.js';
import { mqttEndpoint } from './endpoint.js';
import { brokerOf, topicMatches, type MqttSettings } from './settings.js';
import {
  commandPayload,
  decodeSparkplug,
  longToNumber,
  metricValue,
  newEntity,
  parseSparkplugTopic,
  rebirthRequest,
  type EntityState,
  type MetricState,
  type SparkplugTopic,
  type UPayload,
} from './sparkplug.js';
import { TopicTree, type TreeTotals } from './tree.js';

export const WRITES_DISABLED_MESSAGE = writesDisabledMessage('MQTT');
export const SPARKPLUG_DEATH = 'sparkplug death';
export const WAITING_FOR_BIRTH = 'waiting for Sparkplug birth';
/** At most one rebirth request per edge node in this time. */
export const REBIRTH_MIN_INTERVAL_MS = 5000;
/** Most messages kept between CONNACK and startAcquisition (then only the last per topic). */
export const MAX_EARLY_MESSAGES = 200_000;

/** MQTT 3.1.1 CONNACK return codes (§3.2.2.3). */
const CONNACK_V4: Readonly<Record<number, string>> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

const TLS_HINTS: Readonly<Record<string, string>> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'the broker certificate is not signed by the pinned CA (tls.caFile)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the broker presents a self-signed certificate that is not the pinned CA (tls.caFile)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the broker certificate is not signed by the pinned CA (tls.caFile)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the broker certificate is not signed by a trusted CA; pin its CA with tls.caFile',
  CERT_HAS_EXPIRED: 'the broker certificate has expired; renew it on the broker (or check this computer\'s clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the broker certificate does not name this host; use the host name the certificate lists in the url',
};

/** TLS alerts the broker sends about our client certificate (OpenSSL message text). */
const CLIENT_CERT_ALERTS: ReadonlyArray<[RegExp, string]> = [
  [/alert certificate required/, 'the broker requires a client certificate; set tls.certFile and tls.keyFile'],
  [/alert unknown ca/, 'the broker does not trust the client certificate (its CA is unknown to the broker)'],
  [/alert (bad certificate|certificate unknown|unsupported certificate)/, 'the broker rejected the client certificate'],
  [/alert certificate expired/, 'the broker says the client certificate has expired'],
  [/alert certificate revoked/, 'the broker says the client certificate is revoked'],
];

/** An error from mqtt.js, TLS or the socket, in an engineer's words. `pinnedCa`: a tls.caFile is set. */
export function describeMqttError(error: unknown, protocolVersion: 4 | 5, pinnedCa = true, target = 'the broker'): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = e?.code;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (!pinnedCa && (code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'DEPTH_ZERO_SELF_SIGNED_CERT')) {
    return `TLS: the broker certificate is not signed by a CA this system trusts; pin its CA with tls.caFile (${code})`;
  }
  if (typeof code === 'string' && TLS_HINTS[code] !== undefined) return `TLS: ${TLS_HINTS[code]} (${code})`;
  for (const [pattern, text] of CLIENT_CERT_ALERTS) if (pattern.test(message)) return `TLS: ${text}`;
  if (typeof code === 'number' && /^Connection refused/.test(message)) {
    const reason = protocolVersion === 4 ? CONNACK_V4[code] ?? `return code ${code}` : message.replace(/^Connection refused: /, '').toLowerCase();
    const hint = /user name|password|authori/i.test(reason) ? '; check username and the passwordEnv variable (or the client certificate)' : '';
    return `broker refused the connection: ${reason}${hint}`;
  }
  return describeConnectFailure(error, target, () => message);
}

interface PlainPoint {
  index: number;
  address: PlainAddress;
}
interface JsonPoint {
  index: number;
  address: JsonAddress;
}
interface TopicBinding {
  topic: string;
  plain: PlainPoint[];
  json: JsonPoint[];
}

/** MQTT-specific operations beyond the common interface. */
export interface MqttDriver extends Driver<MqttAddress> {
  /** Topics and messages the tree holds. */
  treeTotals(): TreeTotals;
  /** Sparkplug state of an edge node (`group/edge`) or device (`group/edge/device`). */
  sparkplugEntity(key: string): Readonly<EntityState> | undefined;
  /** Topic filters currently subscribed on the broker. */
  subscribed(): string[];
}

class ClosedError extends Error {
  override name = 'ConnectionClosedError';
}

class MqttDriverImpl implements MqttDriver {
  private client: MqttClient | undefined;
  private closing = false;
  private connectedAt = 0;
  private lastError: string | undefined;
  private readonly tree: TopicTree;
  private readonly entities = new Map<string, EntityState>();
  private byTopic = new Map<string, TopicBinding>();
  /** Sparkplug points: entity key -> metric name -> point indices. */
  private bySparkplug = new Map<string, Map<string, number[]>>();
  private readonly subscribedFilters = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Messages between CONNACK and the first startAcquisition of a connection, replayed to the tags. */
  private early: { messages: Array<{ topic: string; payload: Buffer; receiveTs: number }>; overflowed: boolean } | undefined;
  private extraFilters: string[] = [];
  private pending: RawSample[] = [];
  private flushScheduled = false;
  private acquiring = false;
  private messages = 0;
  private failures = 0;
  private rebirths = 0;

  constructor(
    private readonly settings: MqttSettings,
    private readonly context: DriverContext,
  ) {
    this.tree = new TopicTree(settings.maxTopics);
  }

  async connect(signal: AbortSignal): Promise<void> {
    await this.disconnect();
    this.closing = false;
    this.lastError = undefined;
    const endpoint = mqttEndpoint(this.settings);
    if (signal.aborted) throw new Error(`connect to ${endpoint} aborted`);
    const options = await this.clientOptions();
    const client = mqttConnect(options);
    // Births seen before this connection may be stale (aliases can change with a rebirth).
    for (const entity of this.entities.values()) entity.born = false;
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    const pinned = this.settings.tls?.caFile !== undefined;
    const broker = brokerOf(this.settings.url);
    const target = formatTarget(broker.host, broker.port);
    client.on('error', (error) => {
      this.lastError = describeMqttError(error, this.settings.protocolVersion, pinned, target);
    });
    client.on('disconnect', (packet) => {
      const code = packet.reasonCode;
      this.lastError = `broker sent DISCONNECT${code === undefined ? '' : ` (reason code ${code})`}`;
    });
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (why: string) => reject(new Error(why));
        onAbort = () => fail('aborted');
        signal.addEventListener('abort', onAbort, { once: true });
        client.once('connect', () => {
          // Synchronously with CONNACK: messages parsed right after it (a persistent
          // session's backlog, retained messages) already belong to this connection.
          this.connectedAt = this.context.now();
          this.openEarlyWindow();
          resolve();
        });
        client.once('close', () => fail(this.lastError ?? 'connection closed before CONNACK'));
        client.once('error', (error) => fail(describeMqttError(error, this.settings.protocolVersion, pinned, target)));
      });
      this.client = client;
      client.on('close', () => this.onClose(client));
      await this.subscribe(this.settings.subscriptions.map((s) => ({ filter: s.filter, qos: s.qos })), true);
    } catch (error) {
      this.client = undefined;
      client.removeAllListeners('close');
      client.end(true);
      throw error instanceof Error ? error : new Error(String(error));
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
    this.context.log.debug('connected', { endpoint });
  }

  private async clientOptions(): Promise<IClientOptions> {
    const s = this.settings;
    const broker = brokerOf(s.url);
    const options: IClientOptions = {
      protocol: broker.tls ? 'mqtts' : 'mqtt',
      host: broker.host,
      port: broker.port,
      protocolVersion: s.protocolVersion,
      clientId: s.clientId !== '' ? s.clientId : `sensorvault-${Math.random().toString(16).slice(2, 10)}`,
      clean: s.session === 'clean',
      keepalive: s.keepaliveS,
      connectTimeout: s.timeoutMs,
      // The supervisor owns reconnect and backoff (it marks tags bad during the outage).
      reconnectPeriod: 0,
      resubscribe: false,
    };
    if (s.protocolVersion === 5 && s.session === 'persistent') options.properties = { sessionExpiryInterval: s.sessionExpiryS };
    if (s.username !== undefined) options.username = s.username;
    if (s.passwordEnv !== undefined) {
      const password = process.env[s.passwordEnv];
      if (password === undefined) throw new Error(`the password environment variable ${s.passwordEnv} is not set`);
      options.password = password;
    }
    if (broker.tls) {
      options.rejectUnauthorized = true;
      if (!/^[\d.]+$|:/.test(broker.host)) options.servername = broker.host;
      const tls = s.tls;
      if (tls?.caFile !== undefined) options.ca = await readPem(tls.caFile, 'tls.caFile');
      if (tls?.certFile !== undefined) options.cert = await readPem(tls.certFile, 'tls.certFile');
      if (tls?.keyFile !== undefined) options.key = await readPem(tls.keyFile, 'tls.keyFile');
    }
    return options;
  }

  /** Subscribes; `strict` throws when the broker refuses a filter (configured ones), else the points turn bad. */
  private async subscribe(filters: Array<{ filter: string; qos: 0 | 1 | 2 }>, strict: boolean): Promise<void> {
    const client = this.client;
    if (client === undefined || filters.length === 0) return;
    const timeoutMs = this.settings.timeoutMs;
    const granted = await new Promise<Array<{ topic: string; qos: number }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SUBACK within ${timeoutMs} ms`)), timeoutMs);
      const map: ISubscriptionMap = {};
      for (const f of filters) map[f.filter] = { qos: f.qos };
      // On a refusal mqtt.js reports an error and leaves the requested QoS in `grants`;
      // the SUBACK's own reason codes (same order as the request) tell which filter failed.
      client.subscribe(map, (error, grants, packet) => {
        clearTimeout(timer);
        const codes = packet?.granted;
        if (grants === undefined || grants.length === 0 || (error !== null && error !== undefined && codes === undefined)) {
          reject(new Error(`subscribe failed: ${describeMqttError(error, this.settings.protocolVersion)}`));
          return;
        }
        resolve(grants.map((g, i) => ({ topic: g.topic, qos: typeof codes?.[i] === 'number' ? (codes[i] as number) : g.qos })));
      });
    });
    const refused = granted.filter((g) => g.qos >= 128).map((g) => g.topic);
    for (const g of granted) if (g.qos < 128) this.subscribedFilters.add(g.topic);
    if (refused.length > 0) {
      const message = `broker refused the subscription to ${refused.map((t) => `"${t}"`).join(', ')} (not authorized?)`;
      if (strict) throw new Error(message);
      this.context.log.warn(message);
      this.failRefused(refused, message);
    }
  }

  private failRefused(refused: string[], status: string): void {
    const now = this.context.now();
    for (const binding of this.byTopic.values()) {
      if (!refused.some((f) => topicMatches(f, binding.topic))) continue;
      for (const p of binding.plain) this.push({ point: p.index, receiveTs: now, quality: 'bad', status });
      for (const p of binding.json) this.push({ point: p.index, receiveTs: now, quality: 'bad', status });
    }
  }

  private onClose(client: MqttClient): void {
    if (this.closing || this.client !== client) return;
    this.client = undefined;
    this.subscribedFilters.clear();
    this.stopAcquisition();
    // The supervisor says "connection lost" and the card shows the endpoint: the reason alone.
    this.context.connectionLost(new ClosedError(this.lastError ?? 'the broker closed the connection'));
  }

  startAcquisition(points: ReadonlyArray<AcquisitionPoint<MqttAddress>>): void {
    this.stopAcquisition();
    const byTopic = new Map<string, TopicBinding>();
    const bySparkplug = new Map<string, Map<string, number[]>>();
    for (const point of points) {
      const a = point.address;
      if (a.kind === 'sparkplug') {
        const key = sparkplugKey(a);
        let metrics = bySparkplug.get(key);
        if (metrics === undefined) bySparkplug.set(key, (metrics = new Map()));
        const list = metrics.get(a.metric) ?? [];
        list.push(point.index);
        metrics.set(a.metric, list);
        continue;
      }
      let binding = byTopic.get(a.topic);
      if (binding === undefined) byTopic.set(a.topic, (binding = { topic: a.topic, plain: [], json: [] }));
      if (a.kind === 'plain') binding.plain.push({ index: point.index, address: a });
      else binding.json.push({ index: point.index, address: a });
    }
    this.byTopic = byTopic;
    this.bySparkplug = bySparkplug;
    this.acquiring = true;
    this.replay();
    const extra = this.extraSubscriptions();
    this.extraFilters = extra;
    this.subscribe(
      extra.map((filter) => ({ filter, qos: 1 as const })),
      false,
    ).catch((error: unknown) => this.context.log.warn('subscribing to tag topics failed', { error: (error as Error).message }));
  }

  /** Tag topics (and Sparkplug node/device topics) no configured filter covers. */
  private extraSubscriptions(): string[] {
    const configured = this.settings.subscriptions.map((s) => s.filter);
    const covered = (topic: string) => configured.some((f) => topicMatches(f, topic));
    const extra = new Set<string>();
    for (const topic of this.byTopic.keys()) if (!covered(topic)) extra.add(topic);
    for (const key of this.bySparkplug.keys()) {
      const [group, edge, device] = key.split('/') as [string, string, string | undefined];
      const nodeTopics = ['NBIRTH', 'NDATA', 'NDEATH'].map((t) => `spBv1.0/${group}/${t}/${edge}`);
      if (!nodeTopics.every(covered)) extra.add(`spBv1.0/${group}/+/${edge}`);
      if (device !== undefined) {
        const deviceTopics = ['DBIRTH', 'DDATA', 'DDEATH'].map((t) => `spBv1.0/${group}/${t}/${edge}/${device}`);
        if (!deviceTopics.every(covered)) extra.add(`spBv1.0/${group}/+/${edge}/${device}`);
      }
    }
    return [...extra];
  }

  /** Messages that arrived on this connection before acquisition started (retained ones, births). */
  /**
   * Messages that arrived on this connection before acquisition started: the early buffer
   * in order (a persistent session's backlog loses nothing), else the last state per topic
   * and metric.
   */
  private replay(): void {
    const since = this.connectedAt;
    const early = this.early;
    this.early = undefined;
    if (early !== undefined && !early.overflowed) {
      for (const m of early.messages) this.dispatch(m.topic, m.payload, m.receiveTs);
      return;
    }
    for (const binding of this.byTopic.values()) {
      const node = this.tree.get(binding.topic);
      if (node?.payload !== undefined && node.lastSeen >= since) this.decodeBinding(binding, node.payload, node.lastSeen);
    }
    for (const [key, metrics] of this.bySparkplug) {
      const entity = this.entities.get(key);
      if (entity === undefined || entity.birthAt === undefined || entity.birthAt < since) continue;
      if (!entity.born) {
        if (entity.dead) this.failEntity(key, SPARKPLUG_DEATH, this.context.now());
        continue;
      }
      for (const [name, indices] of metrics) {
        const metric = entity.byName.get(name);
        this.emitMetric(indices, metric, key, entity.birthAt);
      }
    }
  }

  stopAcquisition(): void {
    this.acquiring = false;
    this.byTopic = new Map();
    this.bySparkplug = new Map();
    const client = this.client;
    const extra = this.extraFilters;
    this.extraFilters = [];
    if (client !== undefined && !this.closing && extra.length > 0) {
      for (const f of extra) this.subscribedFilters.delete(f);
      client.unsubscribe(extra, () => undefined);
    }
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    this.messages++;
    const now = this.context.now();
    this.tree.record(topic, payload, packet.retain, now);
    const early = this.early;
    if (!this.acquiring && early !== undefined && !early.overflowed) {
      if (early.messages.length < MAX_EARLY_MESSAGES) {
        early.messages.push({ topic, payload, receiveTs: now });
        return;
      }
      this.closeEarlyWindow(early);
    }
    this.dispatch(topic, payload, now);
  }

  private openEarlyWindow(): void {
    const early: NonNullable<MqttDriverImpl['early']> = { messages: [], overflowed: false };
    this.early = early;
    // Acquisition normally starts right after connect; if it does not, stop holding back.
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.early === early) this.closeEarlyWindow(early);
    }, this.settings.timeoutMs);
    this.timers.add(timer);
  }

  /** Too many to keep, or too long: bring the Sparkplug state up to date in order and go live. */
  private closeEarlyWindow(early: NonNullable<MqttDriverImpl['early']>): void {
    early.overflowed = true;
    const messages = early.messages;
    early.messages = [];
    for (const m of messages) this.dispatch(m.topic, m.payload, m.receiveTs);
  }

  /** Sparkplug state, then the tags of the topic (while acquiring). */
  private dispatch(topic: string, payload: Buffer, now: number): void {
    if (topic.startsWith('spBv1.0/')) {
      const spb = parseSparkplugTopic(topic);
      if (spb !== undefined) this.onSparkplug(spb, payload, now);
    }
    if (!this.acquiring) return;
    const binding = this.byTopic.get(topic);
    if (binding !== undefined) this.decodeBinding(binding, payload, now);
  }

  private decodeBinding(binding: TopicBinding, payload: Buffer, receiveTs: number): void {
    for (const p of binding.plain) this.pushDecoded(p.index, decodePlain(payload, p.address.type), receiveTs);
    if (binding.json.length > 0) {
      const doc = parseJsonPayload(payload);
      for (const p of binding.json) this.pushDecoded(p.index, decodeJson(doc, p.address), receiveTs);
    }
  }

  private pushDecoded(point: number, decoded: Decoded, receiveTs: number): void {
    const sample: RawSample = { point, receiveTs, quality: decoded.quality };
    if (decoded.value !== undefined && decoded.quality !== 'bad') sample.raw = { kind: 'value', value: decoded.value };
    if (decoded.status !== undefined) sample.status = decoded.status;
    if (decoded.sourceTs !== undefined) sample.sourceTs = decoded.sourceTs;
    if (decoded.quality === 'bad') this.failures++;
    this.push(sample);
  }

  private push(sample: RawSample): void {
    this.pending.push(sample);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // One emit per I/O turn: all messages parsed from the same socket reads go together.
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.acquiring) this.context.emit(batch);
  }

  // ---- Sparkplug B ----------------------------------------------------------------

  private entity(topic: SparkplugTopic): EntityState {
    let entity = this.entities.get(topic.key);
    if (entity === undefined) {
      entity = newEntity(topic.key, topic.nodeKey, topic.device);
      this.entities.set(topic.key, entity);
    }
    return entity;
  }

  private onSparkplug(topic: SparkplugTopic, payload: Buffer, now: number): void {
    if (topic.type === 'NCMD' || topic.type === 'DCMD') return;
    let decoded: UPayload;
    try {
      decoded = decodeSparkplug(payload);
    } catch (error) {
      this.failures++;
      this.context.log.debug('undecodable Sparkplug payload', { topic: topic.key, error: (error as Error).message });
      if (topic.type === 'NDATA' || topic.type === 'DDATA') this.failEntity(topic.key, 'Sparkplug payload does not decode', now);
      return;
    }
    const payloadTs = longToNumber(decoded.timestamp);
    switch (topic.type) {
      case 'NBIRTH':
      case 'DBIRTH':
        this.birth(topic, decoded, payloadTs, now);
        return;
      case 'NDEATH':
        this.nodeDeath(topic, decoded, now);
        return;
      case 'DDEATH':
        this.markDead(this.entity(topic), now);
        return;
      case 'NDATA':
      case 'DDATA':
        this.data(topic, decoded, payloadTs, now);
        return;
    }
  }

  private birth(topic: SparkplugTopic, payload: UPayload, payloadTs: number | undefined, now: number): void {
    const entity = this.entity(topic);
    entity.byName = new Map();
    entity.byAlias = new Map();
    entity.born = true;
    entity.dead = false;
    entity.birthAt = now;
    entity.waitReported = false;
    if (entity.waitTimer !== undefined) {
      clearTimeout(entity.waitTimer);
      this.timers.delete(entity.waitTimer);
      entity.waitTimer = undefined;
    }
    for (const m of payload.metrics ?? []) {
      if (typeof m.name !== 'string' || m.name === '') continue;
      const metric: MetricState = { name: m.name, datatype: m.type, quality: 'bad' };
      const alias = longToNumber(m.alias);
      if (alias !== undefined) {
        metric.alias = alias;
        entity.byAlias.set(alias, metric);
      }
      this.updateMetric(metric, m.type, m.value, m.isNull === true, longToNumber(m.timestamp) ?? payloadTs, now);
      entity.byName.set(m.name, metric);
      if (m.name === 'bdSeq' && topic.device === undefined) entity.bdSeq = longToNumber(m.value);
    }
    const metrics = this.bySparkplug.get(topic.key);
    if (metrics === undefined || !this.acquiring) return;
    for (const [name, indices] of metrics) this.emitMetric(indices, entity.byName.get(name), topic.key, now);
  }

  private updateMetric(metric: MetricState, datatype: string, raw: unknown, isNull: boolean, ts: number | undefined, now: number): void {
    const v = metricValue(datatype, raw, isNull);
    metric.quality = v.quality;
    if (v.value !== undefined) metric.value = v.value;
    else delete metric.value;
    if (v.status !== undefined) metric.status = v.status;
    else delete metric.status;
    if (ts !== undefined) metric.ts = ts;
    else delete metric.ts;
    metric.receivedAt = now;
  }

  private emitMetric(indices: number[], metric: MetricState | undefined, key: string, now: number): void {
    for (const point of indices) {
      if (metric === undefined) {
        this.push({ point, receiveTs: now, quality: 'bad', status: `metric not in the birth of ${key}` });
        continue;
      }
      const sample: RawSample = { point, receiveTs: metric.receivedAt ?? now, quality: metric.quality };
      if (metric.value !== undefined && metric.quality !== 'bad') sample.raw = { kind: 'value', value: metric.value };
      if (metric.status !== undefined) sample.status = metric.status;
      if (metric.ts !== undefined) sample.sourceTs = metric.ts;
      this.push(sample);
    }
  }

  private nodeDeath(topic: SparkplugTopic, payload: UPayload, now: number): void {
    const node = this.entity(topic);
    const bdSeqMetric = (payload.metrics ?? []).find((m) => m.name === 'bdSeq');
    const bdSeq = bdSeqMetric === undefined ? undefined : longToNumber(bdSeqMetric.value);
    // An NDEATH (the broker's will) from an older session must not kill the current one.
    if (bdSeq !== undefined && node.bdSeq !== undefined && bdSeq !== node.bdSeq) {
      this.context.log.debug('ignoring stale NDEATH', { node: topic.key, bdSeq, current: node.bdSeq });
      return;
    }
    this.markDead(node, now);
    for (const entity of this.entities.values()) if (entity.nodeKey === node.key && entity !== node) this.markDead(entity, now);
  }

  private markDead(entity: EntityState, now: number): void {
    entity.born = false;
    entity.dead = true;
    entity.waitReported = false;
    entity.birthAt ??= now;
    for (const metric of entity.byName.values()) {
      metric.quality = 'bad';
      metric.status = SPARKPLUG_DEATH;
    }
    this.failEntity(entity.key, SPARKPLUG_DEATH, now);
  }

  private failEntity(key: string, status: string, now: number): void {
    const metrics = this.bySparkplug.get(key);
    if (metrics === undefined || !this.acquiring) return;
    for (const indices of metrics.values()) for (const point of indices) this.push({ point, receiveTs: now, quality: 'bad', status });
  }

  private data(topic: SparkplugTopic, payload: UPayload, payloadTs: number | undefined, now: number): void {
    const entity = this.entity(topic);
    if (!entity.born) {
      if (!this.requestRebirth(topic, now, 'data before birth')) {
        this.failEntity(topic.key, WAITING_FOR_BIRTH, now);
        return;
      }
      // The birth normally follows within a round trip: give it timeoutMs before the tags
      // turn bad, so a one-shot read gets the value rather than the wait.
      if (entity.waitTimer === undefined && !entity.waitReported) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          entity.waitTimer = undefined;
          if (entity.born) return;
          entity.waitReported = true;
          this.failEntity(entity.key, `${WAITING_FOR_BIRTH} (rebirth requested)`, this.context.now());
        }, this.settings.timeoutMs);
        entity.waitTimer = timer;
        this.timers.add(timer);
      }
      return;
    }
    const bound = this.acquiring ? this.bySparkplug.get(topic.key) : undefined;
    let unknown = false;
    for (const m of payload.metrics ?? []) {
      let metric: MetricState | undefined;
      if (typeof m.name === 'string' && m.name !== '') metric = entity.byName.get(m.name);
      else {
        const alias = longToNumber(m.alias);
        if (alias !== undefined) metric = entity.byAlias.get(alias);
      }
      if (metric === undefined) {
        unknown = true;
        continue;
      }
      // Data carries the datatype too; the birth's is the contract, but trust what arrived.
      this.updateMetric(metric, m.type ?? metric.datatype, m.value, m.isNull === true, longToNumber(m.timestamp) ?? payloadTs, now);
      const indices = bound?.get(metric.name);
      if (indices !== undefined) this.emitMetric(indices, metric, topic.key, now);
    }
    if (unknown) this.requestRebirth(topic, now, 'unknown metric or alias');
  }

  /** Publishes NCMD Node Control/Rebirth = true (rate-limited); true if it was sent. */
  private requestRebirth(topic: SparkplugTopic, now: number, why: string): boolean {
    const client = this.client;
    if (this.settings.rebirth !== 'request' || client === undefined) return false;
    const node = this.entities.get(topic.nodeKey) ?? this.entity({ ...topic, key: topic.nodeKey, type: 'NDATA' });
    if (node.rebirthAt !== undefined && now - node.rebirthAt < REBIRTH_MIN_INTERVAL_MS) return true;
    node.rebirthAt = now;
    this.rebirths++;
    this.context.log.info('requesting Sparkplug rebirth', { node: topic.nodeKey, why });
    client.publish(`spBv1.0/${topic.group}/NCMD/${topic.edge}`, rebirthRequest(now).payload, { qos: 0 });
    return true;
  }

  // ---- writes, browse, stats ----------------------------------------------------------

  async write(address: MqttAddress, value: Value): Promise<void> {
    assertWritesEnabled(this.settings, 'MQTT');
    const text = formatMqttAddress(address);
    if (value === null) throw new Error(`${text}: cannot write an empty value`);
    const client = this.client;
    if (client === undefined) throw new Error(`${text}: ${StatusText.noConnection}`);
    let topic: string;
    let payload: Buffer | string;
    if (address.kind === 'plain') {
      topic = address.topic;
      payload = String(value);
    } else if (address.kind === 'json') {
      topic = address.topic;
      payload = buildJsonPayload(address.path, value);
    } else {
      const key = sparkplugKey(address);
      const metric = this.entities.get(key)?.byName.get(address.metric);
      if (metric === undefined) throw new Error(`${text}: no birth of ${key} declares metric "${address.metric}"; its datatype is unknown, so no command is sent`);
      topic = address.device === undefined ? `spBv1.0/${address.group}/NCMD/${address.edge}` : `spBv1.0/${address.group}/DCMD/${address.edge}/${address.device}`;
      payload = commandPayload(this.context.now(), metric.name, metric.datatype, value);
    }
    await new Promise<void>((resolve, reject) => {
      client.publish(topic, payload, { qos: this.settings.writeQos, retain: this.settings.writeRetain }, (error) => {
        if (error !== undefined && error !== null) reject(new Error(`${text}: publish failed: ${describeMqttError(error, this.settings.protocolVersion)}`));
        else resolve();
      });
    });
  }

  async browse(ref: string | undefined, options: LongOperationOptions): Promise<BrowseNode[]> {
    if (options.signal.aborted) throw new Error('browse aborted');
    return browseTree(this.tree, this.entities, ref, this.context.now());
  }

  async disconnect(): Promise<void> {
    this.closing = true;
    this.stopAcquisition();
    const client = this.client;
    this.client = undefined;
    this.subscribedFilters.clear();
    this.pending = [];
    this.early = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const entity of this.entities.values()) {
      entity.waitTimer = undefined;
      entity.waitReported = false;
    }
    if (client === undefined) return;
    await new Promise<void>((resolve) => {
      try {
        client.end(true, {}, () => resolve());
      } catch {
        resolve();
      }
    });
  }

  stats(): DriverStats {
    return { requests: this.messages, failures: this.failures };
  }

  treeTotals(): TreeTotals {
    return this.tree.totals();
  }

  sparkplugEntity(key: string): Readonly<EntityState> | undefined {
    return this.entities.get(key);
  }

  subscribed(): string[] {
    return [...this.subscribedFilters];
  }

  /** Rebirth requests sent (for tests and status). */
  get rebirthRequests(): number {
    return this.rebirths;
  }
}

async function readPem(file: string, setting: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new Error(`${setting}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Called by the definition's lazy `create` once mqtt.js and sparkplug-payload are loaded. */
export function createMqttDriver(settings: MqttSettings, context: DriverContext): MqttDriver {
  return new MqttDriverImpl(settings, context);
}

export { mqttDriver, mqttDecodeSpec } from './definition.js';
export type { MqttDriverDefinition } from './definition.js';
