import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Real pty pairs from socat (Debian `socat`), for serial tests without hardware: bytes
 * written to one end come out of the other. Baud rate and parity are not emulated. Each
 * pair is one socat process started here and killed by its PID on close().
 */
export const SOCAT = '/usr/bin/socat';
export const socatAvailable = existsSync(SOCAT);

export interface PtyPair {
  /** Link to the first pty (give this one to the driver). */
  readonly a: string;
  /** Link to the second pty (the slave's end). */
  readonly b: string;
  readonly pid: number;
  /** Kills socat (the driver's port then closes) and removes the temp dir. */
  close(): Promise<void>;
}

export async function startPtyPair(timeoutMs = 10_000): Promise<PtyPair> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-pty-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const child: ChildProcess = spawn(SOCAT, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('socat did not start');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socat not ready within ${timeoutMs} ms: ${log}`)), timeoutMs);
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        // socat logs this once both ptys exist and the links are in place.
        if (log.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`socat exited with ${code}: ${log}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  return {
    a,
    b,
    pid,
    async close() {
      if (closed) return;
      closed = true;
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
        }, 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
