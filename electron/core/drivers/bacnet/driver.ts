import type { BACNetAddress } from '@bacnet-js/client';
import type { Value } from '../../../../shared/reading.js';
import { StatusText } from '../../../../shared/reading.js';
import { createPollScheduler, type PollScheduler } from '../common/poll-scheduler.js';
import { assertWritesEnabled, writesDisabledMessage } from '../common/errors.js';
import { describeConnectFailure, formatTarget } from '../common/network-errors.js';
import type { AcquisitionPoint, BrowseNode, Driver, DriverContext, DriverStats, LongOperationOptions, RawSample } from '../types.js';
import { formatBacnetAddress, objectKey, objectTypeName, PRESENT_VALUE, type BacnetAddress } from './address.js';
import {
  DEVICE_TYPE,
  PROP,
  readBatch,
  readDeviceInfo,
  readOneByOne,
  resultKey,
  rpmUnsupported,
  segmentationNames,
  tooLong,
  transmitsSegmented,
  type DeviceInfo,
  type ReadResults,
} from './device.js';
import { bacnetEndpoint } from './endpoint.js';
import { encodedSize, packBatches, splitBatch, type Batch, type ObjectRead, type PackLimits, type PropertyRef } from './plan.js';
import { BacnetRequestError, BacnetSession, receiverFor, statusForError } from './session.js';
import type { BacnetSettings } from './settings.js';
import { unitSymbol } from './units.js';
import { decodeStatusFlags, qualityFor, reliabilityText, statusFlagsText, toValue, type AppValue, type StatusFlags } from './values.js';

export const WRITES_DISABLED_MESSAGE = writesDisabledMessage('BACnet');

/** Object types whose present-value is commandable (priority array) by the standard. */
const COMMANDABLE = new Set([1, 4, 14]);
/** Value objects are commandable when the device says so: their priority array is read too. */
const MAYBE_COMMANDABLE = new Set([2, 5, 19, 45, 48, 46, 54, 55]);
const ANALOG = new Set([0, 1, 2]);
const BINARY = new Set([3, 4, 5]);
const MULTI_STATE = new Set([13, 14, 19]);
const CONFIRMED_COV_NOTIFICATION = 1;
const LIVENESS_MS = 10_000;

export interface BacnetDriverStats extends DriverStats {
  /** Points delivered by COV notifications / by polling. */
  covPoints: number;
  polledPoints: number;
  notifications: number;
  /** Why COV fell back to polling, per object (e.g. "resources: no-space-to-add-list-element"). */
  covFallbacks: Record<string, string>;
  /** RPM requests sent by polling, and the points they carried. */
  rpmRequests: number;
  rpmPoints: number;
}

export interface BacnetDriver extends Driver<BacnetAddress> {
  /** What connect() learned about the device. */
  deviceInfo(): DeviceInfo | undefined;
  stats(): BacnetDriverStats;
}

interface PollPoint {
  index: number;
  address: BacnetAddress;
}

interface GroupState {
  id: string;
  intervalMs: number;
  points: PollPoint[];
  batches?: Batch[];
}

interface Subscription {
  processId: number;
  objectType: number;
  instance: number;
  points: Array<{ index: number; pollGroupId: string }>;
}

/** Reads a point needs: present-value comes with status-flags (for quality). */
function readsFor(address: BacnetAddress): PropertyRef[] {
  const p: PropertyRef = { id: address.property };
  if (address.index !== undefined) p.index = address.index;
  if (address.property === PRESENT_VALUE && address.index === undefined) return [p, { id: PROP.statusFlags }];
  return [p];
}

/** Groups point reads by object, without duplicates, in first-seen order. */
function objectReads(points: ReadonlyArray<PollPoint>): ObjectRead[] {
  const byObject = new Map<string, ObjectRead>();
  for (const point of points) {
    const key = objectKey(point.address.objectType, point.address.instance);
    let read = byObject.get(key);
    if (read === undefined) {
      read = { objectType: point.address.objectType, instance: point.address.instance, properties: [] };
      byObject.set(key, read);
    }
    for (const p of readsFor(point.address)) {
      if (!read.properties.some((q) => q.id === p.id && q.index === p.index)) read.properties.push(p);
    }
  }
  return [...byObject.values()];
}

class BacnetDriverImpl implements BacnetDriver {
  private session: BacnetSession | undefined;
  private receiver: BACNetAddress;
  private device: DeviceInfo | undefined;
  private limits: PackLimits = { maxRequest: 480, maxResponse: 480, variableValueBound: 64 };
  private scheduler: PollScheduler | undefined;
  private groups: GroupState[] = [];
  private subscriptions = new Map<number, Subscription>();
  private nextProcessId = 1;
  private covRenewTimer: ReturnType<typeof setInterval> | undefined;
  private livenessTimer: ReturnType<typeof setInterval> | undefined;
  private fdTimer: ReturnType<typeof setInterval> | undefined;
  /** Bumped by every (re)start and stop: late answers of an older generation are dropped. */
  private generation = 0;
  private lost = false;
  private readonly reliability = new Map<string, number>();
  private readonly fallbacks: Record<string, string> = {};
  private notifications = 0;
  private rpmRequests = 0;
  private rpmPoints = 0;

