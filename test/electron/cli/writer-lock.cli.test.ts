import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockFileOf, writerInfoFileOf } from '../../../electron/core/store/writer-lock.js';
import { type LongRunning, assertBuilt, runCli, startCli } from '../../support/cli.js';
import { modbusProject, tempDir } from '../../support/project.js';

// One writer per database, with real processes of the built CLI on one real SQLite file:
// the case (two `demo` in one folder), a gateway and a run refused while it
// writes, history reading meanwhile, and a restart right after kill -9.
const tmp = tempDir('sensorvault-lock-');
const env = { SENSORVAULT_HOME: tmp.file('home') };
const started: LongRunning[] = [];

beforeAll(() => assertBuilt());
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  tmp.remove();
});

async function start(args: string[]): Promise<LongRunning> {
  const process = await startCli(args, { cwd: tmp.dir, env, timeoutMs: 180_000 });
  started.push(process);
  return process;
}

/** The one `sensorvault: ...` line the CLI prints for an error (library warnings aside). */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('sensorvault: '));
}

function killed(p: LongRunning): Promise<void> {
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

describe('one writer per database', () => {
  it('refuses a second writer naming the first, lets history read, and survives kill -9', { timeout: 600_000 }, async () => {
    const db = tmp.file('plant.db');
    const first = await start(['demo', '--db', db]);
    expect(first.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const pid = first.child.pid!;
    const info = JSON.parse(readFileSync(writerInfoFileOf(db), 'utf8')) as { pid: number; command: string; since: number };
    expect(info.pid).toBe(pid);
    expect(info.command).toBe(`sensorvault demo --db ${db}`);

    // The case: a second demo on the same file.
    const demo = await runCli(['demo', '--db', db], { cwd: tmp.dir, env, timeoutMs: 180_000 });
    expect(demo.code).toBe(1);
    expect(demo.stdout).toBe('');
    const [line, ...more] = errorLines(demo.stderr);
    expect(more).toEqual([]);
    expect(line).toContain(`${db} is already being written by another SensorVault process: PID ${pid} (sensorvault demo --db ${db}), since ${new Date(info.since).toISOString().slice(0, 19)}`);
    expect(line).toMatch(/stop that process first.*kill \d+.*or pass --db with another file/);

    const gateway = await runCli(['gateway', '--db', db], { cwd: tmp.dir, env, timeoutMs: 180_000 });
    expect(gateway.code).toBe(1);
    expect(gateway.stdout).toBe('');
    expect(errorLines(gateway.stderr)).toEqual([expect.stringContaining(`PID ${pid} (sensorvault demo`)]);

    const project = tmp.file('project.json');
    writeFileSync(project, JSON.stringify(modbusProject(1, [{ id: 'flow', address: 'hr:10' }])));
    const run = await runCli(['run', '--project', project, '--db', db, '--for', '1h'], { cwd: tmp.dir, env, timeoutMs: 180_000 });
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([expect.stringContaining(`PID ${pid} (sensorvault demo`)]);

    // Readers are not writers.
    const history = await runCli(['history', '--db', db, '--tag', 'plant-running', '--from', 'yesterday'], { cwd: tmp.dir, env, timeoutMs: 180_000 });
    expect(history.stderr).toBe('');
    expect(history.code).toBe(0);
    expect(history.stdout.split('\n')[0]).toBe('ts,value,quality,status,receive_ts');

    // A killed writer leaves its record behind, but not its lock: a restart gets in at once.
    await killed(first);
    expect(existsSync(writerInfoFileOf(db))).toBe(true);
    const restarted = await start(['gateway', '--db', db]);
    expect(restarted.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const now = JSON.parse(readFileSync(writerInfoFileOf(db), 'utf8')) as { pid: number; command: string };
    expect(now).toMatchObject({ pid: restarted.child.pid, command: `sensorvault gateway --db ${db}` });
    const refused = await runCli(['gateway', '--db', db], { cwd: tmp.dir, env, timeoutMs: 180_000 });
    expect(errorLines(refused.stderr)).toEqual([expect.stringContaining(`PID ${restarted.child.pid} (sensorvault gateway --db ${db})`)]);

    // A clean stop releases it: the record goes, the next writer starts.
    expect(await restarted.stop()).toBe(0);
    expect(existsSync(writerInfoFileOf(db))).toBe(false);
    expect(existsSync(lockFileOf(db))).toBe(true);
    const next = await start(['gateway', '--db', db]);
    expect(next.firstLine).toMatch(/^http:/);
    expect(await next.stop()).toBe(0);
  });
});
