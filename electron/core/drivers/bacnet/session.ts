import type { BACNetAddress } from '@bacnet-js/client';
import { StatusText } from '../../../../shared/reading.js';
import type { Logger } from '../../log.js';
import { AbortReason, BACnetClient, enumNames, ErrorClass, ErrorCode, RejectReason, type BACnetClientInstance } from './lib.js';
import { apduOffset, BacnetTransport, PDU_ABORT, PDU_REJECT } from './transport.js';

const errorClasses = enumNames(ErrorClass);
const errorCodes = enumNames(ErrorCode);
const abortReasons = enumNames(AbortReason);
const rejectReasons = enumNames(RejectReason);

export type FailureKind = 'error' | 'reject' | 'abort' | 'timeout' | 'closed' | 'invalid';

/** A confirmed request that did not succeed, classified, with the device's words. */
export class BacnetRequestError extends Error {
  override name = 'BacnetRequestError';
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly detail: { errorClass?: number; errorCode?: number; reason?: number } = {},
  ) {
    super(message);
  }
}

/** `property: unknown-property` — the error class and code as BACnet names them. */
export function errorWords(errorClass: number, errorCode: number): string {
  return `${errorClasses.byValue.get(errorClass) ?? `class ${errorClass}`}: ${errorCodes.byValue.get(errorCode) ?? `code ${errorCode}`}`;
}

export function abortWords(reason: number): string {
  return `aborted: ${abortReasons.byValue.get(reason) ?? `reason ${reason}`}`;
}

export function rejectWords(reason: number): string {
  return `rejected: ${rejectReasons.byValue.get(reason) ?? `reason ${reason}`}`;
}

/** Status text for a failed request, as it appears on bad samples. */
export function statusForError(error: unknown): string {
  if (error instanceof BacnetRequestError) return error.message;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}

export interface SessionOptions {
  bindAddress: string;
  bindPort: number;
  timeoutMs: number;
  retries: number;
  broadcastAddress?: string;
  log: Logger;
}

/** A request as the session runs it: it gets the invoke id to use. */
export type RequestFn<T> = (client: BACnetClientInstance, invokeId: number) => Promise<T>;

/**
 * One local BACnet/IP endpoint: the library client over our transport, a serial request queue
 * (the library reassembles segmented answers in one shared buffer, so two segmented answers in
 * flight would corrupt each other; most field devices serve one request at a time anyway),
 * invoke ids we choose (so a reject can be told from an abort), retries on timeout, and every
 * failure classified as error / reject / abort / timeout with the device's words.
 */
export class BacnetSession {
  readonly client: BACnetClientInstance;
  readonly transport: BacnetTransport;
  private nextInvokeId = 1;
  /** Reject/abort PDUs seen for an invoke id, just before the library reports them. */
  private readonly refusals = new Map<number, { kind: 'reject' | 'abort'; reason: number }>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  requests = 0;
  failures = 0;
  timeouts = 0;

  private constructor(private readonly options: SessionOptions) {
    this.transport = new BacnetTransport({
      bindAddress: options.bindAddress,
      bindPort: options.bindPort,
      broadcastAddress: options.broadcastAddress ?? '255.255.255.255',
      onReceive: (msg) => this.peek(msg),
      onDropped: (error, msg) => options.log.warn('dropped a BACnet datagram the library could not handle', { error: statusForError(error), bytes: msg.length }),
    });
    // The library opens the transport in its constructor; errors arrive as 'error' events.
    this.client = new BACnetClient({ transport: this.transport, apduTimeout: options.timeoutMs });
    this.client.on('error', (error: Error) => {
      if (!this.closed) options.log.warn('BACnet socket error', { error: error.message });
    });
  }

