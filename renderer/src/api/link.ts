import type { UtcMillis } from '../../../shared/reading.js';

/** State of the link between this UI and the SensorVault host. */
export type LinkState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  /** The event stream dropped; the next attempt is due at `retryAt` (UTC ms). */
  | { kind: 'lost'; retryAt: UtcMillis; attempts: number; reason: string };

/** Lets the UI show the link and re-fetch its snapshots after an outage. */
export interface LinkMonitor {
  current(): LinkState;
  /** Called on every change of state; returns its disposer. */
  onChange(listener: (state: LinkState) => void): () => void;
  /** Called each time the link opens again after having been lost; returns its disposer. */
  onReconnect(listener: () => void): () => void;
}

/** Electron's IPC bridge has no link to lose. */
export function alwaysOpenLink(): LinkMonitor {
  const state: LinkState = { kind: 'open' };
  return { current: () => state, onChange: () => () => {}, onReconnect: () => () => {} };
}