  constructor(
    private readonly settings: BacnetSettings,
    private readonly context: DriverContext,
  ) {
    this.receiver = receiverFor(settings.host, settings.port, settings.network === undefined ? undefined : { network: settings.network, mac: settings.mac as string });
  }

  deviceInfo(): DeviceInfo | undefined {
    return this.device;
  }

  async connect(signal: AbortSignal): Promise<void> {
    await this.disconnect();
    this.lost = false;
    const endpoint = bacnetEndpoint(this.settings);
    let session: BacnetSession;
    try {
      session = await BacnetSession.open(
        { bindAddress: this.settings.bindAddress, bindPort: this.settings.bindPort, timeoutMs: this.settings.timeoutMs, retries: this.settings.retries, log: this.context.log },
        signal,
      );
    } catch (error) {
      throw new Error(`cannot open BACnet/IP on ${this.settings.bindAddress}:${this.settings.bindPort}: ${statusForError(error)}`);
    }
    try {
      if (this.settings.bbmd !== undefined) await this.registerForeignDevice(session);
      signal.throwIfAborted();
      const info = await readDeviceInfo(session, this.receiver, this.settings.deviceInstance, {}, signal);
      this.device = info;
      const deviceMax = this.settings.maxApdu ?? info.maxApdu;
      this.limits = { maxRequest: deviceMax, maxResponse: Math.min(deviceMax, 1476), variableValueBound: 64 };
    } catch (error) {
      session.close();
      this.clearTimers();
      const target = formatTarget(this.settings.host, this.settings.port);
      throw new Error(
        error instanceof BacnetRequestError && error.kind === 'timeout'
          ? `device ${this.settings.deviceInstance} does not answer at ${target} (${StatusText.noResponse}): check the address, port, device instance and that the device is reachable`
          : describeConnectFailure(error, target, statusForError),
      );
    }
    session.client.on('covNotify', (content) => {
      // Confirmed notifications are acknowledged whether or not we still want them.
      const header = content.header;
      if (header?.sender !== undefined && content.invokeId !== undefined) {
        session.client.simpleAckResponse(header.sender, CONFIRMED_COV_NOTIFICATION, content.invokeId);
      }
      this.onNotification(content.payload);
    });
    session.client.on('covNotifyUnconfirmed', (content) => this.onNotification(content.payload));
    this.session = session;
    this.context.log.debug('connected', { endpoint, device: this.device?.name, maxApdu: this.limits.maxResponse });
  }

  private async registerForeignDevice(session: BacnetSession): Promise<void> {
    const bbmd = this.settings.bbmd as NonNullable<BacnetSettings['bbmd']>;
    const target = { address: bbmd.port === 47808 ? bbmd.host : `${bbmd.host}:${bbmd.port}` };
    const register = async () => {
      try {
        await session.client.registerForeignDevice(target, bbmd.ttlS);
      } catch (error) {
        const text = statusForError(error);
        throw new Error(`foreign-device registration with BBMD ${bbmd.host}:${bbmd.port} failed: ${text === 'ERR_TIMEOUT' ? StatusText.noResponse : text}`);
      }
    };
    await register();
    // Renew well before the TTL ends (the BBMD adds a 30 s grace period; we do not rely on it).
    const everyMs = Math.max(10_000, Math.floor(bbmd.ttlS * 1000 * 0.7));
    this.fdTimer = setInterval(() => {
      register().catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    }, everyMs);
  }

  private fail(reason: Error): void {
    if (this.lost || this.session === undefined) return;
    this.lost = true;
    this.stopAcquisition();
    this.context.connectionLost(reason);
  }

  startAcquisition(points: ReadonlyArray<AcquisitionPoint<BacnetAddress>>): void {
    this.stopAcquisition();
    const generation = ++this.generation;
    const covCandidates: AcquisitionPoint<BacnetAddress>[] = [];
    const byGroup = new Map<string, GroupState>();
    const groupOf = (p: AcquisitionPoint<BacnetAddress>): GroupState => {
      let group = byGroup.get(p.pollGroupId);
      if (group === undefined) {
        group = { id: p.pollGroupId, intervalMs: p.intervalMs, points: [] };
        byGroup.set(p.pollGroupId, group);
      }
      return group;
    };
    const covRefused = this.settings.cov === 'auto' && this.device?.subscribeCov === false;
    for (const p of points) {
      groupOf(p);
      const onPresentValue = p.address.property === PRESENT_VALUE && p.address.index === undefined;
      if (this.settings.cov === 'auto' && !covRefused && onPresentValue) {
        covCandidates.push(p);
        continue;
      }
      if (covRefused && onPresentValue) this.fallbacks[objectKey(p.address.objectType, p.address.instance)] = 'SubscribeCOV is not in the device\'s protocol-services-supported';
      groupOf(p).points.push({ index: p.index, address: p.address });
    }
    this.groups = [...byGroup.values()];
    this.startPolling();
    if (covCandidates.length > 0) void this.startCov(covCandidates, generation);
    this.livenessTimer = setInterval(() => void this.checkLiveness(generation), Math.max(LIVENESS_MS, this.settings.timeoutMs * 2));
  }

