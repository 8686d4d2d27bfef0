/**
 * Block codec bench (run: npm run bench -- codec). Per signal class of bench/lib/signals.ts
 * and for the realistic mix, blocks of 600 readings (10 minutes at 1 Hz of one tag):
 *  1. bytes per reading after encodeBlock vs the plain 26-byte row (the ratio);
 *  2. encode and decode readings/s vs a reference measured in the same run: copying the
 *     same columns element by element into other typed arrays (the floor of any codec
 *     that touches every value). Targets: decode >= 20M/s, encode >= 5M/s on numeric blocks.
 * Each timing is the best of 5 interleaved rounds of at least 100 ms; rates are per second
 * of this process's CPU time (wall-time rates are shown too). About 30 s in all.
 */
import os from 'node:os';
import { decodeBlock, encodeBlock, type BlockColumns } from '../electron/core/store/block-codec.js';
import { realisticMix, SIGNAL_CLASSES, SIGNAL_DESCRIPTIONS, signals } from './lib/signals.js';

const ROWS = 600;
const BLOCKS = 200;
const PLAIN_ROW_BYTES = 26;
const T0 = Date.UTC(2026, 11, 1);

interface Rate {
  /** Readings per second of this process's CPU time (robust on a shared, loaded machine). */
  cpu: number;
  /** Readings per second of wall time. */
  wall: number;
}

/** One timing round: repeats `run` over the blocks for >= 100 ms of wall time. */
function round(blocks: number, readings: number, run: (b: number) => void): Rate {
  let reps = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let b = 0; b < blocks; b++) run(b);
    reps++;
    elapsed = performance.now() - start;
  } while (elapsed < 100);
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (reps * readings) / ((cpu.user + cpu.system) / 1e6), wall: (reps * readings) / (elapsed / 1000) };
}

/** Best of 5 interleaved rounds of each candidate, so load from other processes hits all alike. */
function rates(blocks: number, readings: number, runs: Array<(b: number) => void>): Rate[] {
  const best = runs.map(() => ({ cpu: 0, wall: 0 }));
  for (let r = 0; r < 5; r++) {
    runs.forEach((run, i) => {
      const x = round(blocks, readings, run);
      best[i]!.cpu = Math.max(best[i]!.cpu, x.cpu);
      best[i]!.wall = Math.max(best[i]!.wall, x.wall);
    });
  }
  return best;
}

function copyReference(blocks: BlockColumns[]): (b: number) => void {
  const ts = new Float64Array(ROWS);
  const num = new Float64Array(ROWS);
  const recv = new Float64Array(ROWS);
  const kind = new Uint8Array(ROWS);
  const quality = new Uint8Array(ROWS);
  const status = new Int32Array(ROWS);
  return (b) => {
    const c = blocks[b]!;
    for (let i = 0; i < c.count; i++) {
      ts[i] = c.ts[i]!;
      num[i] = c.num[i]!;
      recv[i] = c.recvDelta[i]!;
      kind[i] = c.kind[i]!;
      quality[i] = c.quality[i]!;
      status[i] = c.status[i]!;
    }
  };
}

interface Row {
  signal: string;
  bytesPerReading: number;
  ratioVsPlainRow: string;
  encodeMPerS: number;
  decodeMPerS: number;
  referenceMPerS: number;
  encodeVsReference: number;
  decodeVsReference: number;
  wallEncodeDecodeMPerS: string;
}

function measure(name: string, blocks: BlockColumns[]): Row {
  const readings = blocks.reduce((s, c) => s + c.count, 0);
  const encoded = blocks.map(encodeBlock);
  const bytes = encoded.reduce((s, e) => s + e.length, 0);
  let sink = 0;
  const [encodeRate, decodeRate, reference] = rates(blocks.length, readings, [
    (b) => {
      sink += encodeBlock(blocks[b]!).length;
    },
    (b) => {
      sink += decodeBlock(encoded[b]!).count;
    },
    copyReference(blocks),
  ]) as [Rate, Rate, Rate];
  if (sink < 0) console.log(sink);
  const m = (x: number) => Number((x / 1e6).toFixed(1));
  const bpr = bytes / readings;
  return {
    signal: name,
    bytesPerReading: Number(bpr.toFixed(3)),
    ratioVsPlainRow: `${(PLAIN_ROW_BYTES / bpr).toFixed(1)}x smaller`,
    encodeMPerS: m(encodeRate.cpu),
    decodeMPerS: m(decodeRate.cpu),
    referenceMPerS: m(reference.cpu),
    encodeVsReference: Number((encodeRate.cpu / reference.cpu).toFixed(3)),
    decodeVsReference: Number((decodeRate.cpu / reference.cpu).toFixed(3)),
    wallEncodeDecodeMPerS: `${m(encodeRate.wall)} / ${m(decodeRate.wall)}`,
  };
}

const MIX = 'realistic mix (7 classes)';
const rows: Row[] = [];
// Warm-up (JIT), not reported.
measure('warm-up', Array.from({ length: 20 }, (_, b) => realisticMix(b, ROWS, T0)));
for (const cls of SIGNAL_CLASSES) rows.push(measure(cls, Array.from({ length: BLOCKS }, (_, b) => signals[cls](ROWS, T0 + b * ROWS * 1000, 1 + b))));
rows.push(measure(MIX, Array.from({ length: BLOCKS + 10 }, (_, b) => realisticMix(b, ROWS, T0))));

console.log(`blocks of ${ROWS} readings at 1 Hz; plain row = ${PLAIN_ROW_BYTES} B; M/s = million readings per second of CPU time (wall time in the last column); reference = element-by-element copy of the same columns`);
console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores: wall-time figures suffer when other processes run`);
console.table(rows);
for (const cls of SIGNAL_CLASSES) console.log(`  ${cls}: ${SIGNAL_DESCRIPTIONS[cls]}`);
const mix = rows.find((r) => r.signal === MIX)!;
const numeric = rows.filter((r) => r.signal !== 'boolean' && r.signal !== MIX);
const minDecode = Math.min(...numeric.map((r) => r.decodeMPerS));
const minEncode = Math.min(...numeric.map((r) => r.encodeMPerS));
console.log(`target <= 4 B/reading on the mix: ${mix.bytesPerReading} B ${mix.bytesPerReading <= 4 ? 'ok' : 'MISSED'}`);
console.log(`target decode >= 20M/s on numeric blocks: slowest ${minDecode}M/s ${minDecode >= 20 ? 'ok' : 'MISSED'}`);
console.log(`target encode >= 5M/s on numeric blocks: slowest ${minEncode}M/s ${minEncode >= 5 ? 'ok' : 'MISSED'}`);
