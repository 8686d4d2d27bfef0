/**
 * A simulated BACnet/IP device for tests and benches, built on @bacnet-js/client's server side
 * (request decoding, I-Am, COV notifications) with our own UDP socket and our own answer path
 * (the library cannot segment answers nor honour a max APDU): answers longer than the APDU limit
 * are segmented when the device can, and aborted (segmentation-not-supported) when it cannot.
 *
 * Loopback caveat: the library ignores requests coming from exactly 127.0.0.1:47808, so clients
 * must bind elsewhere; this device binds a port chosen at run time.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type bacnetPackageType from '@bacnet-js/client';
import type * as apduType from '@bacnet-js/client/dist/lib/apdu.js';
import type * as npduType from '@bacnet-js/client/dist/lib/npdu.js';
import type * as servicesType from '@bacnet-js/client/dist/lib/services/index.js';

// CommonJS: `require` gives module.exports under node, tsx and vitest alike (ESM interop differs).
const require = createRequire(import.meta.url);
const bacnetPackage = require('@bacnet-js/client') as typeof bacnetPackageType;
const apdu = require('@bacnet-js/client/dist/lib/apdu.js') as typeof apduType;
const npdu = require('@bacnet-js/client/dist/lib/npdu.js') as typeof npduType;
const services = require('@bacnet-js/client/dist/lib/services/index.js') as typeof servicesType;
const BACnetClient = bacnetPackage.default;
type Client = InstanceType<typeof BACnetClient>;
type Receiver = { address?: string; net?: number; adr?: number[]; forwardedFrom?: string | null };
interface EncodeBuffer {
  buffer: Buffer;
  offset: number;
}

const ARRAY_ALL = 0xffffffff;
const TAG = { NULL: 0, BOOLEAN: 1, UNSIGNED: 2, REAL: 4, STRING: 7, BITS: 8, ENUM: 9, OID: 12 } as const;
const SERVICE = { SUBSCRIBE_COV: 5, READ_PROPERTY: 12, RPM: 14, WRITE_PROPERTY: 15 } as const;
const P = {
  objectId: 75, objectName: 77, objectType: 79, description: 28, presentValue: 85, statusFlags: 111, reliability: 103, outOfService: 81,
  units: 117, priorityArray: 87, relinquishDefault: 104, numberOfStates: 74, stateText: 110, eventState: 36, covIncrement: 22,
  vendorName: 121, vendorId: 120, modelName: 70, firmware: 44, software: 12, maxApdu: 62, segmentation: 107, services: 97,
  objectList: 76, systemStatus: 112, protocolVersion: 98, protocolRevision: 139, activeText: 4, inactiveText: 46,
} as const;
const APDU_BYTES = [50, 128, 206, 480, 1024, 1476];
const ANALOG = [0, 1, 2];
const BINARY = [3, 4, 5];
const MULTI = [13, 14, 19];
const COMMANDABLE = [1, 4, 14];
const UNITS = [62, 64, 98, 53, 54, 48, 19, 135, 87, 96];

export interface SimObject {
  type: number;
  instance: number;
  name: string;
  description: string;
  presentValue: number | boolean;
  units?: number;
  inAlarm: boolean;
  fault: boolean;
  overridden: boolean;
  outOfService: boolean;
  reliability: number;
  /** Commandable objects: 16 slots, null = relinquished. */
  priorityArray?: Array<number | boolean | null>;
  relinquishDefault?: number | boolean;
  /** Answer reads of this object's present-value with this error. */
  pvError?: { errorClass: number; errorCode: number };
}

export interface BacnetDeviceOptions {
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  deviceInstance?: number;
  /** How many objects beside the device object (default 1000): ai, ao, av, bi, bo, bv, msi, mso, msv in turn. */
  objects?: number;
  maxApdu?: number;
  /** false: the device cannot segment (object list only by index). */
  segmentation?: boolean;
  /** false: ReadPropertyMultiple is rejected as unrecognized. */
  rpm?: boolean;
  /** false: SubscribeCOV is rejected as unrecognized. */
  cov?: boolean;
  /** Subscription table size; beyond it SubscribeCOV gets resources: no-space-to-add-list-element. */
  covTableSize?: number;
  /** Changes the first `changing` analog inputs every interval (ms); 0 = only via set(). */
  changeIntervalMs?: number;
  changing?: number;
  vendorName?: string;
  vendorId?: number;
  modelName?: string;
  firmware?: string;
}

