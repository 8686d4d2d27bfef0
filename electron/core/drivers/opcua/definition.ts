// The OPC UA driver as the registry sees it: settings, grammar, endpoint helpers and
// capabilities, importable without node-opcua. node-opcua (~1.5 s to load, and a warning
// on stderr about RSA PKCS#1 v1.5) is imported only when a device, a discovery or the
// trust store is used: a project without OPC UA devices never loads it.
import type { DecodeSpec, DriverContext, DriverDefinition, TrustStore } from '../types.js';
import { lazyDriver } from '../common/lazy-driver.js';
import { formatOpcuaAddress, opcuaAddressSyntax, parseOpcuaAddress, type OpcuaAddress } from './address.js';
import { opcuaSettingsSchema, securityModes, securityPolicies, type OpcuaSettings, type SecurityModeName, type SecurityPolicyName } from './settings.js';
import type { OpcuaDriver } from './driver.js';
import { existsSync } from 'node:fs';
import { opcuaStateDir, TRUST_STORE_ID } from './state-dir.js';

export function opcuaEndpoint(settings: Pick<OpcuaSettings, 'endpointUrl' | 'securityMode' | 'securityPolicy'>): string {
  return settings.securityMode === 'None' ? settings.endpointUrl : `${settings.endpointUrl} [${settings.securityMode} ${settings.securityPolicy}]`;
}

export const opcuaDecodeSpec = (): DecodeSpec => ({ kind: 'value' });

/**
 * `opc.tcp://host:port[/path][?security=None|Sign|SignAndEncrypt&policy=<name>&user=<name>]`.
 * With `user`, the password comes from SENSORVAULT_OPCUA_PASSWORD (never the URL).
 */
export function settingsFromOpcuaEndpoint(text: string): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('not a URL; expected opc.tcp://host:port[?security=...&policy=...&user=...]');
  }
  if (url.protocol !== 'opc.tcp:') throw new Error(`scheme "${url.protocol.replace(/:$/, '')}" is not opc.tcp`);
  if (url.password !== '') throw new Error('passwords never go in the URL; use ?user=NAME and set SENSORVAULT_OPCUA_PASSWORD');
  if (url.hash !== '') throw new Error(`unexpected fragment "${url.hash}"`);
  const port = url.port === '' ? '4840' : url.port;
  const path = url.pathname === '/' ? '' : url.pathname;
  const settings: Record<string, unknown> = { endpointUrl: `opc.tcp://${url.hostname}:${port}${path}` };
  let user = url.username === '' ? undefined : decodeURIComponent(url.username);
  for (const [key, value] of url.searchParams) {
    switch (key) {
      case 'security':
        if (!(securityModes as readonly string[]).includes(value)) throw new Error(`security "${value}" must be one of ${securityModes.join(', ')}`);
        settings.securityMode = value as SecurityModeName;
        break;
      case 'policy':
        if (!(securityPolicies as readonly string[]).includes(value)) throw new Error(`policy "${value}" must be one of ${securityPolicies.join(', ')}`);
        settings.securityPolicy = value as SecurityPolicyName;
        break;
      case 'user':
        user = value;
        break;
      default:
        throw new Error(`unknown parameter "${key}"; allowed: security, policy, user`);
    }
  }
  // Sensible pairing: Sign/SignAndEncrypt default to Basic256Sha256, None to None.
  if (settings.securityMode !== undefined && settings.securityMode !== 'None' && settings.securityPolicy === undefined) settings.securityPolicy = 'Basic256Sha256';
  if (settings.securityPolicy !== undefined && settings.securityPolicy !== 'None' && settings.securityMode === undefined) settings.securityMode = 'SignAndEncrypt';
  if (user !== undefined && user !== '') settings.userToken = { kind: 'username', username: user, passwordEnv: 'SENSORVAULT_OPCUA_PASSWORD' };
  return settings;
}

export type OpcuaDriverDefinition = Omit<DriverDefinition<OpcuaSettings, OpcuaAddress>, 'create'> & {
  create(settings: OpcuaSettings, context: DriverContext): OpcuaDriver;
};

/** The trust store, loading node-opcua only once certificates exist or a decision is made. */
function lazyTrustStore(dataDir: string): TrustStore {
  const load = async () => (await import('./pki.js')).opcuaTrustStore(dataDir);
  return {
    id: TRUST_STORE_ID,
    // No PKI folder yet means no server was ever contacted: nothing to list, nothing to load.
    list: async () => (existsSync(opcuaStateDir(dataDir)) ? (await load()).list() : []),
    trust: async (thumbprint) => (await load()).trust(thumbprint),
    reject: async (thumbprint) => (await load()).reject(thumbprint),
  };
}

export const opcuaDriver: OpcuaDriverDefinition = {
  id: 'opcua',
  title: 'OPC UA',
  settingsSchema: opcuaSettingsSchema,
  addressSyntax: opcuaAddressSyntax,
  capabilities: { browse: true, discover: true, certificates: true, write: true },
  reporting: (settings) => (settings.acquisition === 'subscription' ? 'change' : 'poll'),
  parseAddress: parseOpcuaAddress,
  formatAddress: formatOpcuaAddress,
  decodeSpec: opcuaDecodeSpec,
  endpoint: opcuaEndpoint,
  endpointSchemes: ['opc.tcp:'],
  settingsFromEndpoint: settingsFromOpcuaEndpoint,
  create: (settings, context) => {
    const parsed = opcuaSettingsSchema.parse(settings);
    return lazyDriver<OpcuaAddress, OpcuaDriver>(async () => (await import('./driver.js')).createOpcuaDriver(parsed, context), { browse: true, extra: { operationLimits: () => undefined } });
  },
  trustStore: lazyTrustStore,
  discover: async (settings, context, options) => (await import('./discover.js')).discoverEndpoints(settings, context, options),
};
