import type { DiscoveredDevice, DriverContext, LongOperationOptions } from '../types.js';
import { readDeviceInfo, segmentationNames, type DeviceInfo } from './device.js';
import { bacnetEndpoint, parseHostPort } from './endpoint.js';
import { BacnetSession, receiverFor, statusForError } from './session.js';

export interface DiscoverSettings {
  /** `host:port` for a directed Who-Is; absent = global broadcast. */
  target?: string;
  /** Local `addr:port` to send from and listen on (default 0.0.0.0:47809). */
  bind?: string;
  lowLimit?: number;
  highLimit?: number;
  /** How long to collect I-Am answers (ms, default 3000). */
  timeoutMs?: number;
  /** Broadcast address for a global Who-Is (default 255.255.255.255). */
  broadcast?: string;
  /** `host[:port]` of a BBMD: register as a foreign device and broadcast the Who-Is through it. */
  bbmd?: string;
  /** Foreign-device registration TTL (s, default 300). */
  bbmdTtlS?: number;
}

interface IAm {
  deviceId: number;
  address: string;
  maxApdu: number;
  segmentation: number;
  vendorId: number;
  net?: number;
  adr?: number[];
}

function intOption(settings: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = settings[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Error(`${key} must be an integer ${min}..${max}`);
  return v;
}

/**
 * Who-Is (broadcast, or directed to one address), collects I-Am answers for `timeoutMs`, then
 * reads each device's identity (RPM where supported). Reports progress, honours the signal.
 */
export async function discoverBacnet(
  raw: Record<string, unknown>,
  context: Pick<DriverContext, 'dataDir' | 'log'>,
  options: LongOperationOptions & { onFound?(device: DiscoveredDevice): void },
): Promise<DiscoveredDevice[]> {
  const { signal, onProgress, onFound } = options;
  raw = fromDeviceSettings(raw);
  const settings = raw as DiscoverSettings;
  const lowLimit = intOption(raw, 'lowLimit', 0, 4_194_303);
  const highLimit = intOption(raw, 'highLimit', 0, 4_194_303);
  if ((lowLimit === undefined) !== (highLimit === undefined)) throw new Error('lowLimit and highLimit go together (an instance range)');
  const timeoutMs = intOption(raw, 'timeoutMs', 100, 120_000) ?? 3000;
  const bind = settings.bind === undefined ? { host: '0.0.0.0', port: 47809 } : parseHostPort(settings.bind, 47809);
  if (bind === undefined) throw new Error(`bind "${String(settings.bind)}" must be addr:port, e.g. 0.0.0.0:47809`);
  const target = settings.target === undefined ? undefined : parseHostPort(settings.target, 47808);
  if (settings.target !== undefined && target === undefined) throw new Error(`target "${settings.target}" must be an IPv4 addr[:port], e.g. 192.168.1.20:47808`);
  const bbmd = settings.bbmd === undefined ? undefined : parseHostPort(settings.bbmd, 47808);
  if (settings.bbmd !== undefined && bbmd === undefined) throw new Error(`bbmd "${settings.bbmd}" must be an IPv4 addr[:port], e.g. 10.1.0.1:47808`);
  const ttlS = intOption(raw, 'bbmdTtlS', 30, 65535) ?? 300;
  signal.throwIfAborted();

  const session = await BacnetSession.open(
    { bindAddress: bind.host, bindPort: bind.port, timeoutMs: Math.min(3000, timeoutMs), retries: 1, broadcastAddress: settings.broadcast ?? '255.255.255.255', log: context.log },
    signal,
  );
  const heard = new Map<string, IAm>();
  const results: DiscoveredDevice[] = [];
  try {
    session.client.on('iAm', (content) => {
      const p = content.payload;
      const sender = content.header?.sender;
      // Through a BBMD the answer may arrive forwarded: the device is the originator.
      const address = (typeof sender?.forwardedFrom === 'string' && sender.forwardedFrom !== '' ? sender.forwardedFrom : sender?.address) ?? p.address;
      if (lowLimit !== undefined && highLimit !== undefined && (p.deviceId < lowLimit || p.deviceId > highLimit)) return;
      const key = `${p.deviceId}@${address}`;
      if (heard.has(key)) return;
      const iam: IAm = { deviceId: p.deviceId, address, maxApdu: p.maxApdu, segmentation: p.segmentation, vendorId: p.vendorId };
      if (sender?.net !== undefined && sender.adr !== undefined) {
        iam.net = sender.net;
        iam.adr = sender.adr;
      }
      heard.set(key, iam);
      onProgress?.({ done: heard.size, message: `${heard.size} device(s) answered` });
    });
    const whoIsOptions = lowLimit === undefined ? {} : { lowLimit, highLimit: highLimit as number };
    if (bbmd !== undefined) {
      const at = { address: bbmd.port === 47808 ? bbmd.host : `${bbmd.host}:${bbmd.port}` };
      try {
        await session.client.registerForeignDevice(at, ttlS);
      } catch (error) {
        const text = statusForError(error);
        throw new Error(`foreign-device registration with BBMD ${bbmd.host}:${bbmd.port} failed: ${text === 'ERR_TIMEOUT' ? 'no response' : text}`);
      }
      onProgress?.({ done: 0, message: `registered with BBMD ${bbmd.host}:${bbmd.port}; Who-Is sent through it` });
      session.client.whoIsThroughBBMD(at, whoIsOptions);
    } else {
      onProgress?.({ done: 0, message: target === undefined ? 'Who-Is broadcast sent' : `Who-Is sent to ${target.host}:${target.port}` });
      if (target === undefined) session.client.whoIs(whoIsOptions);
      else session.client.whoIs(receiverFor(target.host, target.port), whoIsOptions);
    }

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('discovery cancelled'));
      }
      signal.addEventListener('abort', onAbort, { once: true });
    });

    const answers = [...heard.values()];
    let done = 0;
    for (const iam of answers) {
      signal.throwIfAborted();
      const [host, portText] = iam.address.split(':') as [string, string | undefined];
      const port = portText === undefined ? 47808 : Number(portText);
      const route = iam.net !== undefined && iam.adr !== undefined ? { network: iam.net, mac: Buffer.from(iam.adr).toString('hex') } : undefined;
      let info: DeviceInfo | undefined;
      let problem: string | undefined;
      try {
        info = await readDeviceInfo(session, receiverFor(host, port, route), iam.deviceId, { maxApdu: iam.maxApdu, segmentation: iam.segmentation }, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        problem = statusForError(error);
      }
      const device = toDiscovered(iam, host, port, route, bind, info, problem);
      if (bbmd !== undefined) device.settings.bbmd = { host: bbmd.host, port: bbmd.port, ttlS };
      results.push(device);
      onFound?.(device);
      done++;
      onProgress?.({ done, total: answers.length, message: `read ${done} of ${answers.length} device(s)` });
    }
    return results;
  } finally {
    session.close();
  }
}

