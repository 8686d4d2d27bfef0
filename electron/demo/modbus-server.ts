import net from 'node:net';

/**
 * A real Modbus TCP server on node:net, used by the demo plant, the tests and the bench.
 * MBAP framing, FC 1, 2, 3, 4, 5, 6, 15, 16 with the exceptions of the Modbus
 * Application Protocol v1.1b3 (§6, §7): 1 illegal function, 2 illegal data address,
 * 3 illegal data value. Requests are answered synchronously in arrival order (pipelined
 * requests in one TCP chunk get one write), so it can be the raw responder of the bench —
 * unlike modbus-serial's ServerTCP, which defers every answer with setTimeout(0).
 *
 * Test hooks: per-function request counters, injected exceptions, a reply delay,
 * `silence` (accept and read, never answer) and dropConnections().
 */

export interface ModbusRequestInfo {
  unitId: number;
  functionCode: number;
  /** Start address of the request (0-based). */
  address: number;
  /** Coils, inputs or registers addressed (1 for FC5/FC6). */
  quantity: number;
}

/** Returns an exception code to answer with, or undefined to serve the request. */
export type ExceptionInjector = (request: ModbusRequestInfo) => number | undefined;

export interface ModbusBanks {
  coils: Uint8Array;
  discreteInputs: Uint8Array;
  holdingRegisters: Uint16Array;
  inputRegisters: Uint16Array;
}

export interface ModbusServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
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

function exceptionFrame(transactionId: number, unitId: number, functionCode: number, code: number): Buffer {
  const out = Buffer.allocUnsafe(9);
  out.writeUInt16BE(transactionId, 0);
  out.writeUInt16BE(0, 2);
  out.writeUInt16BE(3, 4);
  out[6] = unitId;
  out[7] = (functionCode | 0x80) & 0xff;
  out[8] = code;
  return out;
}

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
  const banks: ModbusBanks = {
    coils: new Uint8Array(65536),
    discreteInputs: new Uint8Array(65536),
    holdingRegisters: new Uint16Array(65536),
    inputRegisters: new Uint16Array(65536),
  };
  const counts = new Map<number, number>();
  let injectors: ExceptionInjector[] = [];
  const sockets = new Set<net.Socket>();

  /** Answers one PDU; returns the response PDU or an exception code. */
  const serve = (unitId: number, pdu: Buffer, api: ModbusServer): Buffer | number => {
    const fc = pdu[0] as number;
    const hasHeader = pdu.length >= 5;
    const address = hasHeader ? pdu.readUInt16BE(1) : 0;
    const quantity = hasHeader ? (fc === 5 || fc === 6 ? 1 : pdu.readUInt16BE(3)) : 0;
    const info: ModbusRequestInfo = { unitId, functionCode: fc, address, quantity };
    if (![1, 2, 3, 4, 5, 6, 15, 16].includes(fc)) return 1;
    if (!hasHeader) return 3;
    for (const injector of injectors) {
      const code = injector(info);
      if (code !== undefined) return code;
    }
    switch (fc) {
      case 1:
      case 2: {
        if (pdu.length !== 5 || quantity < 1 || quantity > 2000) return 3;
        if (address + quantity > 65536) return 2;
        const bank = fc === 1 ? banks.coils : banks.discreteInputs;
        const byteCount = Math.ceil(quantity / 8);
        const out = Buffer.alloc(2 + byteCount);
        out[0] = fc;
        out[1] = byteCount;
        for (let i = 0; i < quantity; i++) {
          if (bank[address + i]) out[2 + (i >> 3)] = (out[2 + (i >> 3)] as number) | (1 << (i & 7));
        }
        return out;
      }
      case 3:
      case 4: {
        if (pdu.length !== 5 || quantity < 1 || quantity > 125) return 3;
        if (address + quantity > 65536) return 2;
        const bank = fc === 3 ? banks.holdingRegisters : banks.inputRegisters;
        const out = Buffer.allocUnsafe(2 + quantity * 2);
        out[0] = fc;
        out[1] = quantity * 2;
        for (let i = 0; i < quantity; i++) out.writeUInt16BE(bank[address + i] as number, 2 + i * 2);
        return out;
      }
      case 5: {
        const value = pdu.readUInt16BE(3);
        if (pdu.length !== 5 || (value !== 0x0000 && value !== 0xff00)) return 3;
        banks.coils[address] = value === 0xff00 ? 1 : 0;
        api.onWrite?.(info);
        return Buffer.from(pdu.subarray(0, 5));
      }
      case 6: {
        if (pdu.length !== 5) return 3;
        banks.holdingRegisters[address] = pdu.readUInt16BE(3);
        api.onWrite?.(info);
        return Buffer.from(pdu.subarray(0, 5));
      }
      case 15: {
        const byteCount = pdu[5];
        if (quantity < 1 || quantity > 0x7b0 || byteCount !== Math.ceil(quantity / 8) || pdu.length !== 6 + byteCount) return 3;
        if (address + quantity > 65536) return 2;
        for (let i = 0; i < quantity; i++) banks.coils[address + i] = ((pdu[6 + (i >> 3)] as number) >> (i & 7)) & 1;
        api.onWrite?.(info);
        return Buffer.from(pdu.subarray(0, 5));
      }
      case 16: {
        const byteCount = pdu[5];
        if (quantity < 1 || quantity > 0x7b || byteCount !== quantity * 2 || pdu.length !== 6 + byteCount) return 3;
        if (address + quantity > 65536) return 2;
        for (let i = 0; i < quantity; i++) banks.holdingRegisters[address + i] = pdu.readUInt16BE(6 + i * 2);
        api.onWrite?.(info);
        return Buffer.from(pdu.subarray(0, 5));
      }
    }
    return 1;
  };

  const server = net.createServer({ noDelay: true });

  const api: ModbusServer = {
    host,
    port: 0,
    banks,
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
    injectException(injector) {
      injectors = [...injectors, injector];
      return () => {
        injectors = injectors.filter((i) => i !== injector);
      };
    },
    clearExceptions() {
      injectors = [];
    },
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    connectionCount: () => sockets.size,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

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
        const result = serve(unitId, pdu, api);
        replies.push(typeof result === 'number' ? exceptionFrame(transactionId, unitId, fc, result) : responseFrame(transactionId, unitId, result));
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
