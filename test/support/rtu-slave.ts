import net from 'node:net';
import { SerialPort } from 'serialport';
import { exceptionPdu, ModbusPduHandler, type ExceptionInjector, type ModbusBanks, type RegisterMap } from '../../electron/demo/modbus-pdu.js';

/**
 * A real Modbus RTU slave bus for tests and the bench, with its own RTU framing (it does
 * not use modbus-serial): CRC-16 frames read off a byte stream (the far end of a socat
 * pty, or a TCP socket for "RTU over TCP"), several unit ids with their own register
 * banks, dead units that never answer, and fault injection (bad CRCs, garbage bytes,
 * exceptions). The requests themselves are answered by the demo's PDU handler
 * (electron/demo/modbus-pdu.ts), the same one the Modbus TCP server uses. An MBAP front (`startTcpGateway`) turns it into a Modbus TCP→RTU gateway.
 *
 * Frame boundaries: a pty carries no timing, so requests are delimited by their known
 * lengths (FC 1–6: 8 bytes, FC 15/16: 9 + byte count), with resync by dropping a byte on a
 * bad CRC, and a buffer reset after `frameGapMs` of silence (the RTU rule).
 */

export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Appends the CRC (low byte first) to unit + PDU. */
export function rtuFrame(unitAndPdu: Uint8Array): Buffer {
  const out = Buffer.alloc(unitAndPdu.length + 2);
  out.set(unitAndPdu);
  out.writeUInt16LE(crc16(unitAndPdu), unitAndPdu.length);
  return out;
}

/** Wire timing to emulate on a pty: answers are held back for what the bytes would take. */
export interface LineTiming {
  baud: number;
  bitsPerCharacter: number;
}

export interface RtuSlaveOptions {
  /** Units that answer. */
  units: readonly number[];
  /** Units that are on the bus but never answer. */
  dead?: readonly number[];
  /** Hold each answer back by the request's and answer's wire time plus 3.5 characters. */
  emulate?: LineTiming;
  frameGapMs?: number;
  /** Addresses each unit has (exception 2 outside them); default: every address exists. */
  registerMap?: RegisterMap;
}

type Stream = { write(data: Buffer): unknown };

export interface RtuSlave {
  banks(unit: number): ModbusBanks;
  /** Requests received with a good CRC (answered or not), per unit or in total. */
  requestCount(unit?: number): number;
  /** Requests received per function code (all units). */
  functionCount(functionCode: number): number;
  /** Frames dropped for a bad CRC or as noise. */
  readonly rejectedBytes: number;
  /** With `emulate`: mean time (ms) answers went out later than the emulated line would send them. */
  readonly meanLatenessMs: number;
  resetCounters(): void;
  /** The next `n` answers go out with a wrong CRC. */
  corruptNextResponses(n: number): void;
  /** The next `n` answers are preceded and/or followed by these noise bytes. */
  garbageAroundResponses(n: number, bytes?: Buffer, position?: 'around' | 'after'): void;
  /** Writes noise onto the line now. */
  sendGarbage(bytes: Buffer): void;
  injectException(injector: ExceptionInjector): () => void;
  /** Makes a unit dead (true) or alive again (false). */
  setDead(unit: number, dead: boolean): void;
  /** Feeds bytes from a stream; answers go back to `reply`. Returns a detach function. */
  attach(reply: Stream): { feed(chunk: Buffer): void; detach(): void };
  /** Handles one complete request PDU for a unit, as a gateway does; undefined = no answer. */
  handlePdu(unit: number, pdu: Buffer): Buffer | undefined;
}

function requestLength(buffer: Buffer): number | undefined {
  const fc = buffer[1];
  if (fc === undefined) return undefined;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) return buffer.length >= 7 ? 9 + (buffer[6] as number) : undefined;
  return -1;
}

/**
 * Sleeps precisely for sub-millisecond wire times: a timer for the bulk, then yielding
 * with setImmediate for the last 2 ms (timers fire up to ~1 ms late). The harness pays
 * CPU for it so that the emulated line is not slower than the real one.
 */
