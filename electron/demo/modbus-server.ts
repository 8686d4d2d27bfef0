import net from 'node:net';
import { ModbusPduHandler, type ExceptionInjector, type ModbusBanks, type ModbusRequestInfo, type RegisterMap } from './modbus-pdu.js';

export type { ExceptionInjector, ModbusBanks, ModbusRequestInfo, RegisterMap } from './modbus-pdu.js';

/**
 * A real Modbus TCP server on node:net, used by the demo plant, the tests and the bench:
 * MBAP framing around the shared PDU handler (modbus-pdu.ts). Requests are answered
 * synchronously in arrival order (pipelined requests in one TCP chunk get one write), so
 * it can be the raw responder of the bench — unlike modbus-serial's ServerTCP, which
 * defers every answer with setTimeout(0).
 *
 * Test hooks: per-function request counters, injected exceptions, a reply delay,
 * `silence` (accept and read, never answer) and dropConnections().
 */

export interface ModbusServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Addresses that exist; requests outside them get exception 2. Default: all of them. */
  registerMap?: RegisterMap;
}

export interface ModbusServer {
  readonly host: string;
  readonly port: number;
  /** 65536 entries each; coils and discrete inputs hold 0 or 1. Mutate freely. */
  readonly banks: ModbusBanks;
  /** Requests received (answered or not), by function code. */
  requestCount(functionCode?: number): number;
  resetCounters(): void;
  /** Adds an exception rule; returns its remover. Rules run in the order added. */
  injectException(injector: ExceptionInjector): () => void;
  clearExceptions(): void;
  /** Replaces the register map (see modbus-pdu.ts); `{}` makes every address exist. */
  setRegisterMap(map: RegisterMap): void;
  /** Delay before each answer (ms); 0 answers synchronously. */
  delayMs: number;
  /** Accept connections and read requests, but never answer. */
  silence: boolean;
  /** Destroys every open client connection (the listener stays up). */
  dropConnections(): void;
  connectionCount(): number;
  /** Called after every served write (FC5/6/15/16), e.g. for the plant to react. */
  onWrite?: (request: ModbusRequestInfo) => void;
  /** Stops listening and ends all sockets. */
  close(): Promise<void>;
}

const MBAP_LENGTH = 7;

function responseFrame(transactionId: number, unitId: number, pdu: Buffer): Buffer {
  const out = Buffer.allocUnsafe(MBAP_LENGTH + pdu.length);
  out.writeUInt16BE(transactionId, 0);
  out.writeUInt16BE(0, 2);
  out.writeUInt16BE(pdu.length + 1, 4);
  out[6] = unitId;
  pdu.copy(out, MBAP_LENGTH);
  return out;
}

export async function startModbusServer(options: ModbusServerOptions = {}): Promise<ModbusServer> {
  const host = options.host ?? '127.0.0.1';
  const handler = new ModbusPduHandler(undefined, options.registerMap);
  const counts = new Map<number, number>();
  const sockets = new Set<net.Socket>();

  const server = net.createServer({ noDelay: true });

  const api: ModbusServer = {
    host,
    port: 0,
    banks: handler.banks,
    delayMs: 0,
    silence: false,
    requestCount(functionCode?: number) {
      if (functionCode !== undefined) return counts.get(functionCode) ?? 0;
      let total = 0;
      for (const n of counts.values()) total += n;
      return total;
    },
    resetCounters() {
      counts.clear();
    },
    injectException: (injector) => handler.injectException(injector),
    clearExceptions: () => handler.clearExceptions(),
    setRegisterMap: (map) => handler.setRegisterMap(map),
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    connectionCount: () => sockets.size,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  handler.onWrite = (request) => api.onWrite?.(request);

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const replies: Buffer[] = [];
      let at = 0;
      while (pending.length - at >= MBAP_LENGTH + 1) {
        const transactionId = pending.readUInt16BE(at);
        const protocolId = pending.readUInt16BE(at + 2);
        const length = pending.readUInt16BE(at + 4);
        if (protocolId !== 0 || length < 2 || length > 254) {
          // Not Modbus TCP framing: nothing after this can be trusted.
          socket.destroy();
          return;
        }
        if (pending.length - at < 6 + length) break;
        const unitId = pending[at + 6] as number;
        const pdu = pending.subarray(at + MBAP_LENGTH, at + 6 + length);
        at += 6 + length;
        const fc = pdu[0] as number;
        counts.set(fc, (counts.get(fc) ?? 0) + 1);
        if (api.silence) continue;
        replies.push(responseFrame(transactionId, unitId, handler.handle(unitId, pdu)));
      }
      pending = at === pending.length ? Buffer.alloc(0) : Buffer.from(pending.subarray(at));
      if (replies.length === 0) return;
      const out = replies.length === 1 ? (replies[0] as Buffer) : Buffer.concat(replies);
      if (api.delayMs > 0) {
        setTimeout(() => {
          if (!socket.destroyed) socket.write(out);
        }, api.delayMs);
      } else {
        socket.write(out);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  (api as { port: number }).port = typeof address === 'object' && address !== null ? address.port : 0;
  return api;
}
