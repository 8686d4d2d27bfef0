import { brokerOf, isValidFilter, type MqttSettings } from './settings.js';

/** `mqtt://host:port` (or mqtts://), with `?version=5` for MQTT 5; never credentials. */
export function mqttEndpoint(settings: Pick<MqttSettings, 'url' | 'protocolVersion'>): string {
  const broker = brokerOf(settings.url);
  const host = broker.host.includes(':') ? `[${broker.host}]` : broker.host;
  return `${broker.tls ? 'mqtts' : 'mqtt'}://${host}:${broker.port}${settings.protocolVersion === 5 ? '?version=5' : ''}`;
}

const PARAMETERS = ['filter', 'qos', 'version', 'clientId', 'session', 'username', 'passwordEnv', 'ca', 'cert', 'key', 'keepalive', 'rebirth'];

/**
 * Settings (unvalidated) from `mqtt[s]://[user@]host[:port][?filter=<f>&filter=…&qos=0|1|2
 * &version=4|5&clientId=…&session=clean|persistent&username=…&passwordEnv=NAME
 * &ca=<file>&cert=<file>&key=<file>&keepalive=<s>&rebirth=request|never]`.
 * Filters must be URL-encoded (`#` is %23, `+` is %2B). Throws with the problem.
 */
export function settingsFromMqttEndpoint(text: string): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('not a URL; expected mqtt://host:port?filter=<topic filter>');
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') throw new Error(`scheme "${url.protocol.replace(/:$/, '')}" is not mqtt or mqtts`);
  if (url.password !== '') throw new Error('no passwords in the URL; put it in an environment variable and name it with passwordEnv=NAME');
  if (url.pathname !== '' && url.pathname !== '/') throw new Error(`unexpected path "${url.pathname}" (topic filters go in ?filter=, with # written as %23)`);
  if (url.hash !== '') throw new Error('unexpected "#" fragment: write the wildcard # as %23 inside filter=');
  const host = url.hostname;
  if (host === '') throw new Error('missing host');
  const settings: Record<string, unknown> = { url: `${url.protocol}//${host}${url.port === '' ? '' : `:${url.port}`}` };
  if (url.username !== '') settings.username = decodeURIComponent(url.username);
  const filters: string[] = [];
  let qos: 0 | 1 | 2 = 1;
  const tls: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (!PARAMETERS.includes(key)) throw new Error(`unknown parameter "${key}"; allowed: ${PARAMETERS.join(', ')}`);
    switch (key) {
      case 'filter':
        if (!isValidFilter(value) || value === '') throw new Error(`filter "${value}" is not a valid MQTT topic filter`);
        filters.push(value);
        break;
      case 'qos':
        if (!/^[012]$/.test(value)) throw new Error(`qos "${value}" must be 0, 1 or 2`);
        qos = Number(value) as 0 | 1 | 2;
        break;
      case 'version':
        if (value === '4' || value === '3.1.1') settings.protocolVersion = 4;
        else if (value === '5' || value === '5.0') settings.protocolVersion = 5;
        else throw new Error(`version "${value}" must be 4 (3.1.1) or 5`);
        break;
      case 'keepalive':
        settings.keepaliveS = /^\d+$/.test(value) ? Number(value) : value;
        break;
      case 'ca':
        tls.caFile = value;
        break;
      case 'cert':
        tls.certFile = value;
        break;
      case 'key':
        tls.keyFile = value;
        break;
      default:
        settings[key] = value;
    }
  }
  if (filters.length > 0) settings.subscriptions = filters.map((filter) => ({ filter, qos }));
  if (Object.keys(tls).length > 0) settings.tls = tls;
  return settings;
}
