import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliBin = path.join(root, 'bin', 'sensorvault.js');

/** The CLI tests run the real, built command; `npm test` builds before running them. */
export function assertBuilt(): void {
  if (!existsSync(path.join(root, 'dist', 'electron', 'cli', 'main.js')) || !existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
    throw new Error('dist/ is not built: run `npm run build` (npm test does this first)');
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: options.cwd ?? root, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sensorvault ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface LongRunning {
  child: ChildProcess;
  firstLine: string;
  /** All of stdout so far. */
  stdout(): string;
  stderr(): string;
  /** SIGINT, then waits for exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running command and resolves with its first stdout line (the URL). */
export function startCli(args: string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<LongRunning> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: options.cwd ?? root, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    let exited = false;
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => { exited = true; r(code); }));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no first line from sensorvault ${args.join(' ')} within ${options.timeoutMs ?? 30_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const nl = stdout.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({
          child,
          firstLine: stdout.slice(0, nl),
          stdout: () => stdout,
          stderr: () => stderr,
          stop: async () => {
            if (!exited) child.kill('SIGINT');
            const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            const code = await exit;
            clearTimeout(killer);
            return code;
          },
        });
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      if (!stdout.includes('\n')) reject(new Error(`sensorvault ${args.join(' ')} exited (${code}) before printing a URL\n${stderr}`));
    });
  });
}
