// The Modbus TCP driver as the registry sees it: settings, grammar and endpoint helpers,
// importable without modbus-serial (which also loads serialport): the library is imported
// when the first Modbus TCP device connects (see common/lazy-driver.ts).
import { lazyDriver } from '../common/lazy-driver.js';
import { modbusDecodeSpec } from '../common/modbus/protocol.js';
import type { DriverContext, DriverDefinition } from '../types.js';
import { formatModbusAddress, modbusAddressSyntax, parseModbusAddress, type ModbusAddress } from './address.js';
import type { ModbusTcpDriver } from './driver.js';
import { modbusTcpSettingsSchema, type ModbusTcpSettings } from './settings.js';

/** `modbus-tcp://host:port?unit=N`; IPv6 hosts in brackets. */
export function modbusTcpEndpoint(settings: Pick<ModbusTcpSettings, 'host' | 'port' | 'unitId'>): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `modbus-tcp://${host}:${settings.port}?unit=${settings.unitId}`;
}

export type EndpointParse =
  | { ok: true; settings: { host: string; port: number; unitId: number } }
  | { ok: false; message: string };

/** Parses `modbus-tcp://host[:port][?unit=N]` (port 502 and unit 1 by default). */
export function parseModbusTcpEndpoint(text: string): EndpointParse {
  const bad = (message: string): EndpointParse => ({ ok: false, message: `${text}: ${message}` });
  const result = parseEndpointParts(text);
  return typeof result === 'string' ? bad(result) : { ok: true, settings: result };
}

/** The parse itself; a string is the problem, without the endpoint prefix. */
function parseEndpointParts(text: string): { host: string; port: number; unitId: number } | string {
  const bad = (message: string): string => message;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('not a URL; expected modbus-tcp://host:port?unit=N');
  }
  if (url.protocol !== 'modbus-tcp:') return bad(`scheme "${url.protocol.replace(/:$/, '')}" is not modbus-tcp; expected modbus-tcp://host:port?unit=N`);
  if (url.username !== '' || url.password !== '') return bad('user names and passwords are not part of Modbus TCP');
  if (url.pathname !== '' && url.pathname !== '/') return bad(`unexpected path "${url.pathname}"`);
  if (url.hash !== '') return bad(`unexpected fragment "${url.hash}"`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return bad('missing host');
  const port = url.port === '' ? 502 : Number(url.port);
  let unitId = 1;
  for (const [key, value] of url.searchParams) {
    if (key !== 'unit') return bad(`unknown parameter "${key}"; only unit=N is allowed`);
    if (!/^\d{1,3}$/.test(value) || Number(value) > 255) return bad(`unit "${value}" must be 0..255`);
    unitId = Number(value);
  }
  return { host, port, unitId };
}

/** The common definition, with `create` typed to the Modbus driver's wider interface. */
export type ModbusTcpDriverDefinition = Omit<DriverDefinition<ModbusTcpSettings, ModbusAddress>, 'create'> & {
  create(settings: ModbusTcpSettings, context: DriverContext): ModbusTcpDriver;
};

export const modbusTcpDriver: ModbusTcpDriverDefinition = {
  id: 'modbus-tcp',
  title: 'Modbus TCP',
  settingsSchema: modbusTcpSettingsSchema,
  addressSyntax: modbusAddressSyntax,
  capabilities: { browse: false, discover: false, certificates: false, write: true },
  parseAddress: parseModbusAddress,
  formatAddress: formatModbusAddress,
  decodeSpec: modbusDecodeSpec,
  endpoint: modbusTcpEndpoint,
  endpointSchemes: ['modbus-tcp:'],
  settingsFromEndpoint(url: string) {
    const result = parseEndpointParts(url);
    if (typeof result === 'string') throw new Error(result);
    return result;
  },
  create: (settings, context) => {
    const parsed = modbusTcpSettingsSchema.parse(settings);
    return lazyDriver<ModbusAddress, ModbusTcpDriver>(async () => (await import('./driver.js')).createModbusTcpDriver(parsed, context), {
      browse: false,
      deferred: ['writeCoils', 'writeRegisterWords'],
    });
  },
};
