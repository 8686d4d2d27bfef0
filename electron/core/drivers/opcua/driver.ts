import {
  AttributeIds,
  DataChangeFilter,
  DataChangeTrigger,
  DataType,
  TimestampsToReturn,
  Variant,
  VariantArrayType,
  coerceNodeId,
  type ClientMonitoredItemBase,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  type NodeId,
  type OPCUACertificateManager,
  type OPCUAClient,
} from 'node-opcua';
import type { Value } from '../../../../shared/reading.js';
import { StatusText } from '../../../../shared/reading.js';
import { assertWritesEnabled, writesDisabledMessage } from '../common/errors.js';
import { describeConnectFailure } from '../common/network-errors.js';
import { createPollScheduler, type PollScheduler } from '../common/poll-scheduler.js';
import type { AcquisitionPoint, BrowseNode, Driver, DriverContext, DriverStats, LongOperationOptions, RawSample } from '../types.js';
import { formatOpcuaAddress, parseNodeRef, type OpcuaAddress } from './address.js';
import { browseLevel, toNodeId } from './browse.js';
import {
  abortable,
  chunks,
  createClient,
  describeError,
  describeLoginError,
  ensureApplicationCertificate,
  getEndpoints,
  modeName,
  modeValue,
  policyName,
  policyUri,
  readOperationLimits,
  MAX_PUBLISHING_INTERVAL_MS,
  userIdentity,
  verifyServerCertificate,
  withTimeout,
  type OperationLimits,
} from './connection.js';
import { fromDataValue, qualityOf, statusName } from './values.js';
import { openCertificateManager } from './pki.js';
import { type OpcuaSettings } from './settings.js';
import { opcuaEndpoint } from './definition.js';

export const WRITES_DISABLED_MESSAGE = writesDisabledMessage('OPC UA');

/** OPC UA DeadbandType (Part 4, 7.17.2): 1 absolute, 2 percent of EURange. */
const DEADBAND_ABSOLUTE = 1;
const DEADBAND_PERCENT = 2;

class ConnectionLostError extends Error {
  override name = 'ConnectionLostError';
}

interface Live {
  client: OPCUAClient;
  session: ClientSession;
  cm: OPCUACertificateManager;
  limits: OperationLimits;
  namespaceArray: string[];
}

/** A point as acquisition sees it: resolved NodeId (or why not) and the timestamp to use. */
interface Resolved {
  point: AcquisitionPoint<OpcuaAddress>;
  nodeId?: NodeId;
  problem?: string;
  ts: 'source' | 'server';
}

/** One acquisition run (between startAcquisition and stopAcquisition). */
interface Epoch {
  id: number;
  stopped: boolean;
  subscriptions: ClientSubscription[];
  scheduler?: PollScheduler;
  /** Points that have delivered at least once in this epoch. */
  seen: Uint8Array;
}


export interface OpcuaDriver extends Driver<OpcuaAddress> {
  browse(ref: string | undefined, options: LongOperationOptions): Promise<BrowseNode[]>;
  /** The server's operation limits as read at connect (0 = none). */
  operationLimits(): OperationLimits | undefined;
}

class OpcuaDriverImpl implements OpcuaDriver {
  private live: Live | undefined;
  private closing = false;
  private epoch: Epoch | undefined;
  private epochs = 0;
  private requests = 0;
  private failures = 0;
  /** Last emitted timestamp per tag, kept across reconnects: no duplicates after recovery. */
  private readonly lastTs = new Map<string, number>();
  private pending: RawSample[] = [];
  private flushScheduled = false;

  constructor(
    private readonly settings: OpcuaSettings,
    private readonly context: DriverContext,
  ) {}

  operationLimits(): OperationLimits | undefined {
    return this.live?.limits;
  }

