import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';

/** APDU types (ASHRAE 135 clause 20.1): the high nibble of the first APDU octet. */
export const PDU_REJECT = 6;
export const PDU_ABORT = 7;
export const PDU_SEGMENT_ACK = 4;
const DEFAULT_PORT = 47808;

/** Where the APDU starts in a BVLC/NPDU datagram, or undefined for network-layer messages and junk. */
export function apduOffset(msg: Buffer): number | undefined {
  if (msg.length < 6 || msg[0] !== 0x81) return undefined;
  let offset = msg[1] === 0x04 ? 10 : 4; // Forwarded-NPDU carries the originator's B/IP address
  if (msg.length < offset + 2 || msg[offset] !== 0x01) return undefined;
  const control = msg[offset + 1] as number;
  offset += 2;
  if ((control & 0x80) !== 0) return undefined;
  if ((control & 0x20) !== 0) offset += 3 + (msg[offset + 2] ?? 0);
  if ((control & 0x08) !== 0) offset += 3 + (msg[offset + 2] ?? 0);
  if ((control & 0x20) !== 0) offset += 1; // hop count
  return offset < msg.length ? offset : undefined;
}

export interface TransportOptions {
  bindAddress: string;
  /** 0 = any free port. */
  bindPort: number;
  broadcastAddress: string;
  /** Sees every received datagram before the library does (reject/abort bookkeeping). */
  onReceive?(msg: Buffer): void;
  /** The library threw on a datagram (malformed, or a case it mishandles); it was dropped. */
  onDropped?(error: unknown, msg: Buffer): void;
}

/**
 * The UDP transport handed to @bacnet-js/client instead of its own: ours binds exactly where the
 * engineer said (port 0 included; the library's turns 0 into 47808), never shares the port
 * (reuseAddr off, so a second binder gets EADDRINUSE instead of silently stealing datagrams),
 * and lets the driver see each datagram first (the library reports rejects as aborts).
 * Same contract as the library's Transport: 'message'(buffer, "ip[:port]"), 'error', 'listening'.
 */
export class BacnetTransport extends EventEmitter {
  private readonly socket: dgram.Socket;
  private closed = false;
  bytesSent = 0;
  bytesReceived = 0;

  constructor(private readonly options: TransportOptions) {
    super();
    this.socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    this.socket.on('message', (msg, rinfo) => {
      this.bytesReceived += msg.length;
      const at = apduOffset(msg);
      // We never send segmented requests, so a Segment-ACK is spurious; the library would
      // process it as an answer segment (and can throw doing so).
      if (at !== undefined && (msg[at] as number) >> 4 === PDU_SEGMENT_ACK) return;
      this.options.onReceive?.(msg);
      try {
        // The library's address convention: the port is left out when it is 47808.
        this.emit('message', msg, rinfo.port === DEFAULT_PORT ? rinfo.address : `${rinfo.address}:${rinfo.port}`);
      } catch (error) {
        // A throw here would be an uncaught exception in the socket's event handler.
        this.options.onDropped?.(error, msg);
      }
    });
    this.socket.on('listening', () => this.emit('listening', this.socket.address()));
    this.socket.on('error', (error) => this.emit('error', error));
    this.socket.on('close', () => this.emit('close'));
  }

  getBroadcastAddress(): string {
    return this.options.broadcastAddress;
  }

  /** 1476-octet APDU + NPDU and BVLC headers, as the library expects. */
  getMaxPayload(): number {
    return 1482;
  }

  send(buffer: Buffer, offset: number, receiver?: string): void {
    if (this.closed) return;
    const target = receiver ?? this.options.broadcastAddress;
    const colon = target.lastIndexOf(':');
    const host = colon < 0 ? target : target.slice(0, colon);
    const port = colon < 0 ? DEFAULT_PORT : Number(target.slice(colon + 1)) || DEFAULT_PORT;
    this.bytesSent += offset;
    this.socket.send(buffer, 0, offset, port, host, (error) => {
      if (error !== null && error !== undefined && !this.closed) this.emit('error', error);
    });
  }

  open(): void {
    this.socket.bind(this.options.bindPort, this.options.bindAddress, () => {
      try {
        this.socket.setBroadcast(true);
      } catch {
        // loopback sockets may refuse broadcast; directed Who-Is still works
      }
    });
  }

  /** The port actually bound (useful with bindPort 0). */
  localPort(): number | undefined {
    try {
      return this.socket.address().port;
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