function waitUntil(target: number, then: () => void): void {
  const remaining = target - performance.now();
  if (remaining <= 0) then();
  else if (remaining > 3) setTimeout(() => waitUntil(target, then), Math.floor(remaining - 2));
  else setImmediate(() => waitUntil(target, then));
}

export function createRtuSlave(options: RtuSlaveOptions): RtuSlave {
  const handlers = new Map<number, ModbusPduHandler>();
  const dead = new Set(options.dead ?? []);
  // Dead units have banks too, so a test can bring one back with setDead(unit, false).
  for (const unit of [...options.units, ...dead]) handlers.set(unit, new ModbusPduHandler(undefined, options.registerMap));
  const perUnit = new Map<number, number>();
  const perFunction = new Map<number, number>();
  const state: { corrupt: number; garbage: number; garbageBytes: Buffer; garbageAfterOnly: boolean; rejected: number; lateMs: number; lateAnswers: number } = {
    corrupt: 0,
    garbage: 0,
    garbageBytes: Buffer.from([0x00, 0xff, 0x13, 0x37, 0x03]),
    garbageAfterOnly: false,
    rejected: 0,
    lateMs: 0,
    lateAnswers: 0,
  };
  const streams = new Set<Stream>();
  const gapMs = options.frameGapMs ?? 50;

  function serve(unit: number, pdu: Buffer): Buffer | undefined {
    const handler = handlers.get(unit);
    if (handler === undefined || dead.has(unit)) return undefined;
    return handler.handle(unit, pdu);
  }

  function count(unit: number, fc: number): void {
    perUnit.set(unit, (perUnit.get(unit) ?? 0) + 1);
    perFunction.set(fc, (perFunction.get(fc) ?? 0) + 1);
  }

  function answer(reply: Stream, unit: number, pdu: Buffer, requestBytes: number): void {
    const response = serve(unit, pdu);
    if (response === undefined) return;
    const frame = rtuFrame(Buffer.concat([Buffer.from([unit]), response]));
    if (state.corrupt > 0) {
      state.corrupt--;
      frame[frame.length - 1] = (frame[frame.length - 1] as number) ^ 0x5a;
    }
    let out = frame;
    if (state.garbage > 0) {
      state.garbage--;
      out = state.garbageAfterOnly ? Buffer.concat([frame, state.garbageBytes]) : Buffer.concat([state.garbageBytes, frame, state.garbageBytes]);
    }
    const timing = options.emulate;
    if (timing === undefined) {
      reply.write(out);
      return;
    }
    const charMs = (timing.bitsPerCharacter * 1000) / timing.baud;
    const silence = timing.baud > 19_200 ? 1.75 : 3.5 * charMs;
    const target = performance.now() + (requestBytes + frame.length) * charMs + silence;
    waitUntil(target, () => {
      // How late the emulated line is (harness error, reported by the bench).
      state.lateMs += performance.now() - target;
      state.lateAnswers++;
      reply.write(out);
    });
  }

  return {
    banks(unit) {
      const handler = handlers.get(unit);
      if (handler === undefined) throw new Error(`unit ${unit} is not on this bus`);
      return handler.banks;
    },
    requestCount(unit) {
      if (unit !== undefined) return perUnit.get(unit) ?? 0;
      let total = 0;
      for (const n of perUnit.values()) total += n;
      return total;
    },
    functionCount: (fc) => perFunction.get(fc) ?? 0,
    get rejectedBytes() {
      return state.rejected;
    },
    get meanLatenessMs() {
      return state.lateAnswers === 0 ? 0 : state.lateMs / state.lateAnswers;
    },
    resetCounters() {
      perUnit.clear();
      perFunction.clear();
      state.rejected = 0;
      state.lateMs = 0;
      state.lateAnswers = 0;
    },
    corruptNextResponses(n) {
      state.corrupt = n;
    },
    garbageAroundResponses(n, bytes, position = 'around') {
      state.garbage = n;
      state.garbageAfterOnly = position === 'after';
      if (bytes !== undefined) state.garbageBytes = bytes;
    },
    sendGarbage(bytes) {
      for (const s of streams) s.write(bytes);
    },
    injectException(injector: ExceptionInjector) {
      const removers = [...handlers.values()].map((handler) => handler.injectException(injector));
      return () => {
        for (const remove of removers) remove();
      };
    },
    setDead(unit, isDead) {
      if (isDead) dead.add(unit);
      else dead.delete(unit);
    },
    handlePdu(unit, pdu) {
      count(unit, pdu[0] as number);
      return serve(unit, pdu);
    },
    attach(reply) {
      streams.add(reply);
      let buffer = Buffer.alloc(0);
      let lastByte = 0;
      return {
        feed(chunk: Buffer) {
          const now = performance.now();
          if (now - lastByte > gapMs) buffer = Buffer.alloc(0);
          lastByte = now;
          buffer = Buffer.concat([buffer, chunk]);
          for (;;) {
            if (buffer.length < 4) return;
            const length = requestLength(buffer);
            if (length === undefined) return;
            if (length === -1 || length > 256) {
              // Unknown function code: either noise or a request we cannot frame; resync.
              state.rejected++;
              buffer = buffer.subarray(1);
              continue;
            }
            if (buffer.length < length) return;
            const frame = buffer.subarray(0, length);
            if (crc16(frame.subarray(0, length - 2)) !== frame.readUInt16LE(length - 2)) {
              state.rejected++;
              buffer = buffer.subarray(1);
              continue;
            }
            buffer = buffer.subarray(length);
            const unit = frame[0] as number;
            const pdu = Buffer.from(frame.subarray(1, length - 2));
            count(unit, pdu[0] as number);
            answer(reply, unit, pdu, length);
          }
        },
        detach() {
          streams.delete(reply);
        },
      };
    },
  };
}