  async connect(signal: AbortSignal): Promise<void> {
    await this.disconnect();
    this.closing = false;
    const { settings } = this;
    const url = settings.endpointUrl;
    const cm = openCertificateManager(this.context.dataDir);
    let client: OPCUAClient | undefined;
    try {
      await cm.initialize();
      const identity = await ensureApplicationCertificate(cm, this.context.dataDir);
      // Before any network work: a missing password is a configuration error, not a login failure.
      const user = userIdentity(settings.userToken);
      let serverCertificate: Buffer | undefined;
      if (settings.securityMode !== 'None') {
        const endpoints = await getEndpoints(url, identity, cm, settings.timeoutMs, signal);
        const wantedPolicy = policyUri(settings.securityPolicy);
        const match = endpoints.find((e) => e.securityMode === modeValue(settings.securityMode) && e.securityPolicyUri === wantedPolicy);
        if (match === undefined) {
          const offers = endpoints.map((e) => `${modeName(e.securityMode)}/${policyName(e.securityPolicyUri)}`).join(', ');
          throw new Error(`the server does not offer ${settings.securityMode} with ${settings.securityPolicy}; it offers ${offers || 'nothing'}`);
        }
        serverCertificate = match.serverCertificate ?? undefined;
        if (serverCertificate === undefined || serverCertificate.length === 0) throw new Error('the server offered a secure endpoint without a certificate');
        await verifyServerCertificate(cm, serverCertificate, url);
      }
      const c = createClient(identity, cm, settings, serverCertificate);
      client = c;
      await abortable(c.connect(url), signal, () => void c.disconnect().catch(() => undefined));
      this.requests++;
      let session: ClientSession;
      try {
        session = await abortable(c.createSession(user), signal);
      } catch (error) {
        if (signal.aborted) throw error;
        throw new Error(describeLoginError(settings.userToken, error));
      }
      const namespaceArray = await abortable(session.readNamespaceArray(), signal);
      const limits = await abortable(readOperationLimits(session), signal);
      this.requests += 2;
      const live: Live = { client: c, session, cm, limits, namespaceArray };
      this.live = live;
      c.on('connection_lost', () => this.lost(live, 'the server dropped the connection'));
      c.on('close', (err?: Error | null) => this.lost(live, err ? describeError(err) : 'connection closed'));
      session.on('keepalive_failure', () => this.lost(live, 'the server stopped answering keep-alives'));
      session.on('session_closed', () => this.lost(live, 'the server closed the session'));
      this.context.log.debug('connected', { endpoint: opcuaEndpoint(settings), limits });
    } catch (error) {
      await client?.disconnect().catch(() => undefined);
      await cm.dispose().catch(() => undefined);
      if (error instanceof Error && error.name === 'UntrustedCertificateError') throw error;
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      throw new Error(describeConnectFailure(error, url, describeError));
    }
  }

  /** Connection gone: stop, let the supervisor mark tags bad and reconnect. */
  private lost(live: Live, reason: string): void {
    if (this.closing || this.live !== live) return;
    this.live = undefined;
    this.stopAcquisition();
    void live.client.disconnect().catch(() => undefined);
    void live.cm.dispose().catch(() => undefined);
    // The supervisor says "connection lost" and the card shows the endpoint: the reason alone.
    this.context.connectionLost(new ConnectionLostError(reason));
  }

  private resolve(points: ReadonlyArray<AcquisitionPoint<OpcuaAddress>>, live: Live): Resolved[] {
    return points.map((point) => {
      const ts = point.address.ts === 'server' ? 'server' : 'source';
      try {
        return { point, nodeId: toNodeId(point.address.node, live.namespaceArray), ts };
      } catch (error) {
        return { point, problem: describeError(error), ts };
      }
    });
  }

  startAcquisition(points: ReadonlyArray<AcquisitionPoint<OpcuaAddress>>): void {
    this.stopAcquisition();
    const live = this.live;
    if (live === undefined) return;
    const epoch: Epoch = { id: ++this.epochs, stopped: false, subscriptions: [], seen: new Uint8Array(points.reduce((m, p) => Math.max(m, p.index + 1), 0)) };
    this.epoch = epoch;
    const resolved = this.resolve(points, live);
    const now = this.context.now();
    const unresolved = resolved.filter((r) => r.nodeId === undefined);
    if (unresolved.length > 0) this.push(epoch, unresolved.map((r) => ({ point: r.point.index, receiveTs: now, quality: 'bad', status: r.problem ?? 'unknown node' })), resolved);
    const usable = resolved.filter((r) => r.nodeId !== undefined);
    const byRead = usable.filter((r) => this.settings.acquisition === 'read' || r.point.address.mode === 'read');
    const bySubscription = usable.filter((r) => !(this.settings.acquisition === 'read' || r.point.address.mode === 'read'));
    if (byRead.length > 0) this.startReads(epoch, live, byRead, resolved);
    if (bySubscription.length > 0) {
      this.startSubscriptions(epoch, live, bySubscription, resolved).catch((error: unknown) => {
        if (epoch.stopped) return;
        this.failures++;
        this.context.log.warn('creating subscriptions failed', { error: describeError(error) });
        this.lost(live, `creating subscriptions failed: ${describeError(error)}`);
      });
    }
  }

