/**
 * Measured stored bytes per reading, by signal class, once compacted into blocks (the
 * block payload only: quality and timestamps included, SQLite page overhead not; see
 * PAGE_OVERHEAD). The planner (plan.ts) multiplies these by the readings a day.
 *
 * Each figure names the bench that measured it and the command. Where one class covers
 * several benched signals, the largest figure is taken, so the plan over- rather than
 * under-estimates. `measured: false` marks a figure that is not benched; the planner says so.
 */

/**
 * How a tag's values behave, which decides how well they compress.
 * Mapping from the tag's data type (plan.ts `signalClassOf`):
 * - boolean (coils, discrete inputs, register bits, dataType "boolean") → `boolean`;
 * - integer types (int16..uint64 registers, dataType "integer"), unscaled → `counter`
 *   (counters and step values: the delta-of-delta and run-length paths);
 * - integer registers with scaling (x 0.1, 4-20 mA counts onto a range) → `scaled`;
 * - float types (float32/float64 registers), dataType "number", and anything unknown
 *   (OPC UA, BACnet, MQTT values) → `analog` (XOR floats; the largest numeric class, so
 *   unknown tags are not under-counted);
 * - strings → `text` (run-length coded; names and serials rarely change).
 */
export type SignalClass = 'analog' | 'scaled' | 'counter' | 'boolean' | 'text';

export interface Ratio {
  /** Stored block bytes per reading (value, timestamp and quality). */
  bytesPerReading: number;
  /** False while the figure is an estimate, not measured. */
  measured: boolean;
  /** Which bench measured it, and the command that reproduces it. */
  source: string;
}

// All measured figures: bench/codec.bench.ts, `npm run bench -- codec` (2026-12-04, main
// after the h/codec merge), blocks of 600 readings (10 min at 1 Hz of one tag, as the
// engine's slices are). The signals are bench/lib/signals.ts; the realistic mix of all
// seven measured 1.761 B per reading.
export const BYTES_PER_READING: Readonly<Record<SignalClass, Ratio>> = {
  // 'float32': float32 widened to the shortest decimal, OPC UA style, with receive delay: 4.494 B.
  analog: { bytesPerReading: 4.494, measured: true, source: "bench/codec.bench.ts 'float32' (npm run bench -- codec)" },
  // 'ma4-20' (4-20 mA counts scaled to 0..100, full float64 mantissas): 1.791 B; 'analog-x0.1': 1.651 B; 'drift': 1.022 B.
  scaled: { bytesPerReading: 1.791, measured: true, source: "bench/codec.bench.ts 'ma4-20' (npm run bench -- codec)" },
  // 'counter' (monotonic energy meter): 1.537 B; 'step' (setpoint steps every few minutes): 0.924 B.
  counter: { bytesPerReading: 1.537, measured: true, source: "bench/codec.bench.ts 'counter' (npm run bench -- codec)" },
  // 'boolean' with rare changes: 0.909 B.
  boolean: { bytesPerReading: 0.909, measured: true, source: "bench/codec.bench.ts 'boolean' (npm run bench -- codec)" },
  // Not benched: strings that rarely change, run-length coded; an estimate on the high side.
  text: { bytesPerReading: 2, measured: false, source: 'estimate (not benched): run-length coded strings' },
};

/** Blocks are blobs in b-tree pages: interior pages, cell headers and part-filled pages (assumed, not measured). */
export const PAGE_OVERHEAD = 0.1;

/**
 * One rollup row with its b-tree pages. Measured: the rollups table of migration 003
 * (WITHOUT ROWID, 15 columns), a day of 1 min and 1 h rows for 100 tags of noisy analog
 * values, the hour rows rewritten every minute as the engine maintains them, WAL
 * checkpointed: 146,400 rows in 14,745,600 B of pages (dbstat) = 100.7 B a row. Command:
 * the script in docs/capacity.md ("Measuring a rollup row"), run with node from the repo root.
 */
export const ROLLUP_ROW_BYTES = 100;
/** Rollup rows per tag per day: 1 min buckets plus 1 h buckets. */
export const ROLLUP_ROWS_PER_TAG_DAY = 1440 + 24;

/**
 * The hot table before compaction: bytes per reading (the row store, `npm run bench --
 * store`: 34 B per reading) and at most how long readings stay there: the engine compacts
 * every 60 s the 10-minute slices that ended 5 min ago (electron/core/store/store.ts,
 * history.ts), so at most 10 + 5 + 1 = 16 min.
 */
export const HOT_BYTES_PER_READING = 34;
export const HOT_WINDOW_MS = 16 * 60_000;

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
