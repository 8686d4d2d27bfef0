import type { PayloadOf, EventName } from '../../shared/api/contract.js';
import { ApiFailure, type ApiHandlers } from '../../shared/api/router.js';
import type { DeviceStatus, TagInfo } from '../../shared/api/types.js';
import type { Reading } from '../../shared/reading.js';
import { StatusText } from '../../shared/reading.js';
import { createDriverRegistry, type DriverRegistry } from './drivers/registry.js';
import type { AcquisitionPoint } from './drivers/types.js';
import type { Logger } from './log.js';
import { compileNormalizer } from './normalizer/normalizer.js';
import { LiveFeed } from './pipeline/live-feed.js';
import { Pipeline } from './pipeline/pipeline.js';
import { type CompiledProject, validateProject } from './project/validate.js';
import { Store } from './store/store.js';
import { DeviceSupervisor } from './supervisor/supervisor.js';

/**
 * The core, assembled: project -> supervised drivers -> normalizer -> pipeline ->
 * { store, live feed }. Hosts (gateway, Electron) get request handlers and events from
 * here and never reach inside.
 */
export interface RuntimeOptions {
  compiled: CompiledProject;
  dbPath: string;
  log: Logger;
  host: 'gateway' | 'electron';
  version: string;
  registry?: DriverRegistry;
  /** Live feed coalescing interval (default 250 ms). */
  liveIntervalMs?: number;
}

type Listener<K extends EventName> = (payload: PayloadOf<K>) => void;

export class Runtime {
  readonly handlers: ApiHandlers;
  private readonly listeners = { onDeviceStatus: new Set<Listener<'onDeviceStatus'>>(), onLiveReadings: new Set<Listener<'onLiveReadings'>>() };
  private readonly supervisors: DeviceSupervisor[] = [];
  private readonly startedAt = Date.now();
  private stopped = false;

  private constructor(
    private readonly options: RuntimeOptions,
    readonly store: Store,
    readonly pipeline: Pipeline,
    readonly live: LiveFeed,
    private readonly registry: DriverRegistry,
    private readonly tags: TagInfo[],
  ) {
    this.handlers = this.createHandlers();
  }

  static async start(options: RuntimeOptions): Promise<Runtime> {
    const { compiled, log } = options;
    const registry = options.registry ?? createDriverRegistry();
    const project = compiled.project;
    const store = await Store.open({ path: options.dbPath, retention: project.store.retention, log: log.child('store') });
    const tags: TagInfo[] = project.devices.flatMap((device) =>
      device.tags.map((tag) => ({
        tagId: tag.id,
        name: tag.name,
        deviceId: device.id,
        address: tag.address,
        unit: tag.unit,
        ...(tag.description === undefined ? {} : { description: tag.description }),
        pollGroup: tag.pollGroup,
        intervalMs: device.pollGroups.find((g) => g.id === tag.pollGroup)?.intervalMs ?? 0,
      })),
    );
    await store.ensureTags(tags.map((t) => ({ tagId: t.tagId, name: t.name, unit: t.unit })));
    const pipeline = new Pipeline({ store, commitIntervalMs: project.store.commitIntervalMs, log: log.child('pipeline') });
    const live = new LiveFeed(options.liveIntervalMs ?? 250);
    pipeline.attach(live);
    const runtime = new Runtime(options, store, pipeline, live, registry, tags);
    store.onPruned((event) => log.info(`retention pruned ${event.prunedReadings} readings (${event.reason === 'age' ? 'older than the age limit' : 'size budget reached'}), oldest first`, { ...event }));
    live.subscribe((batch) => runtime.emit('onLiveReadings', batch));
    // Retention runs at open too, so an over-budget database shrinks right away.
    void store.pruneNow().catch((error: unknown) => log.error('retention failed', { error: String(error) }));
    // Seed the live view with what the store already has, so a restart shows last values.
    for (const reading of await store.latest()) live.write([reading]);
    runtime.startDevices();
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

  deviceStatuses(): DeviceStatus[] {
    return this.supervisors.map((s) => s.status());
  }

  /** Stops acquisition, commits everything buffered, closes the store. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.supervisors.map((s) => s.stop()));
    await this.pipeline.close();
    this.live.close();
    await this.store.close();
  }

  private emit<K extends EventName>(name: K, payload: PayloadOf<K>): void {
    for (const listener of this.listeners[name] as Set<Listener<K>>) listener(payload);
  }

  private startDevices(): void {
    const { compiled, log } = this.options;
    for (const device of compiled.project.devices) {
      const compiledDevice = compiled.devices.find((d) => d.deviceId === device.id);
      if (compiledDevice === undefined) continue;
      const groups = new Map(device.pollGroups.map((g) => [g.id, g.intervalMs]));
      const points: AcquisitionPoint<unknown>[] = device.tags.map((tag, index) => ({
        index,
        tagId: tag.id,
        address: compiledDevice.tags[index]?.address,
        pollGroupId: tag.pollGroup,
        intervalMs: groups.get(tag.pollGroup) ?? 1000,
      }));
      const normalize = compileNormalizer(
        device.tags.map((tag, index) => ({ tagId: tag.id, scaling: tag.scaling, decode: compiledDevice.tags[index]?.decode ?? { kind: 'value' } })),
      );
      const tagIds = device.tags.map((t) => t.id);
      const settings = compiledDevice.settings as { timeoutMs?: number };
      const supervisor = new DeviceSupervisor(
        {
          deviceId: device.id,
          name: device.name,
          driverId: device.driver,
          endpoint: compiledDevice.endpoint,
          enabled: device.enabled,
          tagCount: device.tags.length,
          connectTimeoutMs: Math.max(1000, (settings.timeoutMs ?? 1000) * 3),
          points,
          createDriver: (context) => compiledDevice.definition.create(compiledDevice.settings, context),
        },
        {
          emit: (samples) => this.pipeline.push(normalize(samples)),
          onOffline: (_deviceId, reason) => {
            const ts = Date.now();
            const bad: Reading[] = tagIds.map((tagId) => ({ tagId, ts, value: null, quality: 'bad', status: `${StatusText.noConnection}: ${reason}` }));
            this.pipeline.push(bad);
          },
          onStatus: (status) => this.emit('onDeviceStatus', status),
        },
        { log: log.child('device') },
      );
      this.supervisors.push(supervisor);
    }
    for (const supervisor of this.supervisors) supervisor.start();
  }

  private createHandlers(): ApiHandlers {
    const project = this.options.compiled.project;
    return {
      getSystemInfo: async () => ({
        version: this.options.version,
        host: this.options.host,
        projectName: project.name,
        dbPath: this.options.dbPath,
        startedAt: this.startedAt,
      }),
      getProject: async () => project,
      validateProject: async ({ project: candidate }) => {
        const result = validateProject(candidate, this.registry);
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
      getStoreStats: async () => {
        const stats = await this.store.stats();
        const pipeline = this.pipeline.stats();
        return { ...stats, pendingReadings: stats.pendingReadings + pipeline.pending };
      },
    };
  }
}