  private groups(items: Resolved[]): Map<string, Resolved[]> {
    const out = new Map<string, Resolved[]>();
    for (const r of items) {
      const list = out.get(r.point.pollGroupId) ?? [];
      list.push(r);
      out.set(r.point.pollGroupId, list);
    }
    return out;
  }

  private startReads(epoch: Epoch, live: Live, items: Resolved[], all: Resolved[]): void {
    const tasks = [...this.groups(items)].map(([id, list]) => ({
      id,
      intervalMs: (list[0] as Resolved).point.intervalMs,
      run: async (signal: AbortSignal) => {
        const samples: RawSample[] = [];
        for (const chunk of chunks(list, live.limits.maxNodesPerRead, 2000)) {
          if (signal.aborted || epoch.stopped) return;
          this.requests++;
          let values: DataValue[];
          try {
            values = await withTimeout(
              live.session.read(chunk.map((r) => ({ nodeId: r.nodeId as NodeId, attributeId: AttributeIds.Value })), 0),
              this.settings.timeoutMs * 2,
              'Read',
            );
          } catch (error) {
            this.failures++;
            const receiveTs = this.context.now();
            const status = /no answer/.test(describeError(error)) ? StatusText.noResponse : describeError(error);
            for (const r of chunk) samples.push({ point: r.point.index, receiveTs, quality: 'bad', status });
            continue;
          }
          const receiveTs = this.context.now();
          chunk.forEach((r, i) => samples.push(this.sample(r, values[i] as DataValue, receiveTs)));
        }
        if (!epoch.stopped) this.push(epoch, samples, all);
      },
    }));
    epoch.scheduler = createPollScheduler(tasks, { onError: (groupId, error) => this.context.log.warn('read cycle failed', { groupId, error: describeError(error) }) });
    epoch.scheduler.start();
  }