  private startPolling(): void {
    this.scheduler?.stop();
    const active = this.groups.filter((g) => g.points.length > 0);
    for (const g of active) g.batches = undefined;
    const scheduler = createPollScheduler(
      active.map((group) => ({ id: group.id, intervalMs: group.intervalMs, run: (signal: AbortSignal) => this.pollCycle(group, signal) })),
      { onError: (groupId, error) => this.context.log.warn('poll cycle failed', { groupId, error: statusForError(error) }) },
    );
    this.scheduler = scheduler;
    scheduler.start();
  }

  /** A device that answers nothing for a while is gone, even when only COV points are active. */
  private async checkLiveness(generation: number): Promise<void> {
    const session = this.session;
    if (session === undefined || generation !== this.generation) return;
    try {
      await session.request((client, invokeId) => client.readProperty(this.receiver, { type: DEVICE_TYPE, instance: this.settings.deviceInstance }, PROP.systemStatus, { invokeId }));
    } catch (error) {
      if (generation === this.generation && error instanceof BacnetRequestError && error.kind === 'timeout') {
        this.fail(new Error(`${bacnetEndpoint(this.settings)}: device does not answer (${StatusText.noResponse})`));
      }
    }
  }

  stopAcquisition(): void {
    this.generation++;
    this.scheduler?.stop();
    this.scheduler = undefined;
    if (this.covRenewTimer !== undefined) clearInterval(this.covRenewTimer);
    if (this.livenessTimer !== undefined) clearInterval(this.livenessTimer);
    this.covRenewTimer = undefined;
    this.livenessTimer = undefined;
    const session = this.session;
    const subscriptions = [...this.subscriptions.values()];
    this.subscriptions.clear();
    if (session !== undefined && !this.lost) {
      // Best effort: free the device's subscription table now rather than at lifetime end.
      for (const s of subscriptions) {
        session
          .request((client, invokeId) => client.subscribeCov(this.receiver, { type: s.objectType, instance: s.instance }, s.processId, true, false, 0, { invokeId }))
          .catch(() => undefined);
      }
    }
  }

  // ---------------------------------------------------------------- polling

  private async pollCycle(group: GroupState, signal: AbortSignal): Promise<void> {
    const session = this.session;
    if (session === undefined) return;
    const generation = this.generation;
    group.batches ??= packBatches(objectReads(group.points), this.limits);
    const results: ReadResults = new Map();
    const failed = new Map<string, string>();
    let timeouts = 0;
    let attempts = 0;
    for (const batch of group.batches) {
      if (signal.aborted) return;
      attempts++;
      const outcome = await this.readWithSplit(session, batch, results, failed, signal);
      if (outcome === 'timeout') timeouts++;
    }
    if (signal.aborted || generation !== this.generation) return;
    if (attempts > 0 && timeouts === attempts) {
      this.fail(new Error(`${bacnetEndpoint(this.settings)}: device does not answer (${StatusText.noResponse})`));
      return;
    }
    await this.fetchReliability(session, group.points, results, signal);
    if (signal.aborted || generation !== this.generation) return;
    const receiveTs = this.context.now();
    const samples = group.points.map((p) => this.sampleFor(p, results, failed, receiveTs));
    this.context.emit(samples);
  }

  /**
   * One batch: RPM, split in halves when the answer does not fit (and shrink the estimate of
   * variable values so the next plan fits), ReadProperty one by one when RPM is refused.
   * Failures of the whole request are recorded per object in `failed`.
   */
  private async readWithSplit(session: BacnetSession, batch: Batch, results: ReadResults, failed: Map<string, string>, signal: AbortSignal): Promise<'ok' | 'timeout' | 'failed'> {
    if (this.device?.readPropertyMultiple === false) {
      try {
        await readOneByOne(session, this.receiver, batch.objects, results, signal);
        return 'ok';
      } catch (error) {
        return this.recordFailure(batch, error, failed);
      }
    }
    try {
      this.rpmRequests++;
      this.rpmPoints += batch.objects.length;
      await readBatch(session, this.receiver, batch, results);
      return 'ok';
    } catch (error) {
      if (signal.aborted) return 'failed';
      if (rpmUnsupported(error) && this.device !== undefined) {
        this.context.log.info('device refuses ReadPropertyMultiple; reading property by property', { error: statusForError(error) });
        this.device.readPropertyMultiple = false;
        return this.readWithSplit(session, batch, results, failed, signal);
      }
      if (tooLong(error)) {
        const halves = splitBatch(batch, this.limits);
        if (halves !== undefined) {
          // Variable-size values were bigger than assumed: plan more conservatively from now on.
          this.limits = { ...this.limits, variableValueBound: Math.min(this.limits.maxResponse, this.limits.variableValueBound * 2) };
          for (const g of this.groups) g.batches = undefined;
          const a = await this.readWithSplit(session, halves[0], results, failed, signal);
          const b = await this.readWithSplit(session, halves[1], results, failed, signal);
          return a === 'timeout' && b === 'timeout' ? 'timeout' : 'ok';
        }
      }
      return this.recordFailure(batch, error, failed);
    }
  }

