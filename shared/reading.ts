import { z } from 'zod';

/**
 * Time inside the core is one unit everywhere: integer milliseconds since the Unix
 * epoch, UTC. Conversion to and from anything else happens at the edges.
 */
export type UtcMillis = number;

/** Quality follows OPC UA status semantics, reduced to its three severities. */
export const QualitySchema = z.enum(['good', 'uncertain', 'bad']);
export type Quality = z.infer<typeof QualitySchema>;

/** A value as it leaves the normalizer. `null` only for bad readings with no value. */
export const ValueSchema = z.union([z.number(), z.boolean(), z.string(), z.null()]);
export type Value = z.infer<typeof ValueSchema>;

/** One normalized reading: what the store keeps and the live feed shows. */
export const ReadingSchema = z
  .object({
    tagId: z.string(),
    ts: z.number().int(),
    value: ValueSchema,
    quality: QualitySchema,
    /** When SensorVault received it (UTC ms), when that differs from ts (a source or point timestamp). */
    receiveTs: z.number().int().optional(),
    /** Why the quality is not good (e.g. "illegal data address", "no response"). */
    status: z.string().optional(),
  })
  .strict();
export type Reading = z.infer<typeof ReadingSchema>;

/** Status text the core uses for well-known conditions, so the UI can match on them. */
export const StatusText = {
  noConnection: 'no connection',
  noResponse: 'no response',
  precisionLoss: 'precision loss: integer beyond 2^53',
  notANumber: 'not a number',
} as const;
