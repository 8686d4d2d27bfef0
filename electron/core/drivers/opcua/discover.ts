import { z } from 'zod';
import type { DiscoveredDevice, DriverContext, LongOperationOptions } from '../types.js';
import { describeError, getEndpoints, isDeprecatedPolicy, modeName, policyName, userTokenTypeNames } from './connection.js';
import { describeCertificate, ensureApplicationCertificate, openCertificateManager, opcuaTrustStore } from './pki.js';

const discoverSettings = z.object({
  endpointUrl: z.string().regex(/^opc\.tcp:\/\//i, 'must be an opc.tcp:// URL'),
  timeoutMs: z.number().int().min(100).max(120_000).default(5000),
});

/**
 * GetEndpoints on the given URL: one entry per offer (security mode x policy), with
 * settings ready for a new device. The settings keep the URL the engineer typed: servers
 * often advertise a host name the client cannot resolve.
 */
export async function discoverEndpoints(
  raw: Record<string, unknown>,
  context: Pick<DriverContext, 'dataDir' | 'log'>,
  options: LongOperationOptions & { onFound?(device: DiscoveredDevice): void },
): Promise<DiscoveredDevice[]> {
  const parsed = discoverSettings.safeParse({ endpointUrl: raw.endpointUrl, ...(raw.timeoutMs === undefined ? {} : { timeoutMs: raw.timeoutMs }) });
  if (!parsed.success) throw new Error(`OPC UA discovery needs endpointUrl (opc.tcp://host:port): ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const { endpointUrl, timeoutMs } = parsed.data;
  const cm = openCertificateManager(context.dataDir);
  await cm.initialize();
  try {
    const identity = await ensureApplicationCertificate(cm, context.dataDir);
    options.onProgress?.({ done: 0, message: `GetEndpoints ${endpointUrl}` });
    const endpoints = await getEndpoints(endpointUrl, identity, cm, timeoutMs, options.signal);
    const known = new Map((await opcuaTrustStore(context.dataDir).list()).map((c) => [c.thumbprint, c.status]));
    const devices: DiscoveredDevice[] = [];
    for (const e of endpoints) {
      const mode = modeName(e.securityMode);
      const policy = policyName(e.securityPolicyUri);
      const tokens = userTokenTypeNames(e);
      const deprecated = isDeprecatedPolicy(e.securityPolicyUri);
      const attributes: Record<string, string> = {
        'Security mode': mode,
        'Security policy': policy,
        Deprecated: deprecated ? 'yes' : 'no',
        'User tokens': tokens.join(', ') || 'none',
        'Advertised URL': e.endpointUrl ?? '',
        Server: e.server?.applicationName?.text ?? '',
        'Application URI': e.server?.applicationUri ?? '',
        'Security level': String(e.securityLevel),
      };
      if (e.serverCertificate !== null && e.serverCertificate !== undefined && e.serverCertificate.length > 0) {
        try {
          const cert = describeCertificate(e.serverCertificate);
          attributes['Server certificate thumbprint'] = cert.thumbprint;
          attributes['Server certificate subject'] = cert.subject;
          attributes['Server certificate valid'] = `${cert.validFrom} to ${cert.validTo}`;
          attributes['Server certificate trust'] = known.get(cert.thumbprint) ?? 'not yet seen';
        } catch (error) {
          attributes['Server certificate'] = `unreadable: ${describeError(error)}`;
        }
      }
      const settings: Record<string, unknown> = { endpointUrl, securityMode: mode, securityPolicy: policy };
      if (!tokens.includes('Anonymous')) attributes.Note = 'anonymous login not offered: set userToken to username or x509';
      const device: DiscoveredDevice = {
        title: `${attributes.Server || endpointUrl} — ${mode}${mode === 'None' ? '' : ` ${policy}`}${deprecated ? ' (deprecated)' : ''}`,
        detail: `${endpointUrl}; user tokens: ${attributes['User tokens']}`,
        settings,
        attributes,
      };
      devices.push(device);
      options.onFound?.(device);
    }
    options.onProgress?.({ done: devices.length, total: devices.length });
    return devices;
  } finally {
    await cm.dispose().catch(() => undefined);
  }
}