function toDiscovered(
  iam: IAm,
  host: string,
  port: number,
  route: { network: number; mac: string } | undefined,
  bind: { host: string; port: number },
  info: DeviceInfo | undefined,
  problem: string | undefined,
): DiscoveredDevice {
  const settings: Record<string, unknown> = { host, port, deviceInstance: iam.deviceId, bindAddress: bind.host, bindPort: bind.port };
  if (route !== undefined) {
    settings.network = route.network;
    settings.mac = route.mac;
  }
  const maxApdu = info?.maxApdu ?? iam.maxApdu;
  const segmentation = info?.segmentation ?? iam.segmentation;
  const attributes: Record<string, string> = {
    Instance: String(iam.deviceId),
    Address: route === undefined ? `${host}:${port}` : `${host}:${port} → network ${route.network}, MAC ${route.mac}`,
    'Vendor id': String(info?.vendorId ?? iam.vendorId),
    'Max APDU': String(maxApdu),
    Segmentation: segmentationNames[segmentation] ?? String(segmentation),
  };
  if (info !== undefined) {
    attributes.Name = info.name;
    attributes.Vendor = info.vendorName;
    attributes.Model = info.model;
    attributes.Firmware = info.firmware;
    if (info.software !== '') attributes['Application software'] = info.software;
    if (info.readPropertyMultiple !== undefined) attributes.ReadPropertyMultiple = info.readPropertyMultiple ? 'yes' : 'no';
    if (info.subscribeCov !== undefined) attributes.SubscribeCOV = info.subscribeCov ? 'yes' : 'no';
  }
  if (problem !== undefined) attributes.Problem = `device properties unreadable: ${problem}`;
  const endpoint = bacnetEndpoint({ host, port, deviceInstance: iam.deviceId, ...(route ?? {}) });
  return {
    title: info?.name !== undefined && info.name !== '' ? info.name : `BACnet device ${iam.deviceId}`,
    detail: `${endpoint}${info?.vendorName ? ` · ${info.vendorName}` : ''}${info?.model ? ` ${info.model}` : ''}`,
    settings,
    attributes,
  };
}

/**
 * The UI's "Discover" button passes the device settings form as it stands (host, port,
 * bindAddress, bindPort): read them as a directed Who-Is from that bind address.
 */
function fromDeviceSettings(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  if (out.target === undefined && typeof raw.host === 'string' && raw.host !== '') {
    out.target = `${raw.host}:${typeof raw.port === 'number' ? raw.port : 47808}`;
  }
  if (out.bind === undefined && typeof raw.bindAddress === 'string') {
    out.bind = `${raw.bindAddress}:${typeof raw.bindPort === 'number' ? raw.bindPort : 47809}`;
  }
  if (typeof out.bbmd === 'object') delete out.bbmd;
  for (const key of ['host', 'port', 'bindAddress', 'bindPort', 'deviceInstance', 'network', 'mac', 'retries', 'maxApdu', 'segmentation', 'cov', 'covLifetimeS', 'covConfirmed', 'writes', 'writePriority']) delete out[key];
  return out;
}
