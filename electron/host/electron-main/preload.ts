/*
 * ============================================================================
 * PRELOAD — DANGER ZONE. This script runs with access to ipcRenderer inside a
 * sandboxed, context-isolated renderer. It exposes exactly one object,
 * `window.sensorvault`: the named functions of the shared contract. It must never
 * expose ipcRenderer, a generic send/invoke, or anything from Node.
 * Bundled to one CommonJS file (preload.cjs): a sandboxed preload cannot be ESM.
 * ============================================================================
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createClient } from '../../../shared/api/client.js';

const api = createClient({
  invoke: (channel, params) => ipcRenderer.invoke(channel, params),
  subscribe: (channel, listener) => {
    const handler = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
});

contextBridge.exposeInMainWorld('sensorvault', api);
