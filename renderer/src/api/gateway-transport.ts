import type { Transport } from '../../../shared/api/client.js';
import type { LinkMonitor, LinkState } from './link.js';

export interface GatewayTransportOptions {
  /** Origin of the gateway, e.g. `http://127.0.0.1:8080` (the page's own origin). */
  origin: string;
  fetch?: typeof fetch;
  createSocket?: (url: string) => WebSocket;
  /** First reconnect delay; doubles per failed attempt up to `maxBackoffMs`, with jitter. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
  random?: () => number;
}

type Listener = (payload: unknown) => void;

/**
 * The gateway's protocol: `POST /api/<channel>` with JSON params answering an envelope,
 * and one WebSocket at `/api/events` carrying `{channel, payload}` messages. Auth is the
 * HttpOnly cookie the gateway set when the user opened `/?token=…`.
 * Nothing touches the network until `start()` (or the first `invoke`).
 */
export class GatewayTransport implements Transport, LinkMonitor {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly changeListeners = new Set<(state: LinkState) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private state: LinkState = { kind: 'connecting' };
  private socket: WebSocket | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private wasLost = false;
  private running = false;

  constructor(private readonly options: GatewayTransportOptions) {}

  /** Opens the event stream; it reconnects on its own until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'closed by the UI');
  }

  async invoke(channel: string, params: unknown): Promise<unknown> {
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    const url = `${this.options.origin}/api/${channel}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params ?? {}),
      });
    } catch (error) {
      throw new Error(`cannot reach the SensorVault host at ${this.options.origin} (${error instanceof Error ? error.message : String(error)})`);
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      if (response.status === 401 || response.status === 403) {
        return { ok: false, error: { code: 'unauthorized', message: `the host refused the request (HTTP ${response.status})` } };
      }
      throw new Error(`the host answered HTTP ${response.status} without a JSON envelope`);
    }
  }

  subscribe(channel: string, listener: Listener): () => void {
    let set = this.listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  current(): LinkState {
    return this.state;
  }

  onChange(listener: (state: LinkState) => void): () => void {
    this.changeListeners.add(listener);
    return () => {
      this.changeListeners.delete(listener);
    };
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => {
      this.reconnectListeners.delete(listener);
    };
  }

  private connect(): void {
    this.retryTimer = undefined;
    if (!this.running) return;
    const wsOrigin = this.options.origin.replace(/^http/, 'ws');
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    let socket: WebSocket;
    try {
      socket = create(`${wsOrigin}/api/events`);
    } catch (error) {
      this.scheduleRetry(error instanceof Error ? error.message : String(error));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempts = 0;
      this.setState({ kind: 'open' });
      if (this.wasLost) {
        this.wasLost = false;
        for (const listener of [...this.reconnectListeners]) listener();
      }
    };
    socket.onmessage = (message: MessageEvent) => {
      if (this.socket !== socket || typeof message.data !== 'string') return;
      this.dispatch(message.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      const reason = event.reason !== '' ? event.reason : event.code === 1006 ? 'connection dropped' : `closed with code ${event.code}`;
      this.scheduleRetry(reason);
    };
  }

  private dispatch(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { channel, payload } = message as { channel?: unknown; payload?: unknown };
    if (typeof channel !== 'string') return;
    const set = this.listeners.get(channel);
    if (set === undefined) return;
    // createClient validates the payload against the contract before UI code sees it.
    for (const listener of [...set]) listener(payload);
  }

  private scheduleRetry(reason: string): void {
    if (!this.running) return;
    const now = this.options.now ?? Date.now;
    const random = this.options.random ?? Math.random;
    const min = this.options.minBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 10_000;
    const base = Math.min(max, min * 2 ** this.attempts);
    // Jitter keeps many open tabs from reconnecting in lockstep after a host restart.
    const delay = Math.round(base * (0.5 + random() * 0.5));
    this.attempts += 1;
    this.wasLost = true;
    this.setState({ kind: 'lost', retryAt: now() + delay, attempts: this.attempts, reason });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private setState(state: LinkState): void {
    this.state = state;
    for (const listener of [...this.changeListeners]) listener(state);
  }
}
