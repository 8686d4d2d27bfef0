// Builds everything the hosts need into dist/:
//   dist/electron, dist/shared   — the core, hosts and CLI (tsc, ESM, Node 20)
//   dist/electron/host/electron-main/preload.cjs — one bundled CommonJS file, as a
//       sandboxed preload must be (see ../shared/LIBRARIES.md)
//   dist/renderer                — the React UI (vite), served by the gateway
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

if (!existsSync(bin('tsc'))) {
  process.stderr.write('build: node_modules is missing; run `npm install` first\n');
  process.exit(1);
}
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run(bin('tsc'), ['-p', 'electron/tsconfig.build.json']);
run(bin('esbuild'), [
  'electron/host/electron-main/preload.ts',
  '--bundle', '--platform=node', '--format=cjs', '--target=node20',
  '--external:electron',
  '--outfile=dist/electron/host/electron-main/preload.cjs',
  '--log-level=warning',
]);
run(bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
