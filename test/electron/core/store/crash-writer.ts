// Child process for crash.test.ts (run: node --import tsx crash-writer.ts <db> <run>): appends forever and prints the total committed after
// each append resolves. The test SIGKILLs it at a random moment.
import { silentLogger } from '../../../../electron/core/log.js';
import { Store } from '../../../../electron/core/store/store.js';
import type { Reading } from '../../../../shared/reading.js';

const path = process.argv[2];
const run = Number(process.argv[3] ?? 0);
if (path === undefined) throw new Error('usage: crash-writer <db> <run>');
const store = await Store.open({ path, retention: { maxAgeDays: 3650, maxSizeMiB: 4096 }, log: silentLogger });
// Each run writes its own time range, so the test can count per run.
const T0 = Date.UTC(2026, 0, 1) + run * 1e9;
let committed = 0;
for (let batch = 0; ; batch++) {
  const readings: Reading[] = [];
  for (let i = 0; i < 2000; i++) readings.push({ tagId: `tag${i % 100}`, ts: T0 + batch * 20 + Math.floor(i / 100), value: batch * 2000 + i, quality: 'good' });
  await store.append(readings);
  committed += readings.length;
  process.stdout.write(`${committed}\n`);
}
