import { createClient } from '../../../shared/api/client.js';
import type { SensorVaultApi } from '../../../shared/api/contract.js';
import { GatewayTransport } from './gateway-transport.js';
import { alwaysOpenLink, type LinkMonitor } from './link.js';

declare global {
  interface Window {
    /** Set by the Electron preload: the contract's named functions over IPC. */
    sensorvault?: SensorVaultApi;
  }
}

export interface HostConnection {
  api: SensorVaultApi;
  link: LinkMonitor;
  kind: 'electron' | 'gateway';
  /** Opens event streams; nothing touches the network before this. */
  start(): void;
  stop(): void;
}

/** Electron's preload API when present, otherwise the gateway that served this page. */
export function connectToHost(win: Window): HostConnection {
  const bridged = win.sensorvault;
  if (bridged !== undefined) {
    return { api: bridged, link: alwaysOpenLink(), kind: 'electron', start: () => {}, stop: () => {} };
  }
  const transport = new GatewayTransport({ origin: win.location.origin });
  return {
    api: createClient(transport),
    link: transport,
    kind: 'gateway',
    start: () => transport.start(),
    stop: () => transport.stop(),
  };
}
