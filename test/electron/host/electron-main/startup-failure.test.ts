import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startupFailureDialog } from '../../../../electron/host/electron-main/startup-failure.js';
import { DatabaseLockedError, Store } from '../../../../electron/core/store/store.js';
import { silentLogger } from '../../../../electron/core/log.js';
import { root } from '../../../support/cli.js';
import { tempDir } from '../../../support/project.js';

// The Electron binary cannot run here (none is downloadable on the build machines), so the
// Electron host's start-up failure dialog is decided by a pure function, tested here with a
// real refused database; main.ts only passes its result to dialog.showErrorBox and quits.
describe('startupFailureDialog', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir('sensorvault-startup-');
  });
  afterEach(() => tmp.remove());

  const open = (file: string) => Store.open({ path: file, retention: { maxAgeDays: 30, maxSizeMiB: 1024 }, log: silentLogger });

  it('names the process that writes the database, since when, and what to do', async () => {
    const file = tmp.file('sensorvault.db');
    const first = await open(file);
    try {
      const refused = await open(file).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(DatabaseLockedError);
      const holder = (refused as DatabaseLockedError).holder!;
      const box = startupFailureDialog(refused, holder.since + 90_000);
      expect(box?.title).toBe('SensorVault is already using this database');
      expect(box?.message).toContain(file);
      expect(box?.message).toContain(`PID ${process.pid}`);
      expect(box?.message).toContain(`(${holder.command})`);
      expect(box?.message).toContain(`since ${new Date(holder.since).toISOString().replace(/\.\d{3}Z$/, 'Z')} (90 s ago)`);
      expect(box?.detail).toMatch(/Close that SensorVault window, or stop ".+" \(Ctrl-C in its terminal, or end process \d+\), then start SensorVault again/);
      expect(box?.detail).toContain(`sensorvault history --db ${file}`);
    } finally {
      await first.close();
    }
  });

  it('still says what to do when the other process has not recorded who it is', () => {
    const box = startupFailureDialog(new DatabaseLockedError('/data/x.db', undefined));
    expect(box?.message).toMatch(/^\/data\/x\.db is already being written by another SensorVault process/);
    expect(box?.detail).toMatch(/Close the other SensorVault window/);
  });

  it('shows any other start-up failure as it is', () => {
    expect(startupFailureDialog(new Error('project.json: devices[0].settings.port: must be ≤ 65535'))).toEqual({
      title: 'SensorVault could not start',
      message: 'project.json: devices[0].settings.port: must be ≤ 65535',
      detail: expect.stringMatching(/start SensorVault again/),
    });
    expect(startupFailureDialog(undefined)).toBeUndefined();
  });

  it('is what main.ts shows with dialog.showErrorBox before quitting, and imports no electron', () => {
    const dir = path.join(root, 'electron', 'host', 'electron-main');
    const main = readFileSync(path.join(dir, 'main.ts'), 'utf8');
    expect(main).toMatch(/const box = startupFailureDialog\(error\);\s*if \(box !== undefined\) dialog\.showErrorBox\(box\.title, `\$\{box\.message\}\\n\\n\$\{box\.detail\}`\);\s*app\.exit\(1\);/);
    expect(main).toMatch(/app\.whenReady\(\)\.then\(boot\)\.catch\(failStartup\)/);
    expect(readFileSync(path.join(dir, 'startup-failure.ts'), 'utf8')).not.toMatch(/from 'electron/);
  });
});