  private recordFailure(batch: Batch, error: unknown, failed: Map<string, string>): 'timeout' | 'failed' {
    const status = statusForError(error);
    for (const o of batch.objects) for (const p of o.properties) failed.set(resultKey(o.objectType, o.instance, p.id, p.index), status);
    return error instanceof BacnetRequestError && error.kind === 'timeout' ? 'timeout' : 'failed';
  }

  /** Objects whose status says fault: read their reliability (one small RPM) for the reason. */
  private async fetchReliability(session: BacnetSession, points: ReadonlyArray<PollPoint>, results: ReadResults, signal: AbortSignal): Promise<void> {
    const faulted: ObjectRead[] = [];
    const seen = new Set<string>();
    for (const p of points) {
      const { objectType, instance } = p.address;
      const key = objectKey(objectType, instance);
      if (seen.has(key)) continue;
      const flags = decodeStatusFlags(results.get(resultKey(objectType, instance, PROP.statusFlags))?.values);
      if (flags === undefined) continue;
      seen.add(key);
      if (flags.fault) faulted.push({ objectType, instance, properties: [{ id: PROP.reliability }] });
      else this.reliability.delete(key);
    }
    if (faulted.length === 0) return;
    const extra: ReadResults = new Map();
    for (const batch of packBatches(faulted, this.limits)) {
      if (signal.aborted) return;
      try {
        if (this.device?.readPropertyMultiple === false) await readOneByOne(session, this.receiver, batch.objects, extra, signal);
        else await readBatch(session, this.receiver, batch, extra);
      } catch {
        // the reason stays "fault"; the value and flags are still delivered
      }
    }
    for (const o of faulted) {
      const r = extra.get(resultKey(o.objectType, o.instance, PROP.reliability))?.values?.[0];
      if (typeof r?.value === 'number') this.reliability.set(objectKey(o.objectType, o.instance), r.value);
    }
  }

  private sampleFor(point: PollPoint, results: ReadResults, failed: Map<string, string>, receiveTs: number): RawSample {
    const { objectType, instance, property, index } = point.address;
    const key = resultKey(objectType, instance, property, index);
    const failure = failed.get(key);
    if (failure !== undefined) return { point: point.index, receiveTs, quality: 'bad', status: failure };
    const result = results.get(key);
    if (result === undefined) return { point: point.index, receiveTs, quality: 'bad', status: 'property missing from the answer' };
    if (result.error !== undefined) return { point: point.index, receiveTs, quality: 'bad', status: result.error };
    const value = toValue(result.values ?? [], objectType, property);
    if (property !== PRESENT_VALUE || index !== undefined) return { point: point.index, raw: { kind: 'value', value }, receiveTs, quality: 'good' };
    const flags = decodeStatusFlags(results.get(resultKey(objectType, instance, PROP.statusFlags))?.values);
    return this.withQuality(point.index, value, flags, receiveTs, objectType, instance);
  }

  private withQuality(pointIndex: number, value: Value, flags: StatusFlags | undefined, receiveTs: number, objectType: number, instance: number): RawSample {
    const reliability = flags?.fault === true ? this.reliability.get(objectKey(objectType, instance)) : undefined;
    const { quality, status } = qualityFor(flags, reliability);
    const sample: RawSample = { point: pointIndex, raw: { kind: 'value', value }, receiveTs, quality };
    if (status !== undefined) sample.status = status;
    return sample;
  }

  // ---------------------------------------------------------------- COV