  private async startSubscriptions(epoch: Epoch, live: Live, items: Resolved[], all: Resolved[]): Promise<void> {
    for (const [groupId, list] of this.groups(items)) {
      if (epoch.stopped) return;
      const groupIntervalMs = Math.max(10, (list[0] as Resolved).point.intervalMs);
      // Publishing = group interval, capped so keep-alives fit the session timeout.
      const intervalMs = Math.min(MAX_PUBLISHING_INTERVAL_MS, groupIntervalMs);
      // A keep-alive about every 10 s (at least 3 intervals); lifetime 6 keep-alives (Part 4: ≥ 3).
      const keepAlive = Math.max(3, Math.min(1000, Math.ceil(10_000 / intervalMs)));
      this.requests++;
      const subscription = await live.session.createSubscription2({
        requestedPublishingInterval: intervalMs,
        requestedMaxKeepAliveCount: keepAlive,
        requestedLifetimeCount: keepAlive * 6,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 1,
      });
      if (epoch.stopped) {
        void subscription.terminate().catch(() => undefined);
        return;
      }
      // A slow group's first notification comes one publishing interval late: read the
      // current values now (the later initial notification is then dropped as a repeat).
      if (groupIntervalMs > 1000) await this.readOnce(epoch, live, list, all);
      epoch.subscriptions.push(subscription);
      subscription.on('raw_notification', () => this.requests++);
      subscription.on('status_changed', (status: { name?: string }) => this.context.log.warn('subscription status changed', { groupId, status: status.name }));
      subscription.on('terminated', () => {
        if (!epoch.stopped && this.live === live) this.lost(live, `the server ended the subscription of poll group "${groupId}"`);
      });

      // Items with the same monitoring parameters go together, in MaxMonitoredItemsPerCall chunks.
      const byParams = new Map<string, Resolved[]>();
      for (const r of list) {
        const a = r.point.address;
        const key = `${a.sampling ?? groupIntervalMs}|${a.queue ?? 1}|${a.deadband?.kind ?? ''}:${a.deadband?.value ?? ''}`;
        const same = byParams.get(key) ?? [];
        same.push(r);
        byParams.set(key, same);
      }
      for (const same of byParams.values()) {
        const a = (same[0] as Resolved).point.address;
        const parameters = {
          samplingInterval: a.sampling ?? groupIntervalMs,
          queueSize: a.queue ?? 1,
          discardOldest: true,
          ...(a.deadband === undefined
            ? {}
            : { filter: new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: a.deadband.kind === 'abs' ? DEADBAND_ABSOLUTE : DEADBAND_PERCENT, deadbandValue: a.deadband.value }) }),
        };
        for (const chunk of chunks(same, live.limits.maxMonitoredItemsPerCall, 1000)) {
          if (epoch.stopped) return;
          this.requests++;
          const group = await subscription.monitorItems(
            chunk.map((r) => ({ nodeId: r.nodeId as NodeId, attributeId: AttributeIds.Value })),
            parameters,
            TimestampsToReturn.Both,
          );
          if (epoch.stopped) return;
          group.on('changed', (_item: ClientMonitoredItemBase, dv: DataValue, index: number) => {
            if (epoch.stopped) return;
            const r = chunk[index];
            if (r !== undefined) this.push(epoch, [this.sample(r, dv, this.context.now())], all);
          });
          const receiveTs = this.context.now();
          const refused: RawSample[] = [];
          group.monitoredItems.forEach((item, i) => {
            const status = item.statusCode;
            if (status !== undefined && status.isNotGood()) refused.push({ point: (chunk[i] as Resolved).point.index, receiveTs, quality: 'bad', status: statusName(status) });
          });
          if (refused.length > 0) this.push(epoch, refused, all);
        }
      }
    }
  }

  private async readOnce(epoch: Epoch, live: Live, list: Resolved[], all: Resolved[]): Promise<void> {
    for (const chunk of chunks(list, live.limits.maxNodesPerRead, 2000)) {
      if (epoch.stopped) return;
      this.requests++;
      const values = await live.session.read(chunk.map((r) => ({ nodeId: r.nodeId as NodeId, attributeId: AttributeIds.Value })), 0);
      const receiveTs = this.context.now();
      // Bad results are left to the monitored items, which say why (e.g. BadNodeIdUnknown).
      this.push(epoch, chunk.flatMap((r, i) => { const dv = values[i]; return dv !== undefined && qualityOf(dv.statusCode) !== 'bad' ? [this.sample(r, dv, receiveTs)] : []; }), all);
    }
  }

  private sample(r: Resolved, dv: DataValue, receiveTs: number): RawSample {
    const parts = fromDataValue(dv, r.ts);
    const sample: RawSample = { point: r.point.index, receiveTs, quality: parts.quality };
    if (parts.value !== undefined) sample.raw = { kind: 'value', value: parts.value };
    if (parts.status !== undefined) sample.status = parts.status;
    if (parts.sourceTs !== undefined) sample.sourceTs = parts.sourceTs;
    return sample;
  }

  /**
   * Queues samples for one emit per turn of the event loop. Timestamps per tag only move
   * forward, across reconnects: a repeat of the last sample is dropped; an older one (the
   * initial value of a re-created monitored item, a device clock set back) is restamped
   * with the receive time, so the tag comes back good without a duplicate reading.
   */
  private push(epoch: Epoch, samples: RawSample[], all: Resolved[]): void {
    for (const s of samples) {
      const tagId = this.tagOf(s.point, all);
      const ts = s.sourceTs ?? s.receiveTs;
      const last = this.lastTs.get(tagId);
      if (last !== undefined && ts <= last) {
        // The same sample again within a session, or nothing newer to say: drop it.
        if ((ts === last && epoch.seen[s.point] === 1) || s.receiveTs <= last) continue;
        // A re-delivery after reconnect, or the device clock went back: keep the value, at receive time.
        delete s.sourceTs;
      }
      epoch.seen[s.point] = 1;
      this.lastTs.set(tagId, s.sourceTs ?? s.receiveTs);
      this.pending.push(s);
    }
    if (!this.flushScheduled && this.pending.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        const batch = this.pending;
        this.pending = [];
        if (batch.length > 0 && this.epoch === epoch && !epoch.stopped) this.context.emit(batch);
      });
    }
  }

  private tagIndex: { all: Resolved[]; byPoint: string[] } | undefined;

  private tagOf(point: number, all: Resolved[]): string {
    if (this.tagIndex?.all !== all) {
      const byPoint: string[] = [];
      for (const r of all) byPoint[r.point.index] = r.point.tagId;
      this.tagIndex = { all, byPoint };
    }
    return this.tagIndex.byPoint[point] ?? String(point);
  }

  stopAcquisition(): void {
    const epoch = this.epoch;
    this.epoch = undefined;
    this.pending = [];
    if (epoch === undefined || epoch.stopped) return;
    epoch.stopped = true;
    epoch.scheduler?.stop();
    const live = this.live;
    for (const s of epoch.subscriptions) {
      s.removeAllListeners('terminated');
      if (live !== undefined) void withTimeout(s.terminate(), this.settings.timeoutMs, 'DeleteSubscriptions').catch(() => undefined);
    }
  }

  async disconnect(): Promise<void> {
    this.closing = true;
    this.stopAcquisition();
    const live = this.live;
    this.live = undefined;
    if (live === undefined) return;
    await withTimeout(live.session.close(true), this.settings.timeoutMs, 'CloseSession').catch(() => undefined);
    await withTimeout(live.client.disconnect(), this.settings.timeoutMs, 'disconnect').catch(() => undefined);
    await live.cm.dispose().catch(() => undefined);
  }

  async browse(ref: string | undefined, options: LongOperationOptions): Promise<BrowseNode[]> {
    const live = this.live;
    if (live === undefined) throw new Error(`${this.settings.endpointUrl}: not connected`);
    let node;
    if (ref !== undefined) {
      const parsed = parseNodeRef(ref);
      if (!parsed.ok) throw new Error(parsed.message);
      node = parsed.address;
    }
    return browseLevel(
      { session: live.session, limits: live.limits, maxReferencesPerNode: this.settings.browseMaxReferencesPerNode, namespaceArray: live.namespaceArray, count: () => this.requests++ },
      node,
      options,
    );
  }

  async write(address: OpcuaAddress, value: Value): Promise<void> {
    assertWritesEnabled(this.settings, 'OPC UA');
    const text = formatOpcuaAddress(address);
    const live = this.live;
    if (live === undefined) throw new Error(`write ${text} failed: ${StatusText.noConnection}`);
    if (value === null) throw new Error(`${text}: cannot write an empty value`);
    const nodeId = toNodeId(address.node, live.namespaceArray);
    this.requests += 2;
    const [dtValue, rankValue] = await live.session.read([
      { nodeId, attributeId: AttributeIds.DataType },
      { nodeId, attributeId: AttributeIds.ValueRank },
    ]);
    if (dtValue === undefined || !dtValue.statusCode.isGood()) throw new Error(`${text}: cannot read its data type (${dtValue ? statusName(dtValue.statusCode) : 'no answer'})`);
    const dataTypeId = dtValue.value.value as NodeId;
    const dataType = dataTypeId.namespace === 0 && typeof dataTypeId.value === 'number' && dataTypeId.value <= 25 ? (dataTypeId.value as DataType) : undefined;
    if (dataType === undefined) throw new Error(`${text}: writing data type ${dataTypeId.toString()} is not supported (only built-in scalar types)`);
    if (rankValue !== undefined && rankValue.statusCode.isGood() && rankValue.value.value !== -1 && rankValue.value.value !== -3 && rankValue.value.value !== -2) {
      throw new Error(`${text}: writing arrays is not supported`);
    }
    const variant = new Variant({ dataType, arrayType: VariantArrayType.Scalar, value: coerceForWrite(dataType, value, text) });
    this.requests++;
    const status = await live.session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: variant } });
    if (status.isNotGood()) {
      this.failures++;
      throw new Error(`write ${text} failed: ${statusName(status)}`);
    }
  }

  stats(): DriverStats {
    return { requests: this.requests, failures: this.failures };
  }
}

