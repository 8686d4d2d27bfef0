/**
 * Tags CSV bench (run: npx tsx bench/csv.bench.ts, or npm run bench csv). 50,000 tags on
 * one Modbus TCP device, every column filled the way a real file fills it (mixed scaling
 * kinds, quality rules, quoted descriptions). Two figures, each against a reference
 * measured in the same run on the same rows:
 *  1. exportTagsCsv vs a bare Papa.unparse of the same string rows (what the CSV text
 *     itself costs; the difference is expansion and building the cells).
 *  2. importTagsCsv (chunked parse with yields, every row validated, diff, merge, the
 *     final project check) vs a bare Papa.parse of the same text.
 * Medians of 3 runs after a warm-up. Bounded to well under 60 s on a slow machine.
 */
import Papa from 'papaparse';
import { TAG_CSV_COLUMNS, exportTagsCsv, importTagsCsv } from '../shared/mapping/csv.js';
import { ProjectSchema } from '../shared/project.js';

const ROWS = 50_000;
const round = (x: number, d = 2) => Number(x.toFixed(d));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function project() {
  const scalings = [
    { kind: 'none' },
    { kind: 'linear', factor: 0.1, offset: -40 },
    { kind: 'range', rawLow: 0, rawHigh: 27648, low: 0, high: 100 },
    { kind: 'ma4-20', rawAt4mA: 6400, rawAt20mA: 32000, low: 0, high: 16 },
  ];
  const tags = Array.from({ length: ROWS }, (_, i) => ({
    id: `t${i}`,
    name: `Tag ${i}`,
    description: i % 5 === 0 ? `Zone ${i}, "north"; line ${i % 7}` : `Zone ${i}`,
    assetPath: `acme/site-${i % 3}/area-${i % 11}/line-${i % 17}`,
    address: `hr:${i % 65000}`,
    pollGroup: 'fast',
    unit: i % 2 === 0 ? 'Cel' : 'bar',
    scaling: scalings[i % scalings.length],
    ...(i % 4 === 0 ? { quality: { range: { low: 0, high: 100 }, sentinels: [{ raw: -32768, reason: 'wire break' }] } } : {}),
    ...(i % 3 === 0 ? { deadband: { kind: 'absolute', value: 0.5 } } : {}),
    decimals: 1,
  }));
  return ProjectSchema.parse({ schemaVersion: 2, name: 'bench', devices: [{ id: 'plc', name: 'PLC', driver: 'modbus-tcp', settings: {}, pollGroups: [{ id: 'fast', intervalMs: 1000 }], tags }] });
}

async function time(fn: () => unknown | Promise<unknown>, runs = 3): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

async function main() {
  const started = performance.now();
  const p = project();
  const { csv, rows } = exportTagsCsv(p);
  const table = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
  const exportMs = await time(() => exportTagsCsv(p));
  const rawUnparseMs = await time(() => Papa.unparse({ fields: [...TAG_CSV_COLUMNS], data: table.slice(1) }, { newline: '\r\n' }));
  let yields = 0;
  let progressEvents = 0;
  let longestGapMs = 0;
  const importOnce = async () => {
    let last = performance.now();
    const result = await importTagsCsv(p, csv.replace('Tag 49999', 'Tag 49999 edited'), {
      onProgress: () => progressEvents++,
      yieldNow: () => {
        yields++;
        const now = performance.now();
        longestGapMs = Math.max(longestGapMs, now - last);
        return new Promise<void>((r) =>
          setImmediate(() => {
            last = performance.now();
            r();
          }),
        );
      },
    });
    longestGapMs = Math.max(longestGapMs, performance.now() - last);
    if (result.updates.length !== 1 || result.errors.length > 0) throw new Error(`unexpected import result: ${JSON.stringify(result.errors.slice(0, 3))}`);
  };
  const importMs = await time(importOnce);
  const rawParseMs = await time(() => Papa.parse<string[]>(csv, { skipEmptyLines: true }));
  const summary = {
    bench: 'tags-csv',
    rows,
    columns: TAG_CSV_COLUMNS.length,
    csvMiB: round(csv.length / 1048576),
    export: { ms: round(exportMs, 0), rawPapaUnparseMs: round(rawUnparseMs, 0), ratio: round(exportMs / rawUnparseMs), rowsPerS: Math.round(rows / (exportMs / 1000)) },
    import: { ms: round(importMs, 0), rawPapaParseMs: round(rawParseMs, 0), ratio: round(importMs / rawParseMs), rowsPerS: Math.round(rows / (importMs / 1000)) },
    // Over the 4 imports (warm-up included): how often the import gave the event loop back, and the longest stretch without (ms), the final merge included.
    nonBlocking: { yieldsPerImport: Math.round(yields / 4), progressEventsPerImport: Math.round(progressEvents / 4), longestBlockMs: round(longestGapMs, 0) },
    seconds: round((performance.now() - started) / 1000, 1),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

await main();
