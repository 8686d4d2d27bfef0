// `npm start`: builds and launches the Electron app against the embedded demo plant.
// Electron downloads its binary on first run; on machines without internet access
// (like the CI machines) that fails — use `npx sensorvault demo` there instead.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const require = createRequire(import.meta.url);
const electronCli = path.join(path.dirname(require.resolve('electron/package.json')), 'cli.js');
const result = spawnSync(process.execPath, [electronCli, root, ...process.argv.slice(2)], { stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write('\nElectron did not start. Without a downloadable Electron binary, run the same app headless:\n  npx sensorvault demo\n');
}
process.exit(result.status ?? 1);