  private async startCov(candidates: ReadonlyArray<AcquisitionPoint<BacnetAddress>>, generation: number): Promise<void> {
    const session = this.session;
    if (session === undefined) return;
    const byObject = new Map<string, { objectType: number; instance: number; points: AcquisitionPoint<BacnetAddress>[] }>();
    for (const p of candidates) {
      const key = objectKey(p.address.objectType, p.address.instance);
      const entry = byObject.get(key) ?? { objectType: p.address.objectType, instance: p.address.instance, points: [] };
      entry.points.push(p);
      byObject.set(key, entry);
    }
    const fallback: AcquisitionPoint<BacnetAddress>[] = [];
    let tableFull = false;
    for (const [key, entry] of byObject) {
      if (generation !== this.generation) return;
      if (tableFull) {
        fallback.push(...entry.points);
        this.fallbacks[key] = this.fallbacks[key] ?? 'subscription table full';
        continue;
      }
      const processId = this.nextProcessId++;
      try {
        await this.subscribe(session, entry.objectType, entry.instance, processId);
        this.subscriptions.set(processId, { processId, objectType: entry.objectType, instance: entry.instance, points: entry.points.map((p) => ({ index: p.index, pollGroupId: p.pollGroupId })) });
        delete this.fallbacks[key];
      } catch (error) {
        if (generation !== this.generation) return;
        if (error instanceof BacnetRequestError && error.kind === 'timeout') {
          this.fail(new Error(`${bacnetEndpoint(this.settings)}: device does not answer (${StatusText.noResponse})`));
          return;
        }
        const reason = statusForError(error);
        this.fallbacks[key] = reason;
        fallback.push(...entry.points);
        // Resources errors mean the table is full: don't ask again for every other object.
        if (error instanceof BacnetRequestError && error.kind === 'error' && error.detail.errorClass === 3) tableFull = true;
        if (error instanceof BacnetRequestError && error.kind === 'reject') tableFull = true;
      }
    }
    if (generation !== this.generation) return;
    if (fallback.length > 0) {
      this.context.log.info('COV refused for some objects; polling them', { objects: Object.keys(this.fallbacks).length, reason: Object.values(this.fallbacks)[0] });
      const groups = new Map(this.groups.map((g) => [g.id, g]));
      for (const p of fallback) groups.get(p.pollGroupId)?.points.push({ index: p.index, address: p.address });
      this.startPolling();
    }
    if (this.subscriptions.size > 0) {
      // Initial values now, even from devices that send no notification on subscribe.
      void this.readCovPointsOnce(session, generation);
      const renewMs = Math.floor((this.settings.covLifetimeS * 1000 * 2) / 3);
      this.covRenewTimer = setInterval(() => void this.renewCov(generation), renewMs);
    }
  }

  private subscribe(session: BacnetSession, objectType: number, instance: number, processId: number): Promise<void> {
    const confirmed = this.settings.covConfirmed === 'confirmed';
    return session.request((client, invokeId) =>
      client.subscribeCov(this.receiver, { type: objectType, instance }, processId, false, confirmed, this.settings.covLifetimeS, { invokeId }),
    );
  }

  private async renewCov(generation: number): Promise<void> {
    const session = this.session;
    if (session === undefined || generation !== this.generation) return;
    const dropped: Subscription[] = [];
    for (const s of [...this.subscriptions.values()]) {
      if (generation !== this.generation) return;
      try {
        await this.subscribe(session, s.objectType, s.instance, s.processId);
      } catch (error) {
        if (generation !== this.generation) return;
        if (error instanceof BacnetRequestError && error.kind === 'timeout') {
          this.fail(new Error(`${bacnetEndpoint(this.settings)}: device does not answer COV renewal (${StatusText.noResponse})`));
          return;
        }
        this.fallbacks[objectKey(s.objectType, s.instance)] = `renewal refused: ${statusForError(error)}`;
        this.subscriptions.delete(s.processId);
        dropped.push(s);
      }
    }
    if (dropped.length > 0 && generation === this.generation) {
      let count = 0;
      for (const s of dropped) {
        for (const p of s.points) {
          const group = this.groups.find((g) => g.id === p.pollGroupId) ?? this.groups[0];
          group?.points.push({ index: p.index, address: { objectType: s.objectType, instance: s.instance, property: PRESENT_VALUE } });
          count++;
        }
      }
      this.context.log.info('COV renewal refused; polling instead', { points: count });
      this.startPolling();
    }
  }

  private async readCovPointsOnce(session: BacnetSession, generation: number): Promise<void> {
    const points: PollPoint[] = [];
    for (const s of this.subscriptions.values()) for (const { index } of s.points) points.push({ index, address: { objectType: s.objectType, instance: s.instance, property: PRESENT_VALUE } });
    const results: ReadResults = new Map();
    const failed = new Map<string, string>();
    const signal = new AbortController().signal;
    for (const batch of packBatches(objectReads(points), this.limits)) {
      if (generation !== this.generation) return;
      await this.readWithSplit(session, batch, results, failed, signal);
    }
    if (generation !== this.generation) return;
    const receiveTs = this.context.now();
    this.context.emit(points.map((p) => this.sampleFor(p, results, failed, receiveTs)));
  }