export interface Subscription {
  processId: number;
  subscriber: Receiver;
  type: number;
  instance: number;
  confirmed: boolean;
  lifetime: number;
  subscribedAt: number;
  /** How many times this (processId, object) was subscribed (renewals count). */
  count: number;
}

export interface RequestRecord {
  service: number;
  apduLength: number;
}

export interface ResponseRecord {
  service: number;
  apduLength: number;
  outcome: 'single' | 'segmented' | 'abort' | 'error' | 'reject';
}

export interface Behaviour {
  /** Answer nothing at all (device gone). */
  silent: boolean;
  /** Reject every request of these services (reason 9 unrecognized-service unless given). */
  reject: Map<number, number>;
  /** Answer every request of these services with this error. */
  error: Map<number, { errorClass: number; errorCode: number }>;
  /** Abort every request of these services with this reason. */
  abort: Map<number, number>;
}

export interface BacnetDevice {
  host: string;
  port: number;
  address: string;
  deviceInstance: number;
  objects: Map<string, SimObject>;
  requests: RequestRecord[];
  responses: ResponseRecord[];
  subscriptions: Map<string, Subscription>;
  writes: Array<{ type: number; instance: number; property: number; value: unknown; priority: number }>;
  notificationsSent: { confirmed: number; unconfirmed: number; acked: number };
  behaviour: Behaviour;
  /** Object by short key, e.g. `0:1` (analog-input 1). */
  get(type: number, instance: number): SimObject;
  /** Changes an object and notifies its COV subscribers. */
  set(type: number, instance: number, patch: Partial<SimObject>): void;
  close(): Promise<void>;
}

class SimTransport extends EventEmitter {
  readonly socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly onDatagram: (msg: Buffer) => void,
  ) {
    super();
    this.socket.on('message', (msg, rinfo) => {
      this.onDatagram(msg);
      // Segment-ACKs for our segmented answers: we send all segments at once and do not wait;
      // the library would mistake them for segments of a request.
      const at = apduStart(msg);
      if (at !== undefined && (msg[at] as number) >> 4 === 4) return;
      this.emit('message', msg, rinfo.port === 47808 ? rinfo.address : `${rinfo.address}:${rinfo.port}`);
    });
    this.socket.on('listening', () => this.emit('listening', this.socket.address()));
    this.socket.on('error', (e) => this.emit('error', e));
  }
  getBroadcastAddress(): string {
    return '255.255.255.255';
  }
  getMaxPayload(): number {
    return 1482;
  }
  send(buffer: Buffer, offset: number, receiver?: string): void {
    const [host, port] = (receiver ?? '255.255.255.255').split(':') as [string, string | undefined];
    this.socket.send(buffer, 0, offset, port === undefined ? 47808 : Number(port), host, () => undefined);
  }
  open(): void {
    this.socket.bind(this.port, this.host);
  }
  close(): void {
    try {
      this.socket.close();
    } catch {
      // closed
    }
  }
}

function apduStart(msg: Buffer): number | undefined {
  if (msg.length < 6 || msg[0] !== 0x81) return undefined;
  let o = msg[1] === 0x04 ? 10 : 4;
  const control = msg[o + 1] as number;
  o += 2;
  if ((control & 0x80) !== 0) return undefined;
  if ((control & 0x20) !== 0) o += 3 + (msg[o + 2] as number);
  if ((control & 0x08) !== 0) o += 3 + (msg[o + 2] as number);
  if ((control & 0x20) !== 0) o += 1;
  return o;
}

