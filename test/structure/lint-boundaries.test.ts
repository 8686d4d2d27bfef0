import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Runs the project's real ESLint config on probe sources placed (virtually) in each
// runtime folder, proving that `npm run lint` fails on a forbidden import.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: root });

async function errorsFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('runtime boundaries are enforced by lint', () => {
  it.each([
    ['electron/core/probe.ts', 'electron', "import { app } from 'electron';\nexport const x = app;\n", /only electron\/host\/electron-main may import electron/],
    ['electron/core/drivers/probe.ts', 'electron/main', "import { ipcMain } from 'electron/main';\nexport const x = ipcMain;\n", /only electron\/host\/electron-main/],
    ['shared/probe.ts', 'node:fs', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /shared\/ is pure/],
    ['shared/probe.ts', 'the core', "import { Runtime } from '../electron/core/runtime.js';\nexport const x = Runtime;\n", /must not import from electron\/ or renderer\//],
    ['renderer/src/probe.ts', 'net', "import net from 'net';\nexport const x = net;\n", /DOM only/],
    ['renderer/src/probe.ts', 'the core', "import { Runtime } from '../../electron/core/runtime.js';\nexport const x = Runtime;\n", /go through shared\/api/],
    ['electron/core/probe.ts', 'zustand', "import { create } from 'zustand';\nexport const x = create;\n", /must not import the renderer or UI libraries/],
  ])('%s may not import %s', async (file, _what, code, message) => {
    const errors = await errorsFor(file, code);
    expect(errors.join('\n')).toMatch(message);
  });

  it('allows the Electron host to import electron', async () => {
    const errors = await errorsFor('electron/host/electron-main/probe.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(errors).toEqual([]);
  });

  it('refuses console.log as logging in the core', async () => {
    const errors = await errorsFor('electron/core/probe.ts', "export function f(): void {\n  console.log('x');\n}\n");
    expect(errors.join('\n')).toMatch(/no-console/);
  });
});