  private onNotification(payload: { subscriberProcessId: number; monitoredObjectId: { type: number; instance: number }; values: Array<{ property: { id: number }; value: unknown[] }> } | undefined): void {
    if (payload === undefined) return;
    const s = this.subscriptions.get(payload.subscriberProcessId);
    if (s === undefined || s.objectType !== payload.monitoredObjectId.type || s.instance !== payload.monitoredObjectId.instance) return;
    const pv = payload.values.find((v) => v.property.id === PRESENT_VALUE);
    if (pv === undefined) return;
    this.notifications++;
    const flags = decodeStatusFlags(payload.values.find((v) => v.property.id === PROP.statusFlags)?.value as AppValue[] | undefined);
    const value = toValue(pv.value as AppValue[], s.objectType, PRESENT_VALUE);
    const receiveTs = this.context.now();
    const samples = s.points.map((p) => this.withQuality(p.index, value, flags, receiveTs, s.objectType, s.instance));
    this.context.emit(samples);
    if (flags?.fault === true && !this.reliability.has(objectKey(s.objectType, s.instance))) void this.refreshFault(s, value, flags);
  }

  /** A COV notification said fault: fetch the reliability once and re-deliver with the reason. */
  private async refreshFault(s: Subscription, value: Value, flags: StatusFlags): Promise<void> {
    const session = this.session;
    const generation = this.generation;
    if (session === undefined) return;
    try {
      const answer = await session.request((client, invokeId) => client.readProperty(this.receiver, { type: s.objectType, instance: s.instance }, PROP.reliability, { invokeId }));
      const r = (answer.values[0] as AppValue | undefined)?.value;
      if (typeof r !== 'number' || generation !== this.generation) return;
      this.reliability.set(objectKey(s.objectType, s.instance), r);
      const receiveTs = this.context.now();
      this.context.emit(s.points.map((p) => this.withQuality(p.index, value, flags, receiveTs, s.objectType, s.instance)));
    } catch {
      // reason stays "fault"
    }
  }

  // ---------------------------------------------------------------- write

  async write(address: BacnetAddress, value: Value): Promise<void> {
    assertWritesEnabled(this.settings, 'BACnet');
    const session = this.session;
    const text = formatBacnetAddress(address);
    if (session === undefined) throw new Error(`write ${text} failed: ${StatusText.noConnection}`);
    const appValue = encodeForWrite(address, value);
    const options: { invokeId: number; priority?: number; arrayIndex?: number } = { invokeId: 0 };
    if (address.property === PRESENT_VALUE) options.priority = this.settings.writePriority;
    if (address.index !== undefined) options.arrayIndex = address.index;
    try {
      await session.request((client, invokeId) =>
        client.writeProperty(this.receiver, { type: address.objectType, instance: address.instance }, address.property, [appValue], { ...options, invokeId }),
      );
    } catch (error) {
      throw new Error(`write ${text} failed: ${statusForError(error)}`);
    }
  }

  // ---------------------------------------------------------------- browse

  async browse(ref: string | undefined, options: LongOperationOptions): Promise<BrowseNode[]> {
    const session = this.session;
    if (session === undefined) throw new Error(`browse: ${StatusText.noConnection}`);
    if (ref !== undefined) return [];
    const objects = await this.readObjectList(session, options);
    return this.describeObjects(session, objects, options);
  }

  /** The object list: whole (segmented) when the device can, index by index otherwise. */
  async readObjectList(session: BacnetSession, options: LongOperationOptions): Promise<Array<{ type: number; instance: number }>> {
    const device = { type: DEVICE_TYPE, instance: this.settings.deviceInstance };
    const { signal, onProgress } = options;
    const canSegment = this.settings.segmentation === 'auto' && transmitsSegmented(this.device?.segmentation ?? 3);
    if (canSegment) {
      onProgress?.({ done: 0, message: 'reading the object list (segmented)' });
      try {
        const answer = await session.request((client, invokeId) => client.readProperty(this.receiver, device, PROP.objectList, { invokeId }));
        const list = (answer.values as unknown as AppValue[]).map((v) => v.value as { type: number; instance: number });
        onProgress?.({ done: list.length, total: list.length, message: `object list: ${list.length} objects` });
        return list;
      } catch (error) {
        if (!tooLong(error)) throw new Error(`reading the object list failed: ${statusForError(error)}`);
        this.context.log.info('object list too long for one answer; reading it by index', { error: statusForError(error) });
      }
    }
    signal.throwIfAborted();
    const countAnswer = await session
      .request((client, invokeId) => client.readProperty(this.receiver, device, PROP.objectList, { invokeId, arrayIndex: 0 }))
      .catch((error: unknown) => {
        throw new Error(`reading the object list length failed: ${statusForError(error)}`);
      });
    const total = Number((countAnswer.values[0] as AppValue | undefined)?.value ?? 0);
    const indexReads: ObjectRead[] = [{ objectType: DEVICE_TYPE, instance: this.settings.deviceInstance, properties: Array.from({ length: total }, (_, i) => ({ id: PROP.objectList, index: i + 1 })) }];
    const results: ReadResults = new Map();
    let done = 0;
    onProgress?.({ done, total, message: `object list: 0 of ${total}` });
    for (const batch of packBatches(indexReads, this.limits)) {
      signal.throwIfAborted();
      const failed = new Map<string, string>();
      await this.readWithSplit(session, batch, results, failed, signal);
      const first = failed.values().next();
      if (first.done !== true) throw new Error(`reading the object list failed: ${first.value}`);
      done += batch.objects.reduce((n, o) => n + o.properties.length, 0);
      onProgress?.({ done, total, message: `object list: ${done} of ${total}` });
    }
    const list: Array<{ type: number; instance: number }> = [];
    for (let i = 1; i <= total; i++) {
      const v = results.get(resultKey(DEVICE_TYPE, this.settings.deviceInstance, PROP.objectList, i))?.values?.[0];
      if (v !== undefined) list.push(v.value as { type: number; instance: number });
    }
    return list;
  }