function makeObjects(count: number): Map<string, SimObject> {
  const order = [0, 1, 2, 3, 4, 5, 13, 14, 19];
  const prefix: Record<number, string> = { 0: 'AI', 1: 'AO', 2: 'AV', 3: 'BI', 4: 'BO', 5: 'BV', 13: 'MSI', 14: 'MSO', 19: 'MSV' };
  const next: Record<number, number> = {};
  const objects = new Map<string, SimObject>();
  for (let i = 0; i < count; i++) {
    const type = order[i % order.length] as number;
    const instance = (next[type] = (next[type] ?? 0) + 1);
    const analog = ANALOG.includes(type);
    const binary = BINARY.includes(type);
    const o: SimObject = {
      type,
      instance,
      name: `${prefix[type]}-${instance}`,
      description: `Simulated ${prefix[type]} ${instance}`,
      presentValue: analog ? 20 + (instance % 10) + 0.5 : binary ? instance % 2 === 0 : 1 + (instance % 3),
      inAlarm: false,
      fault: false,
      overridden: false,
      outOfService: false,
      reliability: 0,
    };
    if (analog) o.units = UNITS[(instance - 1) % UNITS.length] as number;
    if (COMMANDABLE.includes(type)) {
      o.priorityArray = Array.from({ length: 16 }, () => null);
      o.relinquishDefault = analog ? 0 : binary ? false : 1;
    }
    objects.set(`${type}:${instance}`, o);
  }
  return objects;
}

