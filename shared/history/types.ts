/**
 * The history engine's shapes at the process boundary (shared by the store, the CLI,
 * the gateway and the renderer). The store's own layout is in electron/core/store/README.md.
 */
import { z } from 'zod';
import { QualitySchema, ValueSchema } from '../reading.js';

/** Where a trend's points came from. */
export const TrendSourceSchema = z.enum(['raw', 'decimated', 'rollup-1m', 'rollup-1h']);
export type TrendSource = z.infer<typeof TrendSourceSchema>;

export const HistoryTrendSchema = z
  .object({
    tagId: z.string(),
    from: z.number(),
    to: z.number(),
    /**
     * raw: every reading in range (no more than `points` of them);
     * decimated: M4 over raw readings (first, min, max, last per pixel bucket, plus the first
     * reading of each quality change); rollup-1m / rollup-1h: M4 over stored rollups.
     */
    source: TrendSourceSchema,
    /** Width of one output bucket (ms); 0 for raw. */
    bucketMs: z.number(),
    /** [ts (UTC ms), value, quality], oldest first, at most `points` of them. */
    points: z.array(z.tuple([z.number(), ValueSchema, QualitySchema])),
    /** How many stored readings the points stand for. */
    readings: z.number().int(),
    /** Status text per point (raw only), present when some point has one. */
    statuses: z.array(z.string().nullable()).optional(),
  })
  .strict();
export type HistoryTrend = z.infer<typeof HistoryTrendSchema>;

export const RollupCoverageSchema = z
  .object({
    /** Stored rollup rows (tag × bucket). */
    rows: z.number().int(),
    oldestTs: z.number().optional(),
    newestTs: z.number().optional(),
  })
  .strict();

export const PruneRecordSchema = z
  .object({
    at: z.number(),
    reason: z.enum(['age', 'size']),
    prunedReadings: z.number().int(),
    /** Oldest reading kept after the prune (UTC ms). */
    oldestKeptTs: z.number().optional(),
    message: z.string(),
  })
  .strict();
export type PruneRecord = z.infer<typeof PruneRecordSchema>;

/** `sensorvault db stats --json` prints exactly this object. */
export const DbStatsSchema = z
  .object({
    path: z.string(),
    /** Stored readings: hot rows plus readings inside compressed blocks. */
    readings: z.number().int(),
    hotReadings: z.number().int(),
    compactedReadings: z.number().int(),
    blocks: z.number().int(),
    tags: z.number().int(),
    oldestTs: z.number().optional(),
    newestTs: z.number().optional(),
    /** Size of the database (page count × page size: the file once the WAL is checkpointed into it). */
    fileBytes: z.number().int(),
    walBytes: z.number().int(),
    /** Pages holding readings (hot table and blocks, with their b-tree and overflow pages). */
    readingBytes: z.number().int(),
    hotBytes: z.number().int(),
    blockBytes: z.number().int(),
    rollupBytes: z.number().int(),
    /** Free pages inside the file (reused before the file grows). */
    freeBytes: z.number().int(),
    /** readingBytes / readings (0 without readings). */
    bytesPerReading: z.number(),
    /** Share of readings still in the hot table, 0..1. */
    hotShare: z.number(),
    rollups: z.object({ '1m': RollupCoverageSchema, '1h': RollupCoverageSchema }).strict(),
    lastPrune: PruneRecordSchema.optional(),
    lastCompaction: z.object({ at: z.number(), readings: z.number().int(), blocks: z.number().int(), ms: z.number() }).strict().optional(),
  })
  .strict();
export type DbStats = z.infer<typeof DbStatsSchema>;

/** The capacity planner's answer (shared/capacity/plan.ts): `capacity --json` prints it. */
export const CapacityPlanSchema = z
  .object({
    tags: z.number().int(),
    readingsPerDay: z.number(),
    /** Disk per day once compacted (blocks plus rollups), bytes. */
    bytesPerDay: z.number(),
    /** What the hot table holds before compaction (bytes), at most a compaction window's worth. */
    hotBytes: z.number(),
    rollupBytesPerDay: z.number(),
    /** Bytes per reading assumed, by signal class, from the measured compression ratios. */
    bytesPerReading: z.number(),
    budgetBytes: z.number().optional(),
    /** Days of raw history that fit the budget (with rollups kept longer), when a budget is given. */
    horizonDays: z.number().optional(),
    egress: z
      .object({
        tags: z.number().int(),
        readingsPerDay: z.number(),
        bytesPerDay: z.number(),
        /** Average upstream bandwidth, bits per second. */
        bitsPerSecond: z.number(),
      })
      .strict(),
    /** Per device: tags, readings and bytes per day. */
    devices: z.array(z.object({ deviceId: z.string(), name: z.string(), tags: z.number().int(), readingsPerDay: z.number(), bytesPerDay: z.number() }).strict()),
    /** What the estimate assumes (e.g. a rate for tags that report on change), in words. */
    assumptions: z.array(z.string()),
  })
  .strict();
export type CapacityPlan = z.infer<typeof CapacityPlanSchema>;