  private async describeObjects(session: BacnetSession, objects: ReadonlyArray<{ type: number; instance: number }>, options: LongOperationOptions): Promise<BrowseNode[]> {
    const { signal, onProgress } = options;
    const reads: ObjectRead[] = objects.map((o) => {
      const props: number[] = [PROP.objectName, PROP.description];
      if (o.type !== DEVICE_TYPE) props.push(PROP.presentValue, PROP.statusFlags, PROP.reliability, PROP.outOfService);
      if (ANALOG.has(o.type)) props.push(PROP.units);
      if (COMMANDABLE.has(o.type) || MAYBE_COMMANDABLE.has(o.type)) props.push(PROP.priorityArray);
      return { objectType: o.type, instance: o.instance, properties: props.map((id) => ({ id })) };
    });
    // Names, descriptions and priority arrays vary in size: start with a modest bound, then
    // learn each property's largest size from the answers and repack what is left (an answer
    // that still overflows is split). Devices tend to name their objects alike.
    const learned = new Map<number, number>();
    const results: ReadResults = new Map();
    const failed = new Map<string, string>();
    const described = new Set<string>();
    let remaining = reads;
    while (remaining.length > 0) {
      signal.throwIfAborted();
      const limits: PackLimits = { ...this.limits, variableValueBound: Math.max(this.limits.variableValueBound, 40), valueBounds: learned };
      // Only the next request is packed (from a window: an answer holds far fewer objects).
      const [batch] = packBatches(remaining.slice(0, 256), limits) as [Batch];
      const outcome = await this.readWithSplit(session, batch, results, failed, signal);
      if (outcome === 'timeout') throw new Error(`browse: device stopped answering (${StatusText.noResponse})`);
      const sent = new Map<string, number>();
      for (const o of batch.objects) {
        const key = objectKey(o.objectType, o.instance);
        described.add(key);
        sent.set(key, (sent.get(key) ?? 0) + o.properties.length);
        for (const p of o.properties) {
          const values = results.get(resultKey(o.objectType, o.instance, p.id, p.index))?.values;
          if (values !== undefined) learned.set(p.id, Math.max(learned.get(p.id) ?? 0, encodedSize(values) + 4));
        }
      }
      // The batch took a prefix of `remaining` (whole objects, and maybe part of the last one).
      let cut = 0;
      while (cut < remaining.length && (sent.get(objectKey((remaining[cut] as ObjectRead).objectType, (remaining[cut] as ObjectRead).instance)) ?? -1) >= (remaining[cut] as ObjectRead).properties.length) cut++;
      const partial = remaining[cut];
      const partialDone = partial === undefined ? undefined : sent.get(objectKey(partial.objectType, partial.instance));
      remaining = partial !== undefined && partialDone !== undefined ? [{ ...partial, properties: partial.properties.slice(partialDone) }, ...remaining.slice(cut + 1)] : remaining.slice(cut);
      onProgress?.({ done: described.size - remaining.length, total: reads.length, message: `object details: ${described.size - remaining.length} of ${reads.length}` });
    }
    return objects.map((o) => this.nodeFor(o, results));
  }

