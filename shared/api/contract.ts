import { z } from 'zod';
import { ProjectSchema } from '../project.js';
import { ReadingSchema } from '../reading.js';
import {
  DeviceStatusSchema,
  DriverInfoSchema,
  HistorySeriesSchema,
  LiveBatchSchema,
  StoreStatsSchema,
  SystemInfoSchema,
  TagInfoSchema,
} from './types.js';

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
  getStoreStats: request('store:stats', none, StoreStatsSchema, 'Commit counters, pending readings and bytes used by the store.'),
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
  onLiveReadings: event(
    'live:readings',
    LiveBatchSchema,
    'Latest readings, coalesced per tag and throttled to what a screen can show (at most every 250 ms).',
  ),
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