  /** Binds the local endpoint; rejects with a clear message when the port is taken. */
  static async open(options: SessionOptions, signal?: AbortSignal): Promise<BacnetSession> {
    const session = new BacnetSession(options);
    const where = `${options.bindAddress}:${options.bindPort}`;
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error & { code?: string }) => {
          cleanup();
          reject(
            new Error(
              error.code === 'EADDRINUSE'
                ? `local address ${where} is already in use (another device or BACnet tool bound it); choose another bind port, or 0 for any free port`
                : error.code === 'EADDRNOTAVAIL'
                  ? `local address ${options.bindAddress} is not an address of this computer; choose 0.0.0.0 or one of its IPv4 addresses`
                  : `cannot bind ${where}: ${error.message}`,
            ),
          );
        };
        const onListening = () => {
          cleanup();
          resolve();
        };
        const onAbort = () => {
          cleanup();
          reject(new Error('aborted'));
        };
        const cleanup = () => {
          session.transport.off('error', onError);
          session.transport.off('listening', onListening);
          signal?.removeEventListener('abort', onAbort);
        };
        session.transport.on('error', onError);
        session.transport.on('listening', onListening);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } catch (error) {
      session.close();
      throw error;
    }
    return session;
  }

  localPort(): number | undefined {
    return this.transport.localPort();
  }

  private peek(msg: Buffer): void {
    const at = apduOffset(msg);
    if (at === undefined || msg.length < at + 3) return;
    const type = (msg[at] as number) >> 4;
    if (type === PDU_REJECT || type === PDU_ABORT) {
      this.refusals.set(msg[at + 1] as number, { kind: type === PDU_REJECT ? 'reject' : 'abort', reason: msg[at + 2] as number });
    }
  }

  private invokeId(): number {
    const id = this.nextInvokeId;
    this.nextInvokeId = id >= 255 ? 1 : id + 1; // 0 is skipped: the library treats it as "choose one"
    this.refusals.delete(id);
    return id;
  }

  private classify(error: unknown, invokeId: number): BacnetRequestError {
    if (error instanceof BacnetRequestError) return error;
    const message = (error as { message?: unknown } | null)?.message;
    const text = typeof message === 'string' ? message : String(error);
    const bacnetError = /BacnetError - Class:(\d+) - Code:(\d+)/.exec(text);
    if (bacnetError !== null) {
      const errorClass = Number(bacnetError[1]);
      const errorCode = Number(bacnetError[2]);
      return new BacnetRequestError(errorWords(errorClass, errorCode), 'error', { errorClass, errorCode });
    }
    if (/BacnetAbort - Reason:(\d+)/.test(text)) {
      const seen = this.refusals.get(invokeId);
      const reason = seen?.reason ?? Number(/Reason:(\d+)/.exec(text)?.[1]);
      if (seen?.kind === 'reject') return new BacnetRequestError(rejectWords(reason), 'reject', { reason });
      return new BacnetRequestError(abortWords(reason), 'abort', { reason });
    }
    if (text === 'ERR_TIMEOUT') return new BacnetRequestError(StatusText.noResponse, 'timeout');
    if (text === 'ERR_CLOSED') return new BacnetRequestError(StatusText.noConnection, 'closed');
    if (text === 'INVALID_DECODING') return new BacnetRequestError('answer could not be decoded', 'invalid');
    return new BacnetRequestError(text, 'invalid');
  }

  /** Runs one confirmed request in the queue, retrying when it times out. */
  request<T>(fn: RequestFn<T>): Promise<T> {
    const run = async (): Promise<T> => {
      let last: BacnetRequestError | undefined;
      for (let attempt = 0; attempt <= this.options.retries; attempt++) {
        if (this.closed) throw new BacnetRequestError(StatusText.noConnection, 'closed');
        const id = this.invokeId();
        this.requests++;
        try {
          return await fn(this.client, id);
        } catch (error) {
          last = this.classify(error, id);
          if (last.kind !== 'timeout') break;
          this.timeouts++;
        }
      }
      this.failures++;
      throw last as BacnetRequestError;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.client.close();
    } catch {
      this.transport.close();
    }
  }
}

/** The library's receiver for a device at host:port, optionally behind a router (DNET/DADR). */
export function receiverFor(host: string, port: number, route?: { network: number; mac: string }): BACNetAddress {
  const address: BACNetAddress = { address: port === 47808 ? host : `${host}:${port}` };
  if (route !== undefined) {
    address.net = route.network;
    address.adr = [...Buffer.from(route.mac, 'hex')];
  }
  return address;
}
