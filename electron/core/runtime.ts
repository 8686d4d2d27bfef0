import type { EventName, PayloadOf } from '../../shared/api/contract.js';
import { ApiFailure, type ApiHandlers } from '../../shared/api/router.js';
import { applyTagChanges } from '../../shared/mapping/profiles.js';
import type { ApplyResult, BrowsedNode, DeviceStatus, DiscoveredDevice, TagInfo } from '../../shared/api/types.js';
import { type Device, type Project, type Tag, TagSchema, issuesFromZod } from '../../shared/project.js';
import type { Reading } from '../../shared/reading.js';
import { StatusText } from '../../shared/reading.js';
import { UntrustedCertificateError, WritesDisabledError } from './drivers/common/errors.js';
import { createSharedBusRegistry } from './drivers/common/modbus/bus-registry.js';
import { createDriverRegistry, type DriverRegistry } from './drivers/registry.js';
import type { AcquisitionPoint, TrustStore } from './drivers/types.js';
import type { Logger } from './log.js';
import { createMappingHandlers } from './mapping/handlers.js';
import { scanRunningDevice } from './modbus-scan/scan.js';
import { type NormalizedPoint, compileNormalizer } from './normalizer/normalizer.js';
import { compileTimeDecoder } from './normalizer/time-point.js';
import { Operations } from './operations.js';
import { LiveFeed } from './pipeline/live-feed.js';
import { Pipeline, type ReadingSink } from './pipeline/pipeline.js';
import { writeProjectAtomically } from './project/save.js';
import { tagInfosOf } from './project/tag-info.js';
import { type CompiledDevice, type CompiledProject, validateProject } from './project/validate.js';
import { Store } from './store/store.js';
import { planCapacity } from '../../shared/capacity/plan.js';
import { DeviceSupervisor } from './supervisor/supervisor.js';

/**
 * The core, assembled: project -> supervised drivers -> normalizer -> pipeline ->
 * { store, live feed }. Hosts (gateway, Electron) get request handlers and events from
 * here and never reach inside. Project edits go through one path (`apply`): validate
 * the whole document, restart only the devices whose block changed, save the file.
 */
export interface RuntimeOptions {
  compiled: CompiledProject;
  dbPath: string;
  /** Per-installation state (certificates); see core/data-dir.ts. */
  dataDir: string;
  /** Where edits are saved; undefined keeps edits in memory (the demo). */
  projectPath?: string;
  log: Logger;
  host: 'gateway' | 'electron';
  version: string;
  registry?: DriverRegistry;
  /** Live feed coalescing interval (default 250 ms). */
  liveIntervalMs?: number;
  /** More pipeline sinks, attached before any device starts (e.g. the CLI's per-device counts). */
  sinks?: ReadingSink[];
}

type Listener<K extends EventName> = (payload: PayloadOf<K>) => void;

interface RunningDevice {
  block: string;
  device: Device;
  compiled: CompiledDevice;
  supervisor: DeviceSupervisor;
  /** The supervisor's status with the normalizer's clock-skew measurement. */
  status(): DeviceStatus;
}