export interface SerialRtuSlave extends RtuSlave {
  close(): Promise<void>;
}

/** The slave on a serial port (the far end of a socat pty pair). */
export async function startRtuSlave(path: string, options: RtuSlaveOptions): Promise<SerialRtuSlave> {
  const slave = createRtuSlave(options);
  const port = new SerialPort({ path, baudRate: options.emulate?.baud ?? 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  port.on('error', () => undefined);
  const link = slave.attach({ write: (data) => port.write(data) });
  port.on('data', (chunk: Buffer) => link.feed(chunk));
  return Object.assign(slave, {
    async close() {
      link.detach();
      if (!port.isOpen) return;
      await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  });
}

export interface TcpRtuSlave extends RtuSlave {
  readonly port: number;
  /** Destroys every open client connection (the listener stays up). */
  dropConnections(): void;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** The slave bus behind a transparent serial server: RTU frames over TCP on 127.0.0.1. */
export async function startRtuOverTcpSlave(options: RtuSlaveOptions, host = '127.0.0.1'): Promise<TcpRtuSlave> {
  const slave = createRtuSlave(options);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const link = slave.attach(socket);
    socket.on('data', (chunk) => link.feed(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      link.detach();
    });
  });
  const port = await listen(server, host, 0);
  return Object.assign(slave, {
    port,
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}

export interface TcpGateway {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A Modbus TCP → RTU gateway in front of a slave bus: MBAP requests are routed by unit id;
 * a unit that does not answer within `targetTimeoutMs` gets exception 11 (gateway target
 * device failed to respond), as real gateways do. One request at a time, like the bus.
 */
export async function startTcpGateway(slave: RtuSlave, targetTimeoutMs = 100, host = '127.0.0.1'): Promise<TcpGateway> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let chain = Promise.resolve();
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 7) {
        const length = buffer.readUInt16BE(4);
        if (buffer.length < 6 + length) break;
        const adu = buffer.subarray(0, 6 + length);
        buffer = buffer.subarray(6 + length);
        const header = Buffer.from(adu.subarray(0, 7));
        const unit = adu[6] as number;
        const pdu = Buffer.from(adu.subarray(7));
        chain = chain.then(async () => {
          let response = slave.handlePdu(unit, pdu);
          if (response === undefined) {
            await new Promise((resolve) => setTimeout(resolve, targetTimeoutMs));
            response = exceptionPdu(pdu[0] as number, 11);
          }
          header.writeUInt16BE(response.length + 1, 4);
          if (!socket.destroyed) socket.write(Buffer.concat([header, response]));
        });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, host, 0);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
