/*
 * ============================================================================
 * Electron host. This is the only place in electron/ that imports `electron`.
 * It cannot run on the build machines (no Electron binary is downloadable there),
 * so it stays thin and type-checked: it starts the same core Runtime as the
 * headless host and bridges the shared contract over IPC.
 * ============================================================================
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, session, shell } from 'electron';
import { eventNames, events, requestNames, requests } from '../../../shared/api/contract.js';
import { createRouter } from '../../../shared/api/router.js';
import { createDriverRegistry } from '../../core/drivers/registry.js';
import { createLogger } from '../../core/log.js';
import { loadProjectFile, parseProjectText } from '../../core/project/validate.js';
import { Runtime } from '../../core/runtime.js';
import { startDemoPlant } from '../../demo/plant.js';
import { startupFailureDialog } from './startup-failure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// dist/electron/host/electron-main -> package root
const root = path.resolve(here, '..', '..', '..', '..');
const rendererIndex = path.join(root, 'dist', 'renderer', 'index.html');
const preload = path.join(here, 'preload.cjs');
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

async function boot(): Promise<void> {
  const log = createLogger('electron');
  const registry = createDriverRegistry();
  const projectArg = process.argv.find((a) => a.startsWith('--project='))?.slice('--project='.length);
  let stopPlant: (() => Promise<void>) | undefined;
  let compiled;
  if (projectArg !== undefined) {
    compiled = await loadProjectFile(projectArg, registry);
  } else {
    // No project given: run the embedded demo plant, as `sensorvault demo` does.
    const plant = await startDemoPlant({ host: '127.0.0.1', port: 0 });
    stopPlant = plant.close;
    const file = path.join(root, 'resources', 'demo', 'plant.project.json');
    const document = JSON.parse(await readFile(file, 'utf8')) as { devices: Array<{ settings: Record<string, unknown> }> };
    for (const device of document.devices) device.settings.port = plant.port;
    compiled = parseProjectText(JSON.stringify(document), file, registry);
  }
  const dbPath = path.join(app.getPath('userData'), projectArg === undefined ? 'demo.db' : 'sensorvault.db');
  let runtime: Runtime;
  try {
    runtime = await Runtime.start({
      compiled,
      dbPath,
      dataDir: app.getPath('userData'),
      ...(projectArg === undefined ? {} : { projectPath: path.resolve(projectArg) }),
      log,
      host: 'electron',
      version: app.getVersion(),
      registry,
    });
  } catch (error) {
    // E.g. DatabaseLockedError: another SensorVault writes this database. Nothing to keep running.
    await stopPlant?.();
    throw error;
  }
  const router = createRouter(runtime.handlers, (channel, error) => log.error('request failed', { channel, error: String(error) }));

  // Deny everything the UI does not need: permissions, navigation, new windows.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });

  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'SensorVault',
    backgroundColor: '#101418',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });

  const rendererUrl = new URL(`file://${rendererIndex}`).href;
  for (const name of requestNames) {
    ipcMain.handle(requests[name].channel, (event, params: unknown) => {
      // Only our own page may call the core.
      if (event.senderFrame?.url !== rendererUrl) {
        return { ok: false, error: { code: 'unauthorized', message: 'request from an unknown frame' } };
      }
      return router(requests[name].channel, params);
    });
  }
  const disposers = eventNames.map((name) =>
    runtime.on(name, (payload: unknown) => {
      if (!window.isDestroyed()) window.webContents.send(events[name].channel, payload);
    }),
  );

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    for (const dispose of disposers) dispose();
    void runtime
      .stop()
      .then(() => stopPlant?.())
      .finally(() => app.exit(0));
  });
  await window.loadFile(rendererIndex);
}

/** Start-up failed (e.g. the database is written by another process): say so in a dialog, then quit. */
function failStartup(error: unknown): void {
  process.stderr.write(`sensorvault: ${error instanceof Error ? error.message : String(error)}\n`);
  const box = startupFailureDialog(error);
  if (box !== undefined) dialog.showErrorBox(box.title, `${box.message}\n\n${box.detail}`);
  app.exit(1);
}

app.on('window-all-closed', () => app.quit());
// boot's own failures too (a rejection handler beside `boot` would only see whenReady's).
app.whenReady().then(boot).catch(failStartup);
