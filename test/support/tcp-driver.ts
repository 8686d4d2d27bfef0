import net from 'node:net';
import type { Driver, DriverContext } from '../../electron/core/drivers/types.js';

/**
 * A minimal driver over a real TCP socket, for testing the supervisor's state machine
 * against a real server on 127.0.0.1 without depending on any protocol driver.
 * Each poll sends "poll\n" and expects one line back, emitted as the value.
 */
export function createTcpLineDriver(port: number, context: DriverContext, timeoutMs = 500): Driver<null> & { connects: number } {
  let socket: net.Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  const driver = {
    connects: 0,
    connect(signal: AbortSignal): Promise<void> {
      return new Promise((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port });
        const fail = (error: Error) => {
          s.destroy();
          reject(error);
        };
        signal.addEventListener('abort', () => fail(signal.reason instanceof Error ? signal.reason : new Error('aborted')), { once: true });
        s.once('error', fail);
        s.once('connect', () => {
          s.off('error', fail);
          driver.connects++;
          socket = s;
          s.on('error', () => undefined);
          s.on('close', () => context.connectionLost(new Error('socket closed by peer')));
          resolve();
        });
      });
    },
    startAcquisition(): void {
      let buffered = '';
      socket?.on('data', (chunk) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) context.emit([{ point: 0, raw: { kind: 'value', value: line }, receiveTs: context.now(), quality: 'good' }]);
      });
      timer = setInterval(() => socket?.write('poll\n'), 20);
    },
    stopAcquisition(): void {
      clearInterval(timer);
      timer = undefined;
    },
    async disconnect(): Promise<void> {
      const s = socket;
      socket = undefined;
      s?.removeAllListeners('close');
      s?.destroy();
    },
    async write(): Promise<void> {
      throw new Error('not supported');
    },
    stats: () => ({ requests: 0, failures: 0 }),
  };
  void timeoutMs;
  return driver;
}

/** A line server on 127.0.0.1 answering "poll" with a counter; can drop all clients. */
export async function startLineServer(port = 0): Promise<{ port: number; dropAll(): void; close(): Promise<void>; connections: number }> {
  const sockets = new Set<net.Socket>();
  let counter = 0;
  const state = { connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const _ of chunk.toString().split('\n').slice(0, -1)) socket.write(`${++counter}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as net.AddressInfo).port;
  return {
    port: actual,
    get connections() {
      return state.connections;
    },
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that was free a moment ago and has nothing listening now. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