function coerceForWrite(dataType: DataType, value: Exclude<Value, null>, text: string): unknown {
  const bad = () => new Error(`${text}: ${JSON.stringify(value)} does not fit data type ${DataType[dataType]}`);
  switch (dataType) {
    case DataType.Boolean:
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1) return value === 1;
      throw bad();
    case DataType.SByte:
    case DataType.Byte:
    case DataType.Int16:
    case DataType.UInt16:
    case DataType.Int32:
    case DataType.UInt32:
    case DataType.Int64:
    case DataType.UInt64: {
      const n = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number(value);
      if (!Number.isInteger(n)) throw bad();
      return n;
    }
    case DataType.Float:
    case DataType.Double: {
      const n = typeof value === 'string' ? Number(value) : Number(value);
      if (!Number.isFinite(n)) throw bad();
      return n;
    }
    case DataType.String:
      return String(value);
    case DataType.DateTime: {
      const d = new Date(typeof value === 'boolean' ? NaN : value);
      if (Number.isNaN(d.getTime())) throw bad();
      return d;
    }
    case DataType.NodeId:
      return coerceNodeId(String(value));
    default:
      throw new Error(`${text}: writing data type ${DataType[dataType]} is not supported`);
  }
}

/** Called by the definition's lazy `create` once node-opcua is loaded. */
export function createOpcuaDriver(settings: OpcuaSettings, context: DriverContext): OpcuaDriver {
  return new OpcuaDriverImpl(settings, context);
}

export { opcuaDriver, opcuaEndpoint, opcuaDecodeSpec, settingsFromOpcuaEndpoint } from './definition.js';
export type { OpcuaDriverDefinition } from './definition.js';
