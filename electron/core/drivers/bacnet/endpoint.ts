import type { BacnetSettings } from './settings.js';

export interface EndpointSettings {
  host: string;
  port: number;
  deviceInstance: number;
  bindAddress?: string;
  bindPort?: number;
  network?: number;
  mac?: string;
}

export type EndpointParse = { ok: true; settings: EndpointSettings } | { ok: false; message: string };

/** `bacnet://host:port?device=N` (plus `&network=N&mac=hex` for a routed device). */
export function bacnetEndpoint(settings: Pick<BacnetSettings, 'host' | 'port' | 'deviceInstance'> & { network?: number; mac?: string }): string {
  let out = `bacnet://${settings.host}:${settings.port}?device=${settings.deviceInstance}`;
  if (settings.network !== undefined && settings.mac !== undefined) out += `&network=${settings.network}&mac=${settings.mac}`;
  return out;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** `addr:port` as used by --bind/--target and `bind=`; undefined when malformed. */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } | undefined {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (match === null || !IPV4.test(match[1] as string)) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port > 65535) return undefined;
  return { host: match[1] as string, port };
}

/**
 * Parses `bacnet://host[:port]?device=N[&bind=addr:port][&network=N&mac=hex]`.
 * Port 47808 by default; `device` is required (discovery tells it).
 */
export function parseBacnetEndpoint(text: string): EndpointParse {
  const bad = (message: string): EndpointParse => ({ ok: false, message });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('not a URL; expected bacnet://host:port?device=N');
  }
  if (url.protocol !== 'bacnet:') return bad(`scheme "${url.protocol.replace(/:$/, '')}" is not bacnet; expected bacnet://host:port?device=N`);
  if (url.username !== '' || url.password !== '') return bad('user names and passwords are not part of BACnet/IP');
  if (url.pathname !== '' && url.pathname !== '/') return bad(`unexpected path "${url.pathname}"`);
  if (url.hash !== '') return bad(`unexpected fragment "${url.hash}"`);
  if (!IPV4.test(url.hostname)) return bad(`host "${url.hostname}" must be an IPv4 address`);
  const settings: Partial<EndpointSettings> = { host: url.hostname, port: url.port === '' ? 47808 : Number(url.port) };
  for (const [key, value] of url.searchParams) {
    if (key === 'device') {
      if (!/^\d{1,7}$/.test(value) || Number(value) > 4_194_302) return bad(`device "${value}" must be an instance number 0..4194302`);
      settings.deviceInstance = Number(value);
    } else if (key === 'bind') {
      const bind = parseHostPort(value, 47809);
      if (bind === undefined) return bad(`bind "${value}" must be addr:port, e.g. 127.0.0.1:47809 or 0.0.0.0:0`);
      settings.bindAddress = bind.host;
      settings.bindPort = bind.port;
    } else if (key === 'network') {
      if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65534) return bad(`network "${value}" must be 1..65534`);
      settings.network = Number(value);
    } else if (key === 'mac') {
      if (!/^([0-9a-fA-F]{2}){1,7}$/.test(value)) return bad(`mac "${value}" must be 1..7 bytes in hex, e.g. 0a`);
      settings.mac = value.toLowerCase();
    } else {
      return bad(`unknown parameter "${key}"; allowed: device, bind, network, mac`);
    }
  }
  if (settings.deviceInstance === undefined) return bad('missing device=N (the device instance; `sensorvault discover bacnet --target host:port` finds it)');
  return { ok: true, settings: settings as EndpointSettings };
}
