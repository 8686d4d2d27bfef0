// Shared by the store tests: a temp directory per test and a logger that keeps its lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type Logger } from '../../../../electron/core/log.js';

export interface TempDir {
  dir: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-store-'));
  return { dir, file: (name) => path.join(dir, name), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('store-test', { level: 'debug', write: (l) => lines.push(l) }), lines };
}
