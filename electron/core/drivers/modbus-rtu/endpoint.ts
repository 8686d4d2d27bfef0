import { parities, transports, type ModbusRtuSettings, type Parity } from './settings.js';

/**
 * Endpoint URLs of the CLI (`sensorvault read <endpoint> <point>...`):
 *
 *   modbus-rtu:///dev/ttyUSB0?baud=19200&parity=even&databits=8&stopbits=1&unit=N
 *   modbus-rtu:///COM3?baud=9600                       (Windows port names)
 *   modbus-rtu://host:port?transport=rtu-over-tcp&unit=N  (or transport=tcp-gateway)
 *
 * A serial path is the URL path (three slashes); a host means a gateway (rtu-over-tcp
 * unless `transport` says otherwise). Defaults: 9600 baud, parity none, 8 data bits,
 * 1 stop bit, unit 1, port 502.
 */
export type EndpointSettings = Pick<ModbusRtuSettings, 'transport' | 'path' | 'host' | 'port' | 'baud' | 'parity' | 'dataBits' | 'stopBits' | 'unitId'>;

const EXAMPLE = 'modbus-rtu:///dev/ttyUSB0?baud=19200&parity=even&unit=1 or modbus-rtu://host:port?transport=rtu-over-tcp&unit=1';

/** The parse; a string is the problem. */
export function parseModbusRtuEndpoint(text: string): EndpointSettings | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `not a URL; expected ${EXAMPLE}`;
  }
  if (url.protocol !== 'modbus-rtu:') return `scheme "${url.protocol.replace(/:$/, '')}" is not modbus-rtu; expected ${EXAMPLE}`;
  if (url.username !== '' || url.password !== '') return 'user names and passwords are not part of Modbus RTU';
  if (url.hash !== '') return `unexpected fragment "${url.hash}"`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const settings: EndpointSettings = { transport: 'serial', path: '', host: '', port: 502, baud: 9600, parity: 'none', dataBits: 8, stopBits: 1, unitId: 1 };
  if (host === '') {
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return `path "${url.pathname}" is not valid percent-encoding`;
    }
    // modbus-rtu:///COM3 → COM3 (a Windows port is not an absolute path).
    if (/^\/(COM\d+|[A-Za-z]:.*)$/i.test(path)) path = path.slice(1);
    if (path === '' || path === '/') return `missing serial port path; expected ${EXAMPLE}`;
    if (url.port !== '') return 'a serial endpoint has no port number; use modbus-rtu:///dev/ttyUSB0';
    settings.path = path;
  } else {
    if (url.pathname !== '' && url.pathname !== '/') return `unexpected path "${url.pathname}" after a host; a serial port needs three slashes: modbus-rtu:///dev/ttyUSB0`;
    settings.transport = 'rtu-over-tcp';
    settings.host = host;
    if (url.port !== '') settings.port = Number(url.port);
  }
  const seen = new Set<string>();
  for (const [key, value] of url.searchParams) {
    if (seen.has(key)) return `parameter "${key}" given twice`;
    seen.add(key);
    switch (key) {
      case 'baud':
        if (!/^\d{3,6}$/.test(value) || Number(value) < 300 || Number(value) > 921_600) return `baud "${value}" must be 300..921600`;
        settings.baud = Number(value);
        break;
      case 'parity':
        if (!(parities as readonly string[]).includes(value)) return `parity "${value}" must be one of ${parities.join(', ')}`;
        settings.parity = value as Parity;
        break;
      case 'databits':
        if (value !== '7' && value !== '8') return `databits "${value}" must be 7 or 8`;
        settings.dataBits = Number(value) as 7 | 8;
        break;
      case 'stopbits':
        if (value !== '1' && value !== '2') return `stopbits "${value}" must be 1 or 2`;
        settings.stopBits = Number(value) as 1 | 2;
        break;
      case 'unit':
        if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 247) return `unit "${value}" must be 1..247`;
        settings.unitId = Number(value);
        break;
      case 'transport':
        if (value === 'serial' || !(transports as readonly string[]).includes(value)) return `transport "${value}" must be rtu-over-tcp or tcp-gateway (a serial port is modbus-rtu:///path)`;
        if (settings.transport === 'serial') return 'transport applies to modbus-rtu://host:port endpoints only';
        settings.transport = value as EndpointSettings['transport'];
        break;
      default:
        return `unknown parameter "${key}"; allowed: baud, parity, databits, stopbits, unit, transport`;
    }
  }
  return settings;
}

/** Canonical endpoint text for status lines; parses back to the same settings. */
export function modbusRtuEndpoint(settings: EndpointSettings): string {
  const line = `baud=${settings.baud}&parity=${settings.parity}&databits=${settings.dataBits}&stopbits=${settings.stopBits}&unit=${settings.unitId}`;
  if (settings.transport === 'serial') {
    const path = settings.path.startsWith('/') ? settings.path : `/${settings.path}`;
    return `modbus-rtu://${encodeURI(path).replace(/[?#]/g, encodeURIComponent)}?${line}`;
  }
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `modbus-rtu://${host}:${settings.port}?transport=${settings.transport}&${line}`;
}
