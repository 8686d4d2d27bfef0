// `npm test`: the single gate. Build, type-check, lint (zero warnings), then unit,
// integration and end-to-end tests in one vitest run. The last line of output is
// always `N passed, N failed`, with type-check and lint counted as one check each.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
let passed = 0;
let failed = 0;

function step(title, cmd, args) {
  process.stdout.write(`\n== ${title}\n`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status === 0) {
    passed++;
    return true;
  }
  failed++;
  process.stdout.write(`== ${title}: FAILED\n`);
  return false;
}

function ensureSystemPackages() {
  // e2e tests drive Debian's Chromium, RTU tests need socat's pty pairs, MQTT tests a
  // real mosquitto broker. Install them where we can (root on Debian).
  const needed = [
    ['chromium', '/usr/bin/chromium'],
    ['socat', '/usr/bin/socat'],
    ['mosquitto', '/usr/sbin/mosquitto'],
    ['openssl', '/usr/bin/openssl'],
  ].filter(([, file]) => !existsSync(file));
  if (needed.length === 0) return;
  const names = needed.map(([name]) => name);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    process.stdout.write(`== installing Debian packages: ${names.join(' ')}\n`);
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...names], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return;
  }
  process.stderr.write(`The tests need these system packages: ${names.join(' ')}\nInstall them with: sudo apt-get install -y ${names.join(' ')}\n`);
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}

ensureSystemPackages();
if (!step('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')])) {
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exit(1);
}
step('type-check', 'npm', ['run', '--silent', 'typecheck']);
step('lint', bin('eslint'), ['--max-warnings', '0', '.']);

const report = path.join(root, '.tmp', 'vitest-report.json');
mkdirSync(path.dirname(report), { recursive: true });
rmSync(report, { force: true });
process.stdout.write('\n== unit, integration and end-to-end tests\n');
spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { cwd: root, stdio: 'inherit' });
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests ?? 0;
  failed += json.numFailedTests ?? 0;
  // A file that failed without a failing test (it did not load, or a hook threw) counts once.
  const brokenFiles = (json.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'));
  failed += brokenFiles.length;
  if (failed === 0 && json.success === false) failed++;
  if ((json.numTotalTests ?? 0) === 0) failed++;
} else {
  failed++;
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
