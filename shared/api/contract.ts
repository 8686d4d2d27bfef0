import { z } from 'zod';
import { ProjectSchema } from '../project.js';
import { ReadingSchema } from '../reading.js';
import {
  ApplyResultSchema,
  BrowseNodeSchema,
  CertificateSchema,
  DeviceStatusSchema,
  OperationSchema,
  DriverInfoSchema,
  HistorySeriesSchema,
  LiveBatchSchema,
  ModbusScanSchema,
  ProfileEntrySchema,
  StoreStatsSchema,
  SystemInfoSchema,
  TagInfoSchema,
} from './types.js';
import { CapacityPlanSchema, DbStatsSchema, HistoryTrendSchema, PruneRecordSchema } from '../history/types.js';

/**
 * The one contract for the process boundary. Every request and event crossing it —
 * Electron IPC or the gateway's HTTP/WebSocket — is declared here, once, with its
 * runtime schema. Hosts parse every incoming message with these schemas before a
 * handler sees it; the renderer validates what comes back.
 */

export interface RequestSpec<P extends z.ZodType, R extends z.ZodType> {
  /** Wire name, `domain:verb`. */
  channel: string;
  params: P;
  result: R;
  /** When it is called and what it guarantees. */
  doc: string;
}

function request<P extends z.ZodType, R extends z.ZodType>(channel: string, params: P, result: R, doc: string): RequestSpec<P, R> {
  return { channel, params, result, doc };
}

const none = z.object({}).strict();

