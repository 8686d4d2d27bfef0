// Child process for compaction-crash.test.ts (run: node --import tsx compact-crash-child.ts <db>):
// fills the store with 200 tags x 1 h at 1 Hz (prints "filled <n>"), then compacts
// everything (prints "compacting" first); the test SIGKILLs it during the compaction.
import { silentLogger } from '../../../../electron/core/log.js';
import { Store } from '../../../../electron/core/store/store.js';
import type { Reading } from '../../../../shared/reading.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: compact-crash-child <db>');
const T0 = Date.UTC(2026, 0, 1);
const store = await Store.open({ path, retention: { maxAgeDays: 3650, maxSizeMiB: 1 << 20 }, log: silentLogger, compaction: false });
let n = 0;
for (let s = 0; s < 3600; s += 50) {
  const batch: Reading[] = [];
  for (let k = s; k < s + 50; k++) for (let t = 0; t < 200; t++) batch.push({ tagId: `t${t}`, ts: T0 + k * 1000 + (t % 9), value: t * 100_000 + k, quality: k % 97 === 0 ? 'uncertain' : 'good' });
  await store.append(batch);
  n += batch.length;
}
process.stdout.write(`filled ${n}\ncompacting\n`);
await store.compactNow();
process.stdout.write('compacted\n');
await store.close();