/** Starts the device; resolves once its socket is bound. */
export async function startBacnetDevice(options: BacnetDeviceOptions = {}): Promise<BacnetDevice> {
  const host = options.host ?? '127.0.0.1';
  const deviceInstance = options.deviceInstance ?? 1234;
  const maxApdu = options.maxApdu ?? 1476;
  const canSegment = options.segmentation ?? true;
  const objects = makeObjects(options.objects ?? 1000);
  const requests: RequestRecord[] = [];
  const responses: ResponseRecord[] = [];
  const subscriptions = new Map<string, Subscription>();
  const writes: BacnetDevice['writes'] = [];
  const notificationsSent = { confirmed: 0, unconfirmed: 0, acked: 0 };
  const behaviour: Behaviour = { silent: false, reject: new Map(), error: new Map(), abort: new Map() };
  if (options.rpm === false) behaviour.reject.set(SERVICE.RPM, 9);
  if (options.cov === false) behaviour.reject.set(SERVICE.SUBSCRIBE_COV, 9);

  const transport = new SimTransport(host, options.port ?? 0, (msg) => {
    const at = apduStart(msg);
    if (at === undefined || behaviour.silent) return;
    if (((msg[at] as number) >> 4) === 0) {
      const segmented = ((msg[at] as number) & 0x08) !== 0;
      requests.push({ service: msg[at + (segmented ? 5 : 3)] as number, apduLength: msg.length - at });
    }
  });
  const client: Client = new BACnetClient({ transport, apduTimeout: 2000 });
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    transport.once('listening', () => resolve());
    transport.once('error', reject);
  });
  const port = transport.socket.address().port;

  const objectList = (): Array<{ type: number; instance: number }> => [{ type: 8, instance: deviceInstance }, ...[...objects.values()].map((o) => ({ type: o.type, instance: o.instance }))];

  const flagsBits = (o: SimObject) => ({ bitsUsed: 4, value: [(o.inAlarm ? 1 : 0) | (o.fault ? 2 : 0) | (o.overridden ? 4 : 0) | (o.outOfService ? 8 : 0)] });
  const pvValue = (o: SimObject, v: number | boolean | null): { type: number; value: unknown } => {
    if (v === null) return { type: TAG.NULL, value: null };
    if (ANALOG.includes(o.type)) return { type: TAG.REAL, value: Number(v) };
    if (BINARY.includes(o.type)) return { type: TAG.ENUM, value: v === true || v === 1 ? 1 : 0 };
    return { type: TAG.UNSIGNED, value: Number(v) };
  };

  type Read = { values: Array<{ type: number; value: unknown }> } | { error: { errorClass: number; errorCode: number } };
  const unknownProperty = { error: { errorClass: 2, errorCode: 32 } };
  const arrayRead = (items: Array<{ type: number; value: unknown }>, index: number): Read => {
    if (index === ARRAY_ALL) return { values: items };
    if (index === 0) return { values: [{ type: TAG.UNSIGNED, value: items.length }] };
    const item = items[index - 1];
    return item === undefined ? { error: { errorClass: 2, errorCode: 42 } } : { values: [item] };
  };

  const readDevice = (property: number, index: number): Read => {
    const s = (v: string) => ({ values: [{ type: TAG.STRING, value: v }] });
    const u = (v: number) => ({ values: [{ type: TAG.UNSIGNED, value: v }] });
    switch (property) {
      case P.objectId:
        return { values: [{ type: TAG.OID, value: { type: 8, instance: deviceInstance } }] };
      case P.objectName:
        return s(`SIM-DEVICE-${deviceInstance}`);
      case P.objectType:
        return { values: [{ type: TAG.ENUM, value: 8 }] };
      case P.description:
        return s('SensorVault test device');
      case P.vendorName:
        return s(options.vendorName ?? 'SensorVault Test Works');
      case P.vendorId:
        return u(options.vendorId ?? 999);
      case P.modelName:
        return s(options.modelName ?? 'SIM-1000');
      case P.firmware:
        return s(options.firmware ?? '1.2.3');
      case P.software:
        return s('sim 1.0');
      case P.maxApdu:
        return u(maxApdu);
      case P.segmentation:
        return { values: [{ type: TAG.ENUM, value: canSegment ? 0 : 3 }] };
      case P.services: {
        const bits = [12, 15, ...(options.rpm === false ? [] : [14]), ...(options.cov === false ? [] : [5])];
        const bytes = [0, 0, 0, 0, 0];
        for (const b of bits) bytes[b >> 3] = (bytes[b >> 3] as number) | (1 << (b & 7));
        return { values: [{ type: TAG.BITS, value: { bitsUsed: 40, value: bytes } }] };
      }
      case P.objectList:
        return arrayRead(objectList().map((v) => ({ type: TAG.OID, value: v })), index);
      case P.systemStatus:
        return { values: [{ type: TAG.ENUM, value: 0 }] };
      case P.protocolVersion:
        return u(1);
      case P.protocolRevision:
        return u(14);
      default:
        return unknownProperty;
    }
  };

  const readObject = (type: number, instance: number, property: number, index: number): Read => {
    if (type === 8) return instance === deviceInstance ? readDevice(property, index) : { error: { errorClass: 1, errorCode: 31 } };
    const o = objects.get(`${type}:${instance}`);
    if (o === undefined) return { error: { errorClass: 1, errorCode: 31 } };
    const enumV = (v: number) => ({ values: [{ type: TAG.ENUM, value: v }] });
    switch (property) {
      case P.objectId:
        return { values: [{ type: TAG.OID, value: { type, instance } }] };
      case P.objectName:
        return { values: [{ type: TAG.STRING, value: o.name }] };
      case P.objectType:
        return enumV(type);
      case P.description:
        return { values: [{ type: TAG.STRING, value: o.description }] };
      case P.presentValue:
        if (o.pvError !== undefined) return { error: o.pvError };
        return { values: [pvValue(o, o.presentValue)] };
      case P.statusFlags:
        return { values: [{ type: TAG.BITS, value: flagsBits(o) }] };
      case P.reliability:
        return enumV(o.reliability);
      case P.eventState:
        return enumV(o.inAlarm ? 2 : 0);
      case P.outOfService:
        return { values: [{ type: TAG.BOOLEAN, value: o.outOfService }] };
      case P.units:
        return o.units === undefined ? unknownProperty : enumV(o.units);
      case P.priorityArray:
        return o.priorityArray === undefined ? unknownProperty : arrayRead(o.priorityArray.map((v) => pvValue(o, v)), index);
      case P.relinquishDefault:
        return o.relinquishDefault === undefined ? unknownProperty : { values: [pvValue(o, o.relinquishDefault)] };
      case P.numberOfStates:
        return MULTI.includes(type) ? { values: [{ type: TAG.UNSIGNED, value: 3 }] } : unknownProperty;
      case P.stateText:
        return MULTI.includes(type) ? arrayRead(['Off', 'Low', 'High'].map((t) => ({ type: TAG.STRING, value: t })), index) : unknownProperty;
      default:
        return unknownProperty;
    }
  };

  const frame = (receiver: Receiver): EncodeBuffer => {
    const buffer: EncodeBuffer = { buffer: Buffer.alloc(1600), offset: 4 };
    npdu.encode(buffer, 0, receiver as never);
    return buffer;
  };

  const sendError = (receiver: Receiver, service: number, invokeId: number, errorClass: number, errorCode: number) => {
    responses.push({ service, apduLength: 5, outcome: 'error' });
    client.errorResponse(receiver as never, service, invokeId, errorClass, errorCode);
  };

  const sendRejectOrAbort = (receiver: Receiver, service: number, invokeId: number, kind: 'reject' | 'abort', reason: number) => {
    responses.push({ service, apduLength: 3, outcome: kind });
    const buffer = frame(receiver);
    apdu.encodeAbort(buffer as never, kind === 'reject' ? 0x60 : 0x71, invokeId, reason);
    client.sendBvlc(receiver as never, buffer as never);
  };

  /** A complex ack: single, segmented, or aborted when it does not fit and cannot be segmented. */
  const sendAck = (receiver: Receiver, request: { service: number; invokeId: number; maxApdu: number; type: number }, encode: (b: EncodeBuffer) => void) => {
    const body: EncodeBuffer = { buffer: Buffer.alloc(131_072), offset: 0 };
    encode(body);
    const limit = Math.min(maxApdu, APDU_BYTES[request.maxApdu] ?? 1476);
    if (3 + body.offset <= limit) {
      const buffer = frame(receiver);
      apdu.encodeComplexAck(buffer as never, 0x30, request.service, request.invokeId);
      body.buffer.copy(buffer.buffer, buffer.offset, 0, body.offset);
      buffer.offset += body.offset;
      responses.push({ service: request.service, apduLength: 3 + body.offset, outcome: 'single' });
      client.sendBvlc(receiver as never, buffer as never);
      return;
    }
    const segmentedAccepted = (request.type & 0x02) !== 0;
    if (!canSegment || !segmentedAccepted) {
      sendRejectOrAbort(receiver, request.service, request.invokeId, 'abort', 4);
      return;
    }
    const chunk = limit - 5;
    const count = Math.ceil(body.offset / chunk);
    responses.push({ service: request.service, apduLength: 3 + body.offset, outcome: 'segmented' });
    for (let seq = 0; seq < count; seq++) {
      const buffer = frame(receiver);
      const more = seq < count - 1 ? 0x04 : 0;
      apdu.encodeComplexAck(buffer as never, 0x30 | 0x08 | more, request.service, request.invokeId, seq, 127);
      const start = seq * chunk;
      const end = Math.min(body.offset, start + chunk);
      body.buffer.copy(buffer.buffer, buffer.offset, start, end);
      buffer.offset += end - start;
      client.sendBvlc(receiver as never, buffer as never);
    }
  };

  /** Common gate: silence, configured rejects and errors. Returns false when answered already. */
  const gate = (receiver: Receiver, service: number, invokeId: number): boolean => {
    if (behaviour.silent) return false;
    const reason = behaviour.reject.get(service);
    if (reason !== undefined) {
      sendRejectOrAbort(receiver, service, invokeId, 'reject', reason);
      return false;
    }
    const abortReason = behaviour.abort.get(service);
    if (abortReason !== undefined) {
      sendRejectOrAbort(receiver, service, invokeId, 'abort', abortReason);
      return false;
    }
    const error = behaviour.error.get(service);
    if (error !== undefined) {
      sendError(receiver, service, invokeId, error.errorClass, error.errorCode);
      return false;
    }
    return true;
  };

  type Content = { header?: { sender: Receiver }; invokeId?: number; maxApdu?: number; type?: number; service?: number; payload: unknown };
  const requestOf = (c: Content, service: number) => ({ service, invokeId: c.invokeId ?? 0, maxApdu: c.maxApdu ?? 5, type: c.type ?? 0 });
  const senderOf = (c: Content): Receiver => ({ ...(c.header?.sender ?? {}), forwardedFrom: null });

  client.on('whoIs', (content) => {
    if (behaviour.silent) return;
    const p = content.payload;
    if (p.lowLimit !== undefined && p.highLimit !== undefined && (deviceInstance < p.lowLimit || deviceInstance > p.highLimit)) return;
    // A Who-Is forwarded by a BBMD is answered straight to its originator (unicast).
    const forwarded = (content.header?.sender as Receiver | undefined)?.forwardedFrom;
    const receiver = typeof forwarded === 'string' && forwarded !== '' ? { address: forwarded } : senderOf(content as Content);
    const buffer = frame(receiver);
    apdu.encodeUnconfirmedServiceRequest(buffer as never, 0x10, 0);
    services.IAm.encode(buffer as never, deviceInstance, maxApdu, canSegment ? 0 : 3, options.vendorId ?? 999);
    client.sendBvlc(receiver as never, buffer as never);
  });

  client.on('readProperty', (content) => {
    const c = content as unknown as Content;
    const receiver = senderOf(c);
    if (!gate(receiver, SERVICE.READ_PROPERTY, c.invokeId ?? 0)) return;
    const { objectId, property } = content.payload;
    const result = readObject(objectId.type, objectId.instance, property.id, property.index);
    if ('error' in result) return sendError(receiver, SERVICE.READ_PROPERTY, c.invokeId ?? 0, result.error.errorClass, result.error.errorCode);
    sendAck(receiver, requestOf(c, SERVICE.READ_PROPERTY), (b) => services.ReadProperty.encodeAcknowledge(b as never, objectId, property.id, property.index, result.values));
  });

  client.on('readPropertyMultiple', (content) => {
    const c = content as unknown as Content;
    const receiver = senderOf(c);
    if (!gate(receiver, SERVICE.RPM, c.invokeId ?? 0)) return;
    const values = content.payload.properties.map((spec) => ({
      objectId: spec.objectId,
      values: spec.properties.map((p) => {
        const result = readObject(spec.objectId.type, spec.objectId.instance, p.id, p.index);
        return {
          property: { id: p.id, index: p.index },
          value: 'error' in result ? [{ value: { type: 'BacnetError', errorClass: result.error.errorClass, errorCode: result.error.errorCode } }] : result.values,
        };
      }),
    }));
    sendAck(receiver, requestOf(c, SERVICE.RPM), (b) => services.ReadPropertyMultiple.encodeAcknowledge(b as never, values));
  });

  const device: BacnetDevice = {
    host,
    port,
    address: `${host}:${port}`,
    deviceInstance,
    objects,
    requests,
    responses,
    subscriptions,
    writes,
    notificationsSent,
    behaviour,
    get(type, instance) {
      const o = objects.get(`${type}:${instance}`);
      if (o === undefined) throw new Error(`no object ${type}:${instance}`);
      return o;
    },
    set(type, instance, patch) {
      Object.assign(device.get(type, instance), patch);
      notify(type, instance);
    },
    async close() {
      clearInterval(changer);
      client.close();
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };

  client.on('writeProperty', (content) => {
    const c = content as unknown as Content;
    const receiver = senderOf(c);
    if (!gate(receiver, SERVICE.WRITE_PROPERTY, c.invokeId ?? 0)) return;
    const { objectId, value } = content.payload;
    const o = objects.get(`${objectId.type}:${objectId.instance}`);
    if (o === undefined) return sendError(receiver, SERVICE.WRITE_PROPERTY, c.invokeId ?? 0, 1, 31);
    const first = value.value[0] as { type: number; value: unknown } | undefined;
    const priority = value.priority;
    writes.push({ type: o.type, instance: o.instance, property: value.property.id, value: first?.value, priority });
    if (value.property.id === P.outOfService && first?.type === TAG.BOOLEAN) {
      o.outOfService = first.value === true;
    } else if (value.property.id === P.presentValue) {
      if (o.type === 0 && !o.outOfService) return sendError(receiver, SERVICE.WRITE_PROPERTY, c.invokeId ?? 0, 2, 40); // write-access-denied
      const v = first === undefined || first.type === TAG.NULL ? null : BINARY.includes(o.type) ? first.value === 1 : Number(first.value);
      if (o.priorityArray !== undefined) {
        const slot = priority >= 1 && priority <= 16 ? priority : 16;
        o.priorityArray[slot - 1] = v;
        const active = o.priorityArray.find((x) => x !== null);
        o.presentValue = active ?? o.relinquishDefault ?? 0;
      } else if (v !== null) {
        o.presentValue = v;
      }
    } else {
      return sendError(receiver, SERVICE.WRITE_PROPERTY, c.invokeId ?? 0, 2, 40);
    }
    client.simpleAckResponse(receiver as never, SERVICE.WRITE_PROPERTY, c.invokeId ?? 0);
    notify(o.type, o.instance);
  });

  const notificationValues = (o: SimObject) => [
    { property: { id: P.presentValue, index: ARRAY_ALL }, value: [pvValue(o, o.presentValue)] },
    { property: { id: P.statusFlags, index: ARRAY_ALL }, value: [{ type: TAG.BITS, value: flagsBits(o) }] },
  ];

  const sendNotification = (s: Subscription) => {
    const o = objects.get(`${s.type}:${s.instance}`);
    if (o === undefined || behaviour.silent) return;
    const remaining = Math.max(0, s.lifetime - Math.floor((Date.now() - s.subscribedAt) / 1000));
    if (s.confirmed) {
      notificationsSent.confirmed++;
      client
        .confirmedCOVNotification(s.subscriber as never, { type: s.type, instance: s.instance }, s.processId, deviceInstance, remaining, notificationValues(o) as never)
        .then(() => notificationsSent.acked++)
        .catch(() => undefined);
    } else {
      notificationsSent.unconfirmed++;
      client.unconfirmedCOVNotification(s.subscriber as never, s.processId, deviceInstance, { type: s.type, instance: s.instance }, remaining, notificationValues(o) as never);
    }
  };

  function notify(type: number, instance: number): void {
    const now = Date.now();
    for (const [key, s] of subscriptions) {
      if (s.lifetime > 0 && now - s.subscribedAt > s.lifetime * 1000) {
        subscriptions.delete(key);
        continue;
      }
      if (s.type === type && s.instance === instance) sendNotification(s);
    }
  }

  client.on('subscribeCov', (content) => {
    const c = content as unknown as Content;
    const receiver = senderOf(c);
    if (!gate(receiver, SERVICE.SUBSCRIBE_COV, c.invokeId ?? 0)) return;
    const p = content.payload as { subscriberProcessId: number; monitoredObjectId: { type: number; instance: number }; cancellationRequest?: boolean; issueConfirmedNotifications: boolean; lifetime: number };
    const o = objects.get(`${p.monitoredObjectId.type}:${p.monitoredObjectId.instance}`);
    if (o === undefined) return sendError(receiver, SERVICE.SUBSCRIBE_COV, c.invokeId ?? 0, 1, 31);
    const key = `${receiver.address}/${p.subscriberProcessId}/${o.type}:${o.instance}`;
    if (p.cancellationRequest === true) {
      subscriptions.delete(key);
      client.simpleAckResponse(receiver as never, SERVICE.SUBSCRIBE_COV, c.invokeId ?? 0);
      return;
    }
    const existing = subscriptions.get(key);
    if (existing === undefined && subscriptions.size >= (options.covTableSize ?? Infinity)) {
      return sendError(receiver, SERVICE.SUBSCRIBE_COV, c.invokeId ?? 0, 3, 19); // resources: no-space-to-add-list-element
    }
    const s: Subscription = {
      processId: p.subscriberProcessId,
      subscriber: receiver,
      type: o.type,
      instance: o.instance,
      confirmed: p.issueConfirmedNotifications,
      lifetime: p.lifetime,
      subscribedAt: Date.now(),
      count: (existing?.count ?? 0) + 1,
    };
    subscriptions.set(key, s);
    client.simpleAckResponse(receiver as never, SERVICE.SUBSCRIBE_COV, c.invokeId ?? 0);
    // The standard asks for an initial notification after a successful subscription.
    setImmediate(() => sendNotification(s));
  });

  const changing = options.changing ?? 5;
  let tick = 0;
  const changer = setInterval(() => {
    tick++;
    for (let i = 1; i <= changing; i++) {
      const o = objects.get(`0:${i}`);
      if (o === undefined) continue;
      o.presentValue = Math.round((20 + 5 * Math.sin((tick + i) / 3)) * 100) / 100;
      notify(0, i);
    }
  }, options.changeIntervalMs === undefined || options.changeIntervalMs === 0 ? 3_600_000 : options.changeIntervalMs);

  return device;
}