export const requests = {
  getSystemInfo: request('system:info', none, SystemInfoSchema, 'Which host serves this UI, the project name and the database path.'),
  getProject: request('project:get', none, ProjectSchema, 'The running project document, as validated at load.'),
  validateProject: request(
    'project:validate',
    z.object({ project: z.unknown() }).strict(),
    z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() }).strict()) }).strict(),
    'Validates a project document with the same checks as load; changes nothing. Empty issues means valid.',
  ),
  listDrivers: request('drivers:list', none, z.array(DriverInfoSchema), 'Registered drivers with their settings JSON Schema and point syntax.'),
  listDevices: request('devices:list', none, z.array(DeviceStatusSchema), 'Current connection status of every configured device.'),
  listTags: request('tags:list', none, z.array(TagInfoSchema), 'Every configured tag with its device, address, unit and poll interval.'),
  getLiveSnapshot: request('live:snapshot', none, z.array(ReadingSchema), 'The latest reading of every tag that has one (not only committed ones).'),
  queryHistory: request(
    'history:query',
    z
      .object({
        tagId: z.string().min(1),
        from: z.number().int(),
        to: z.number().int(),
        /** At most this many readings, newest kept. */
        limit: z.number().int().min(1).max(200_000).default(20_000),
      })
      .strict()
      .refine((p) => p.to >= p.from, { message: 'to must not be before from', path: ['to'] }),
    HistorySeriesSchema,
    'Committed readings of one tag in [from, to] (UTC ms), oldest first.',
  ),
  queryTrend: request(
    'history:trend',
    z
      .object({
        tagId: z.string().min(1),
        from: z.number().int(),
        to: z.number().int(),
        /** At most this many points: every reading when the range holds no more, else M4 (extremes kept). */
        points: z.number().int().min(10).max(20_000).default(2000),
      })
      .strict()
      .refine((p) => p.to >= p.from, { message: 'to must not be before from', path: ['to'] }),
    HistoryTrendSchema,
    'A trend of one tag over any range in at most `points` points, from raw readings, compressed blocks or rollups; min and max per bucket are never dropped.',
  ),
  getDbStats: request('db:stats', none, DbStatsSchema, 'What the history database holds: readings, bytes per reading, hot vs compacted share, rollup coverage, WAL size and the last prune.'),
  planCapacity: request(
    'capacity:plan',
    z.object({ budgetBytes: z.number().positive().optional() }).strict(),
    CapacityPlanSchema,
    'The capacity planner for the running project: readings and disk per day, the retention horizon for a disk budget (default: the project store budget) and the egress bandwidth of tags that leave the site.',
  ),
  getStoreStats: request('store:stats', none, StoreStatsSchema, 'Commit counters, pending readings and bytes used by the store.'),
  applyProject: request(
    'project:apply',
    z.object({ project: z.unknown() }).strict(),
    ApplyResultSchema,
    'Validates a whole project document; if valid, applies it (devices restart) and saves it to the project file. With any issue nothing changes.',
  ),
  addDevice: request('devices:add', z.object({ device: z.unknown() }).strict(), ApplyResultSchema, 'Adds one device (project device block) through project:apply.'),
  removeDevice: request('devices:remove', z.object({ deviceId: z.string() }).strict(), ApplyResultSchema, 'Removes a device and its tags through project:apply (their stored readings stay).'),
  addTags: request(
    'tags:add',
    z.object({ deviceId: z.string(), tags: z.array(z.unknown()).min(1).max(100_000) }).strict(),
    ApplyResultSchema,
    'Adds tags (project tag blocks) to a device through project:apply; issues name the path in the resulting project (devices[d].tags[t]).',
  ),
  removeTags: request('tags:remove', z.object({ tagIds: z.array(z.string()).min(1) }).strict(), ApplyResultSchema, 'Removes tags through project:apply (their stored readings stay).'),
  applyTagChanges: request(
    'tags:apply',
    z
      .object({
        upserts: z.array(z.object({ deviceId: z.string(), tag: z.unknown() }).strict()).max(200_000).default([]),
        deletes: z.array(z.string()).max(200_000).default([]),
      })
      .strict(),
    ApplyResultSchema,
    'Creates, replaces (by tag id) and deletes tags in one validated project:apply; edits of profile-generated tags become visible instance overrides, deleting one excludes its point. All or nothing.',
  ),
  exportTagsCsv: request(
    'tags:exportCsv',
    z.object({ separator: z.enum([',', ';']).default(','), bom: z.boolean().default(false) }).strict(),
    z.object({ csv: z.string(), rows: z.number().int() }).strict(),
    'Every tag of the project (profile tags as expanded) as CSV: a header row, one tag a row, RFC 4180 quoting.',
  ),
  startTagsImport: request(
    'tags:importCsv',
    z.object({ csv: z.string().max(200_000_000), apply: z.boolean() }).strict(),
    OperationSchema,
    'Validates a tags CSV (separator detected) as a long operation with progress; the result is the preview of creates/updates/deletes and every row N, column X error. With apply and no errors it applies atomically through project:apply.',
  ),
  listProfiles: request('profiles:list', none, z.array(ProfileEntrySchema), 'The profile library: shipped profiles and the project own, with how many devices use each.'),
  applyProfile: request(
    'profiles:apply',
    z
      .object({
        deviceId: z.string(),
        profileId: z.string(),
        prefix: z.string().optional(),
        assetPath: z.string().optional(),
        params: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
      })
      .strict(),
    ApplyResultSchema,
    'Instantiates a profile on a device (a library profile is copied into the project first) through project:apply.',
  ),
  saveProfile: request(
    'profiles:save',
    z.object({ profile: z.unknown() }).strict(),
    ApplyResultSchema,
    'Creates or replaces a profile in the project (by id); every instance of it changes with it, overrides kept. Through project:apply.',
  ),
  writeTag: request(
    'tags:write',
    z.object({ tagId: z.string(), value: z.union([z.number(), z.boolean(), z.string()]) }).strict(),
    z.object({}).strict(),
    'Writes a value to the device; refused unless writes are enabled in that device settings.',
  ),
  browseDevice: request(
    'devices:browse',
    z.object({ deviceId: z.string(), ref: z.string().optional() }).strict(),
    z.array(BrowseNodeSchema),
    'One level of a connected device address space below ref (the root when omitted).',
  ),
  startBrowse: request(
    'devices:browseTree',
    z.object({ deviceId: z.string(), ref: z.string().optional(), maxDepth: z.number().int().min(1).max(64).default(16), maxNodes: z.number().int().min(1).max(500_000).default(100_000) }).strict(),
    OperationSchema,
    'Starts a recursive browse below ref; progress arrives as operations:progress events; cancel with operations:cancel.',
  ),
  startDiscovery: request(
    'drivers:discover',
    z.object({ driverId: z.string(), settings: z.record(z.string(), z.unknown()).default({}) }).strict(),
    OperationSchema,
    'Starts a discovery (BACnet Who-Is, OPC UA GetEndpoints, ...) for one driver; results are device settings proposals.',
  ),
  getOperation: request('operations:get', z.object({ operationId: z.string() }).strict(), OperationSchema, 'State, progress and (when done) result of a long operation.'),
  cancelOperation: request('operations:cancel', z.object({ operationId: z.string() }).strict(), OperationSchema, 'Cancels a running long operation; its partial result is kept.'),
  scanRegisters: request(
    'modbus:scan',
    z.object({ deviceId: z.string(), from: z.string().min(1), count: z.number().int().min(1).max(250) }).strict(),
    ModbusScanSchema,
    'Reads a block of registers live from a Modbus device and ranks every type x order decoding of each start register, with the 0/1-based offset hint.',
  ),
  listCertificates: request('certificates:list', none, z.array(CertificateSchema), 'Server certificates known to the trust stores, trusted or rejected.'),
  trustCertificate: request('certificates:trust', z.object({ thumbprint: z.string().min(8) }).strict(), CertificateSchema, 'Trusts a server certificate by thumbprint (an explicit engineer decision).'),
  rejectCertificate: request('certificates:reject', z.object({ thumbprint: z.string().min(8) }).strict(), CertificateSchema, 'Rejects a server certificate by thumbprint.'),
} as const;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type ParamsOf<K extends RequestName> = z.input<Requests[K]['params']>;
export type ParsedParamsOf<K extends RequestName> = z.output<Requests[K]['params']>;
export type ResultOf<K extends RequestName> = z.output<Requests[K]['result']>;

