/**
 * Measured stored bytes per reading, by signal class, once compacted into blocks (the
 * block payload only: quality and timestamps included, SQLite page overhead not; see
 * PAGE_OVERHEAD). The planner (plan.ts) multiplies these by the readings a day.
 *
 * Each figure names the bench that measured it and the command. Until the codec bench
 * lands (bench/codec.bench.ts on branch h/codec) the figures are PLACEHOLDERS: chosen on
 * the high side of published results (Gorilla ~1.4 B, InfluxDB ~3 B per value) so the
 * plan over- rather than under-estimates. `measured: false` marks them; the planner
 * says so in its assumptions.
 */

/**
 * How a tag's values behave, which decides how well they compress.
 * Mapping from the tag's data type (plan.ts `signalClassOf`):
 * - boolean (coils, discrete inputs, register bits, dataType "boolean") → `boolean`;
 * - integer types (int16..uint64 registers, dataType "integer"), unscaled → `counter`
 *   (counters and step values: the delta-of-delta and run-length paths);
 * - float types, scaled integers, dataType "number", and anything unknown → `analog`
 *   (XOR-encoded floats; the largest class, so unknown tags are not under-counted);
 * - strings → `text` (run-length coded; names and serials rarely change).
 */
export type SignalClass = 'analog' | 'counter' | 'boolean' | 'text';

export interface Ratio {
  /** Stored block bytes per reading (value, timestamp and quality). */
  bytesPerReading: number;
  /** False while the figure is a placeholder, not yet measured. */
  measured: boolean;
  /** Which bench measured it, and the command that reproduces it. */
  source: string;
}

export const BYTES_PER_READING: Readonly<Record<SignalClass, Ratio>> = {
  // PLACEHOLDER until bench/codec.bench.ts (h/codec) lands: noisy analog and slow drift,
  // XOR floats; full-mantissa noise costs most. Command: npm run bench -- codec
  analog: { bytesPerReading: 6, measured: false, source: 'placeholder (conservative); to be measured by bench/codec.bench.ts: npm run bench -- codec' },
  // PLACEHOLDER: counters and step changes, delta-of-delta + run-length. Command: npm run bench -- codec
  counter: { bytesPerReading: 2.5, measured: false, source: 'placeholder (conservative); to be measured by bench/codec.bench.ts: npm run bench -- codec' },
  // PLACEHOLDER: booleans, run-length coded. Command: npm run bench -- codec
  boolean: { bytesPerReading: 1, measured: false, source: 'placeholder (conservative); to be measured by bench/codec.bench.ts: npm run bench -- codec' },
  // PLACEHOLDER, not benched: strings that rarely change, run-length coded.
  text: { bytesPerReading: 2, measured: false, source: 'placeholder (not benched): run-length coded strings' },
};

/** Blocks are blobs in b-tree pages: interior pages, cell headers and part-filled pages (assumed, not measured). */
export const PAGE_OVERHEAD = 0.1;

/** One rollup row (tag, bucket, min, max, avg, count, first, last, good share) with its index entry (assumed). */
export const ROLLUP_ROW_BYTES = 60;
/** Rollup rows per tag per day: 1 min buckets plus 1 h buckets. */
export const ROLLUP_ROWS_PER_TAG_DAY = 1440 + 24;

/**
 * The hot table before compaction: bytes per reading (today's row store, `npm run bench
 * -- store`: 34 B per reading) and how long readings stay there before compaction (assumed).
 */
export const HOT_BYTES_PER_READING = 34;
export const HOT_WINDOW_MS = 3_600_000;

/** Tags that report on change and have no interval: one change this often (assumed). */
export const ON_CHANGE_DEFAULT_MS = 10_000;

/**
 * Sparkplug B over MQTT for egress (LIBRARIES.md: an NDATA payload with aliases is 66 B
 * against 251 B of JSON). Assumed split: each metric (alias, timestamp, datatype, value)
 * 16 B; each message 150 B more (MQTT fixed header and topic `spBv1.0/<group>/NDATA/<node>`
 * ~45 B, payload timestamp and seq ~12 B, TCP/IP and TLS framing ~93 B). One message per
 * device per commit interval carries that interval's readings.
 */
export const SPARKPLUG_METRIC_BYTES = 16;
export const SPARKPLUG_MESSAGE_BYTES = 150;
