import { z } from 'zod';
import { QualitySchema, ReadingSchema, ValueSchema } from '../reading.js';

/** Connection states owned by the supervisor; the UI shows them as they are. */
export const ConnectionStateSchema = z.enum(['connecting', 'connected', 'backing-off', 'disabled', 'stopped']);
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

export const DeviceStatusSchema = z
  .object({
    deviceId: z.string(),
    name: z.string(),
    driver: z.string(),
    /** Human-readable endpoint, e.g. `modbus-tcp://127.0.0.1:502?unit=1`. */
    endpoint: z.string(),
    state: ConnectionStateSchema,
    /** Last connection or poll error, in words. */
    lastError: z.string().optional(),
    /** When the next connection attempt is due (UTC ms), while backing off. */
    retryAt: z.number().optional(),
    /** Consecutive failed connection attempts. */
    attempts: z.number().int(),
    /** Since when the device has been in `state` (UTC ms). */
    since: z.number(),
    tagCount: z.number().int(),
    /** Requests sent and failed since the host started (poll-based drivers). */
    requests: z.number().int(),
    failures: z.number().int(),
  })
  .strict();
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>;

export const TagInfoSchema = z
  .object({
    tagId: z.string(),
    name: z.string(),
    deviceId: z.string(),
    address: z.string(),
    unit: z.string(),
    description: z.string().optional(),
    pollGroup: z.string(),
    intervalMs: z.number().int(),
  })
  .strict();
export type TagInfo = z.infer<typeof TagInfoSchema>;

export const HistoryPointSchema = z.tuple([z.number(), ValueSchema, QualitySchema]);
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;

export const HistorySeriesSchema = z
  .object({
    tagId: z.string(),
    /** [ts (UTC ms), value, quality], oldest first. */
    points: z.array(HistoryPointSchema),
    /** True when the range held more than `limit` readings and the newest were kept. */
    truncated: z.boolean(),
  })
  .strict();
export type HistorySeries = z.infer<typeof HistorySeriesSchema>;

export const DriverInfoSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    /** JSON Schema of the driver's settings, from which the UI builds its forms. */
    settingsSchema: z.record(z.string(), z.unknown()),
    /** One-line summary of the point syntax, e.g. `hr:<n>[:<type>[:<order>]]`. */
    addressSyntax: z.string(),
  })
  .strict();
export type DriverInfo = z.infer<typeof DriverInfoSchema>;

export const SystemInfoSchema = z
  .object({
    version: z.string(),
    host: z.enum(['gateway', 'electron']),
    projectName: z.string(),
    dbPath: z.string(),
    startedAt: z.number(),
  })
  .strict();
export type SystemInfo = z.infer<typeof SystemInfoSchema>;

export const StoreStatsSchema = z
  .object({
    readingsCommitted: z.number(),
    commits: z.number(),
    lastCommitAt: z.number().optional(),
    pendingReadings: z.number(),
    bytesUsed: z.number(),
    prunedReadings: z.number(),
  })
  .strict();
export type StoreStats = z.infer<typeof StoreStatsSchema>;

export const LiveBatchSchema = z.array(ReadingSchema);