export interface EventSpec<P extends z.ZodType> {
  channel: string;
  payload: P;
  doc: string;
}

function event<P extends z.ZodType>(channel: string, payload: P, doc: string): EventSpec<P> {
  return { channel, payload, doc };
}

export const events = {
  onDeviceStatus: event('devices:status', DeviceStatusSchema, 'Sent whenever a device changes connection state or error.'),
  onOperationProgress: event('operations:progress', OperationSchema.omit({ result: true }), 'Progress of a long operation, at most 10 times a second, and once when it ends.'),
  onLiveReadings: event(
    'live:readings',
    LiveBatchSchema,
    'Latest readings, coalesced per tag and throttled to what a screen can show (at most every 250 ms).',
  ),
  onStorePruned: event('store:pruned', PruneRecordSchema, 'Sent after retention deleted readings (age limit or disk budget), oldest first, with the reason in words.'),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type PayloadOf<K extends EventName> = z.output<Events[K]['payload']>;

/** Stable error codes; the UI turns them into words. */
export const ErrorCodeSchema = z.enum([
  'invalid-params',
  'unknown-request',
  'not-found',
  'unauthorized',
  'project-invalid',
  'unavailable',
  'unsupported',
  'writes-disabled',
  'untrusted-certificate',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ApiErrorSchema = z.object({ code: ErrorCodeSchema, message: z.string() }).strict();
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** Errors are data across the boundary. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiError };

/** What the renderer calls: one named function per request, one subscriber per event. */
export type SensorVaultApi = {
  [K in RequestName]: (params: ParamsOf<K>) => Promise<Envelope<ResultOf<K>>>;
} & {
  [K in EventName]: (listener: (payload: PayloadOf<K>) => void) => () => void;
};

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

/** Looks a request up by its wire channel (hosts route on channels). */
export function requestByChannel(channel: string): RequestName | undefined {
  return requestNames.find((name) => requests[name].channel === channel);
}