export class Runtime {
  readonly handlers: ApiHandlers;
  private readonly listeners: { [K in EventName]: Set<Listener<K>> } = {
    onDeviceStatus: new Set(),
    onLiveReadings: new Set(),
    onOperationProgress: new Set(),
    onStorePruned: new Set(),
  };
  private readonly devices = new Map<string, RunningDevice>();
  private readonly operations: Operations;
  private readonly trustStores: TrustStore[];
  private readonly startedAt = Date.now();
  /** One serial line or RS-485 gateway = one bus, however many devices name it. */
  private readonly buses = createSharedBusRegistry();
  private compiled: CompiledProject;
  private tags: TagInfo[] = [];
  private applying: Promise<unknown> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly options: RuntimeOptions,
    readonly store: Store,
    readonly pipeline: Pipeline,
    readonly live: LiveFeed,
    private readonly registry: DriverRegistry,
  ) {
    this.compiled = options.compiled;
    this.operations = new Operations((operation) => this.emit('onOperationProgress', operation));
    this.trustStores = registry
      .ids()
      .map((id) => registry.get(id)?.trustStore?.(options.dataDir))
      .filter((s): s is TrustStore => s !== undefined);
    this.handlers = this.createHandlers();
  }

  static async start(options: RuntimeOptions): Promise<Runtime> {
    const { compiled, log } = options;
    const registry = options.registry ?? createDriverRegistry();
    const project = compiled.project;
    const store = await Store.open({ path: options.dbPath, retention: project.store.retention, log: log.child('store') });
    const pipeline = new Pipeline({ store, commitIntervalMs: project.store.commitIntervalMs, log: log.child('pipeline') });
    const live = new LiveFeed(options.liveIntervalMs ?? 250);
    pipeline.attach(live);
    for (const sink of options.sinks ?? []) pipeline.attach(sink);
    const runtime = new Runtime(options, store, pipeline, live, registry);
    store.onPruned((event) => {
      const message = `retention pruned ${event.prunedReadings} readings (${event.reason === 'age' ? 'older than the age limit' : 'disk budget reached'}), oldest first`;
      log.info(message, { ...event });
      runtime.emit('onStorePruned', { at: Date.now(), reason: event.reason, prunedReadings: event.prunedReadings, ...(event.oldestKeptTs === undefined ? {} : { oldestKeptTs: event.oldestKeptTs }), message });
    });
    // Retention runs at open too, so an over-budget database shrinks right away.
    void store.pruneNow().catch((error: unknown) => log.error('retention failed', { error: String(error) }));
    live.subscribe((batch) => runtime.emit('onLiveReadings', batch));
    await runtime.reconcile(compiled);
    // Seed the live view with what the store already has, so a restart shows last values.
    const known = new Set(runtime.tags.map((t) => t.tagId));
    live.write((await store.latest()).filter((r) => known.has(r.tagId)));
    return runtime;
  }

  /** Subscribes to a contract event; returns the disposer. */
  on<K extends EventName>(name: K, listener: Listener<K>): () => void {
    const set = this.listeners[name] as Set<Listener<K>>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  get project(): Project {
    return this.compiled.project;
  }

  /** In project order, whatever order devices were (re)started in. */
  deviceStatuses(): DeviceStatus[] {
    return this.compiled.effective.devices.flatMap((d) => {
      const running = this.devices.get(d.id);
      return running === undefined ? [] : [running.status()];
    });
  }

  /** Validates and applies a whole project document; with any issue nothing changes. */
  apply(document: unknown): Promise<ApplyResult> {
    const run = this.applying.then(async (): Promise<ApplyResult> => {
      if (this.stopped) throw new ApiFailure('unavailable', 'the host is stopping');
      const result = validateProject(document, this.registry);
      if (!result.ok) return { issues: result.issues, applied: false, savedTo: null };
      const savedTo = this.save(result.compiled.project);
      await this.reconcile(result.compiled);
      this.options.log.info(`project applied: ${result.compiled.project.devices.length} device(s), ${this.tags.length} tag(s)${savedTo === null ? ' (in memory only)' : `, saved to ${savedTo}`}`);
      return { issues: [], applied: true, savedTo };
    });
    this.applying = run.catch(() => undefined);
    return run;
  }

  /** Stops acquisition, commits everything buffered, closes the store. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.applying;
    this.operations.close();
    await Promise.all([...this.devices.values()].map((d) => d.supervisor.stop()));
    await this.pipeline.close();
    this.live.close();
    await this.store.close();
  }

  private emit<K extends EventName>(name: K, payload: PayloadOf<K>): void {
    for (const listener of this.listeners[name] as Set<Listener<K>>) listener(payload);
  }

  /** Writes the document next to the file and renames it over, so a crash never leaves half a project. */
  private save(project: Project): string | null {
    const file = this.options.projectPath;
    if (file === undefined) return null;
    writeProjectAtomically(file, project);
    return file;
  }

  /** Brings running devices in line with `compiled`: unchanged device blocks keep running. */
  private async reconcile(compiled: CompiledProject): Promise<void> {
    const next = new Map(compiled.effective.devices.map((d) => [d.id, d]));
    const wasRunning = new Set([...this.devices.values()].filter((r) => r.device.enabled).map((r) => r.device.id));
    const stopping: Promise<void>[] = [];
    for (const [id, running] of this.devices) {
      const device = next.get(id);
      if (device === undefined || JSON.stringify(device) !== running.block) {
        stopping.push(running.supervisor.stop());
        this.devices.delete(id);
      }
    }
    await Promise.all(stopping);
    this.compiled = compiled;
    this.tags = tagInfosOf(compiled);
    await this.store.ensureTags(this.tags.map((t) => ({ tagId: t.tagId, name: t.name, unit: t.unitCode })));
    this.live.retain(new Set(this.tags.map((t) => t.tagId)));
    const started: DeviceSupervisor[] = [];
    for (const device of compiled.effective.devices) {
      if (this.devices.has(device.id)) continue;
      const compiledDevice = compiled.devices.find((d) => d.deviceId === device.id);
      if (compiledDevice === undefined) continue;
      const { supervisor, status } = this.createSupervisor(device, compiledDevice);
      this.devices.set(device.id, { block: JSON.stringify(device), device, compiled: compiledDevice, supervisor, status });
      started.push(supervisor);
    }
    for (const supervisor of started) supervisor.start();
    // A device switched off by an edit: its last values must not keep reading good.
    const ts = Date.now();
    const disabledNow = compiled.effective.devices.filter((d) => !d.enabled && wasRunning.has(d.id));
    const bad = disabledNow.flatMap((d) => d.tags.map((t): Reading => ({ tagId: t.id, ts, value: null, quality: 'bad', status: `${StatusText.noConnection}: device disabled in the project` })));
    if (bad.length > 0) this.pipeline.push(bad);
  }

  private createSupervisor(device: Device, compiledDevice: CompiledDevice): { supervisor: DeviceSupervisor; status: () => DeviceStatus } {
    const groups = new Map(device.pollGroups.map((g) => [g.id, g.intervalMs]));
    const points: AcquisitionPoint<unknown>[] = device.tags.map((tag, index) => ({
      index,
      tagId: tag.id,
      address: compiledDevice.tags[index]?.address,
      pollGroupId: tag.pollGroup,
      intervalMs: groups.get(tag.pollGroup) ?? 1000,
    }));
    const normalized: NormalizedPoint[] = device.tags.map((tag, index) => ({
      tagId: tag.id,
      scaling: tag.scaling,
      decode: compiledDevice.tags[index]?.decode ?? { kind: 'value' },
      ...(tag.dataType === undefined ? {} : { dataType: tag.dataType }),
      ...(tag.deadband === undefined ? {} : { deadband: tag.deadband }),
      ...(tag.quality === undefined ? {} : { quality: tag.quality }),
      time: tag.timestamp.source === 'receive' ? { source: 'receive' } : { source: 'device' },
    }));
    // Timestamp points: acquired with the tags that take their time from them (one per
    // address, rule and poll group, so a clock block shared by many tags is read once).
    const timePoints = new Map<string, number>();
    device.tags.forEach((tag, index) => {
      const rule = tag.timestamp;
      const time = compiledDevice.tags[index]?.time;
      if (rule.source !== 'point' || time === undefined) return;
      const key = JSON.stringify([rule, tag.pollGroup]);
      let point = timePoints.get(key);
      if (point === undefined) {
        point = points.length;
        timePoints.set(key, point);
        points.push({ index: point, tagId: `${tag.id}@time`, address: time.address, pollGroupId: tag.pollGroup, intervalMs: groups.get(tag.pollGroup) ?? 1000 });
        normalized.push({ tagId: `${tag.id}@time`, scaling: { kind: 'none' }, decode: time.decode, role: 'time', decodeTime: compileTimeDecoder(rule, time.decode, this.compiled.effective.site.timeZone) });
      }
      normalized[index] = { ...normalized[index]!, time: { source: 'point', point, describe: `${rule.address} (${rule.format})` } };
    });
    const normalize = compileNormalizer(normalized);
    const limitMs = device.clockSkewLimitMs;
    const beyondLimit = (offsetMs: number) => Math.abs(offsetMs) > limitMs;
    let skewed = false;
    const withSkew = (status: DeviceStatus): DeviceStatus => {
      const skew = normalize.clockSkew();
      if (skew === undefined) return status;
      return { ...status, clockSkew: { offsetMs: skew.offsetMs, limitMs, at: skew.at, skewed: beyondLimit(skew.offsetMs) } };
    };
    const tagIds = device.tags.map((t) => t.id);
    const settings = compiledDevice.settings as { timeoutMs?: number };
    const supervisor: DeviceSupervisor = new DeviceSupervisor(
      {
        deviceId: device.id,
        name: device.name,
        driverId: device.driver,
        endpoint: compiledDevice.endpoint,
        enabled: device.enabled,
        tagCount: device.tags.length,
        connectTimeoutMs: Math.max(5000, (settings.timeoutMs ?? 1000) * 3),
        points,
        createDriver: (context) => compiledDevice.definition.create(compiledDevice.settings, context),
      },
      {
        emit: (samples) => {
          this.pipeline.push(normalize(samples));
          const skew = normalize.clockSkew();
          const now = skew !== undefined && beyondLimit(skew.offsetMs);
          if (now !== skewed) {
            skewed = now;
            if (now) this.options.log.warn(`device ${device.id}: source time is ${Math.round(skew?.offsetMs ?? 0)} ms from the receive time (limit ${limitMs} ms); check the device clock or switch its tags to the receive time`);
            this.emit('onDeviceStatus', withSkew(supervisor.status()));
          }
        },
        onOffline: (_deviceId, reason) => {
          const ts = Date.now();
          const bad: Reading[] = tagIds.map((tagId) => ({ tagId, ts, value: null, quality: 'bad', status: `${StatusText.noConnection}: ${reason}` }));
          this.pipeline.push(bad);
        },
        onStatus: (status) => this.emit('onDeviceStatus', withSkew(status)),
      },
      { log: this.options.log.child('device'), dataDir: this.options.dataDir, buses: this.buses },
    );
    return { supervisor, status: () => withSkew(supervisor.status()) };
  }

  private running(deviceId: string): RunningDevice {
    const running = this.devices.get(deviceId);
    if (running === undefined) throw new ApiFailure('not-found', `no device "${deviceId}" in this project`);
    return running;
  }

  private browser(deviceId: string) {
    const running = this.running(deviceId);
    const driver = running.supervisor.instance;
    if (driver.browse === undefined) throw new ApiFailure('unsupported', `${running.device.driver} devices have no address space to browse; type point addresses (${running.compiled.definition.addressSyntax})`);
    if (running.supervisor.status().state !== 'connected') {
      throw new ApiFailure('unavailable', `device "${deviceId}" is not connected (${running.supervisor.status().state}); browse needs a connection — check its status and last error`);
    }
    return driver.browse.bind(driver);
  }

  private trustStoreFor(thumbprint: string): Promise<TrustStore> {
    const wanted = normalizeThumbprint(thumbprint);
    return (async () => {
      for (const store of this.trustStores) {
        if ((await store.list()).some((c) => normalizeThumbprint(c.thumbprint) === wanted)) return store;
      }
      throw new ApiFailure('not-found', `no certificate with thumbprint ${thumbprint}; connect to the server once so its certificate is recorded, then trust it`);
    })();
  }

  private mutate(change: (project: Project) => Project): Promise<ApplyResult> {
    return this.apply(change(structuredClone(this.compiled.project)));
  }

  private createHandlers(): ApiHandlers {
    return {
      getSystemInfo: async () => ({
        version: this.options.version,
        host: this.options.host,
        projectName: this.compiled.project.name,
        dbPath: this.options.dbPath,
        projectPath: this.options.projectPath ?? null,
        startedAt: this.startedAt,
      }),
      getProject: async () => this.compiled.project,
      validateProject: async ({ project }) => {
        const result = validateProject(project, this.registry);
        return { issues: result.ok ? [] : result.issues };
      },
      listDrivers: async () => this.registry.list(),
      listDevices: async () => this.deviceStatuses(),
      listTags: async () => this.tags,
      getLiveSnapshot: async () => this.live.snapshot(),
      queryHistory: async ({ tagId, from, to, limit }) => {
        if (!this.tags.some((t) => t.tagId === tagId)) throw new ApiFailure('not-found', `no tag "${tagId}" in this project`);
        return this.store.queryHistory(tagId, from, to, limit);
      },
      queryTrend: async ({ tagId, from, to, points }) => {
        if (!this.tags.some((t) => t.tagId === tagId)) throw new ApiFailure('not-found', `no tag "${tagId}" in this project`);
        return this.store.queryTrend(tagId, from, to, points);
      },
      getDbStats: () => this.store.dbStats(),
      planCapacity: async ({ budgetBytes }) => planCapacity({ project: this.compiled.project, tags: this.tags, ...(budgetBytes === undefined ? {} : { budgetBytes }) }),
      getStoreStats: async () => {
        const stats = await this.store.stats();
        const pipeline = this.pipeline.stats();
        return { ...stats, pendingReadings: stats.pendingReadings + pipeline.pending };
      },
      applyProject: ({ project }) => this.apply(project),
      addDevice: ({ device }) => this.mutate((p) => ({ ...p, devices: [...p.devices, device as Device] })),
      removeDevice: async ({ deviceId }) => {
        this.running(deviceId);
        return this.mutate((p) => ({ ...p, devices: p.devices.filter((d) => d.id !== deviceId) }));
      },
      addTags: async ({ deviceId, tags }) => {
        this.running(deviceId);
        return this.mutate((p) => ({ ...p, devices: p.devices.map((d) => (d.id === deviceId ? { ...d, tags: [...d.tags, ...(tags as Device['tags'])] } : d)) }));
      },
      removeTags: ({ tagIds }) => {
        const remove = new Set(tagIds);
        return this.mutate((p) => ({ ...p, devices: p.devices.map((d) => ({ ...d, tags: d.tags.filter((t) => !remove.has(t.id)) })) }));
      },
      applyTagChanges: ({ upserts, deletes }) => {
        const valid: { deviceId: string; tag: Tag }[] = [];
        const invalid: ApplyResult['issues'] = [];
        upserts.forEach((u, n) => {
          const tag = TagSchema.safeParse(u.tag);
          if (tag.success) valid.push({ deviceId: u.deviceId, tag: tag.data });
          else invalid.push(...issuesFromZod(tag.error, ['upserts', n, 'tag']));
        });
        if (invalid.length > 0) return Promise.resolve({ issues: invalid, applied: false, savedTo: null });
        const result = applyTagChanges(this.compiled.project, { upserts: valid, deletes });
        if (!result.ok) return Promise.resolve({ issues: result.issues, applied: false, savedTo: null });
        return this.apply(result.project);
      },
      ...createMappingHandlers({ project: () => this.compiled.project, apply: (document) => this.apply(document), operations: this.operations, registry: this.registry }),
      scanRegisters: (params) => scanRunningDevice(this.devices.get(params.deviceId), params, { buses: this.buses, dataDir: this.options.dataDir, log: this.options.log.child('modbus-scan') }),
      writeTag: async ({ tagId, value }) => {
        const tag = this.tags.find((t) => t.tagId === tagId);
        if (tag === undefined) throw new ApiFailure('not-found', `no tag "${tagId}" in this project`);
        const running = this.running(tag.deviceId);
        const index = running.device.tags.findIndex((t) => t.id === tagId);
        try {
          await running.supervisor.instance.write(running.compiled.tags[index]?.address, value);
        } catch (error) {
          if (error instanceof WritesDisabledError) throw new ApiFailure('writes-disabled', error.message);
          throw new ApiFailure('unavailable', `write to ${tagId} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        return {};
      },
      browseDevice: async ({ deviceId, ref }) => {
        const browse = this.browser(deviceId);
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(new Error('browse took longer than 60 s')), 60_000);
        try {
          return await browse(ref, { signal: abort.signal });
        } finally {
          clearTimeout(timer);
        }
      },
      startBrowse: async ({ deviceId, ref, maxDepth, maxNodes }) => {
        const browse = this.browser(deviceId);
        const found: BrowsedNode[] = [];
        let truncated = false;
        const partial = () => ({ kind: 'browse' as const, nodes: found, truncated: true });
        return this.operations.start(
          'browse',
          `Browse ${deviceId}${ref === undefined ? '' : ` below ${ref}`}`,
          async ({ signal, onProgress }) => {
            const queue: Array<{ ref: string | undefined; depth: number }> = [{ ref, depth: 1 }];
            while (queue.length > 0) {
              signal.throwIfAborted();
              const next = queue.shift()!;
              const before = found.length;
              const nodes = await browse(next.ref, {
                signal,
                onProgress: (p) => onProgress?.({ done: before + p.done, ...(p.message === undefined ? {} : { message: p.message }) }),
              });
              for (const node of nodes) {
                if (found.length >= maxNodes) {
                  truncated = true;
                  break;
                }
                found.push({ ...node, parent: next.ref ?? null, depth: next.depth });
                if (node.hasChildren && next.depth < maxDepth) queue.push({ ref: node.ref, depth: next.depth + 1 });
              }
              onProgress?.({ done: found.length, message: `${found.length} nodes, ${queue.length} folders to go` });
              if (truncated) break;
            }
            return { kind: 'browse', nodes: found, truncated: truncated || queue.length > 0 };
          },
          partial,
        );
      },
      startDiscovery: async ({ driverId, settings }) => {
        const definition = this.registry.get(driverId);
        if (definition === undefined) throw new ApiFailure('not-found', `no driver "${driverId}"; available: ${this.registry.ids().join(', ')}`);
        const discover = definition.discover;
        if (discover === undefined) throw new ApiFailure('unsupported', `${definition.title} has no discovery; add the device by its address`);
        const found: DiscoveredDevice[] = [];
        return this.operations.start(
          'discover',
          `Discover ${definition.title}`,
          async (options) => {
            const devices = await discover.call(definition, settings, { dataDir: this.options.dataDir, log: this.options.log.child(`discover/${driverId}`) }, { ...options, onFound: (d) => found.push(d) });
            return { kind: 'discover', devices };
          },
          () => ({ kind: 'discover', devices: found }),
        );
      },
      getOperation: async ({ operationId }) => {
        const operation = this.operations.get(operationId);
        if (operation === undefined) throw new ApiFailure('not-found', `no operation ${operationId} (finished operations are kept for a while, then dropped)`);
        return operation;
      },
      cancelOperation: async ({ operationId }) => {
        const operation = this.operations.cancel(operationId);
        if (operation === undefined) throw new ApiFailure('not-found', `no operation ${operationId}`);
        return operation;
      },
      listCertificates: async () => (await Promise.all(this.trustStores.map((s) => s.list()))).flat(),
      trustCertificate: async ({ thumbprint }) => (await this.trustStoreFor(thumbprint)).trust(thumbprint),
      rejectCertificate: async ({ thumbprint }) => (await this.trustStoreFor(thumbprint)).reject(thumbprint),
    };
  }
}

function normalizeThumbprint(text: string): string {
  return text.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

export { UntrustedCertificateError };