  private nodeFor(o: { type: number; instance: number }, results: ReadResults): BrowseNode {
    const get = (property: number) => results.get(resultKey(o.type, o.instance, property));
    const valueOf = (property: number): Value | undefined => {
      const r = get(property);
      return r?.values === undefined ? undefined : toValue(r.values, o.type, property);
    };
    const typeName = objectTypeName(o.type);
    const address = formatBacnetAddress({ objectType: o.type, instance: o.instance, property: PRESENT_VALUE });
    const name = String(valueOf(PROP.objectName) ?? address);
    const description = valueOf(PROP.description);
    const attributes: Record<string, string> = { Type: typeName, Instance: String(o.instance) };
    if (typeof description === 'string' && description !== '') attributes.Description = description;
    const unitsValue = get(PROP.units)?.values?.[0]?.value;
    const unit = typeof unitsValue === 'number' ? unitSymbol(unitsValue) : undefined;
    if (unit !== undefined) attributes.Units = unit === '' ? '(no units)' : unit;
    const pv = get(PROP.presentValue);
    const isPoint = o.type !== DEVICE_TYPE && pv?.values !== undefined;
    if (isPoint) attributes['Present value'] = String(valueOf(PROP.presentValue));
    const flags = decodeStatusFlags(get(PROP.statusFlags)?.values);
    if (flags !== undefined) attributes['Status flags'] = statusFlagsText(flags);
    const reliability = get(PROP.reliability)?.values?.[0]?.value;
    if (typeof reliability === 'number') attributes.Reliability = reliabilityText(reliability);
    const oos = valueOf(PROP.outOfService);
    if (typeof oos === 'boolean') attributes['Out of service'] = oos ? 'yes' : 'no';
    const priority = get(PROP.priorityArray)?.values;
    if (priority !== undefined && priority.length > 0) {
      const slots = priority.map((v, i) => ({ level: i + 1, v })).filter((s) => s.v.type !== 0);
      attributes['Priority array'] = slots.length === 0 ? 'all relinquished' : slots.map((s) => `${s.level}: ${String(toValue([s.v], o.type, PRESENT_VALUE))}`).join(', ');
      attributes.Commandable = 'yes';
    } else if (COMMANDABLE.has(o.type) || MAYBE_COMMANDABLE.has(o.type)) {
      attributes.Commandable = 'no';
    }
    if (o.type === DEVICE_TYPE && this.device !== undefined) {
      attributes.Vendor = this.device.vendorName;
      attributes.Model = this.device.model;
      attributes.Firmware = this.device.firmware;
      attributes['Max APDU'] = String(this.device.maxApdu);
      attributes.Segmentation = segmentationNames[this.device.segmentation] ?? String(this.device.segmentation);
    }
    if (pv?.error !== undefined && o.type !== DEVICE_TYPE) attributes['Present value'] = pv.error;
    const node: BrowseNode = { ref: address, name, kind: isPoint ? 'point' : 'object', hasChildren: false, attributes };
    if (isPoint) {
      node.address = address;
      node.suggestion = { name };
      if (unit !== undefined && unit !== '') node.suggestion.unit = unit;
      if (typeof description === 'string' && description !== '') node.suggestion.description = description;
    }
    return node;
  }

  // ---------------------------------------------------------------- lifecycle

  private clearTimers(): void {
    if (this.fdTimer !== undefined) clearInterval(this.fdTimer);
    this.fdTimer = undefined;
  }

  async disconnect(): Promise<void> {
    this.stopAcquisition();
    this.clearTimers();
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) {
      // Let queued COV cancellations go out (bounded: they are best effort).
      await Promise.race([session.request(() => Promise.resolve()), new Promise((resolve) => setTimeout(resolve, 500))]);
      session.close();
    }
  }

  stats(): BacnetDriverStats {
    const session = this.session;
    let covPoints = 0;
    for (const s of this.subscriptions.values()) covPoints += s.points.length;
    return {
      requests: session?.requests ?? 0,
      failures: session?.failures ?? 0,
      covPoints,
      polledPoints: this.groups.reduce((n, g) => n + g.points.length, 0),
      notifications: this.notifications,
      covFallbacks: { ...this.fallbacks },
      rpmRequests: this.rpmRequests,
      rpmPoints: this.rpmPoints,
    };
  }
}

/** The application value to write: typed by the object (REAL, ENUMERATED, Unsigned); null relinquishes. */
export function encodeForWrite(address: BacnetAddress, value: Value): { type: number; value: unknown } {
  const text = formatBacnetAddress(address);
  if (value === null) return { type: 0, value: null };
  if (address.property === PRESENT_VALUE || address.property === 104) {
    if (ANALOG.has(address.objectType)) {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) throw new Error(`${text}: an analog value takes a number, got ${JSON.stringify(value)}`);
      return { type: 4, value: n };
    }
    if (BINARY.has(address.objectType)) {
      const state = value === true || value === 1 || value === 'active' ? 1 : value === false || value === 0 || value === 'inactive' ? 0 : undefined;
      if (state === undefined) throw new Error(`${text}: a binary value takes true/false (active/inactive), got ${JSON.stringify(value)}`);
      return { type: 9, value: state };
    }
    if (MULTI_STATE.has(address.objectType)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${text}: a multi-state value takes a state number ≥ 1, got ${JSON.stringify(value)}`);
      return { type: 2, value: n };
    }
  }
  if (typeof value === 'boolean') return { type: 1, value };
  if (typeof value === 'string') return { type: 7, value };
  return { type: 4, value };
}

/** Called by the definition's lazy `create` once @bacnet-js/client is loaded. */
export function createBacnetDriver(settings: BacnetSettings, context: DriverContext): BacnetDriver {
  return new BacnetDriverImpl(settings, context);
}

export { bacnetDriver, bacnetDecodeSpec } from './definition.js';
export type { BacnetDriverDefinition } from './definition.js';
