import { readFileSync } from 'node:fs';
import {
  AttributeIds,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  VariableIds,
  type ClientSession,
  type EndpointDescription,
  type OPCUACertificateManager,
  type UserIdentityInfo,
} from 'node-opcua';
import { readCertificateChain } from 'node-opcua-crypto';
import { UntrustedCertificateError } from '../common/errors.js';
import { APPLICATION_NAME, describeCertificate, ensureApplicationCertificate, type ApplicationIdentity } from './pki.js';
import { deprecatedPolicies, type OpcuaSettings, type OpcuaUserToken, type SecurityModeName, type SecurityPolicyName } from './settings.js';

/** Operation limits of the server (0 = no limit), OPC UA Part 5, 6.3.11. */
export interface OperationLimits {
  maxNodesPerRead: number;
  maxMonitoredItemsPerCall: number;
  maxNodesPerBrowse: number;
}

export function policyUri(name: SecurityPolicyName): SecurityPolicy {
  return SecurityPolicy[name];
}

export function policyName(uri: string | null | undefined): string {
  const name = (uri ?? '').split('#')[1];
  return name === undefined || name === '' ? (uri ?? 'unknown') : name;
}

export function modeValue(name: SecurityModeName): MessageSecurityMode {
  return MessageSecurityMode[name];
}

export function modeName(mode: MessageSecurityMode): string {
  return MessageSecurityMode[mode] ?? String(mode);
}

export function userTokenTypeNames(endpoint: EndpointDescription): string[] {
  return (endpoint.userIdentityTokens ?? []).map((t) => {
    switch (t.tokenType) {
      case UserTokenType.Anonymous:
        return 'Anonymous';
      case UserTokenType.UserName:
        return 'UserName';
      case UserTokenType.Certificate:
        return 'Certificate';
      case UserTokenType.IssuedToken:
        return 'IssuedToken';
      default:
        return String(t.tokenType);
    }
  });
}

export function isDeprecatedPolicy(uri: string | null | undefined): boolean {
  return deprecatedPolicies.has(policyName(uri));
}

/** Session timeout; subscriptions keep traffic flowing well within it (see MAX_PUBLISHING_INTERVAL_MS). */
export const SESSION_TIMEOUT_MS = 60_000;
/**
 * Publishing intervals above this are capped: the channel must see a keep-alive well
 * within the 60 s transport and session timeouts. Sampling still follows the group interval.
 */
export const MAX_PUBLISHING_INTERVAL_MS = 10_000;

/** A client with SensorVault's identity and PKI; node-opcua never retries on its own. */
export function createClient(
  identity: ApplicationIdentity,
  cm: OPCUACertificateManager,
  settings: Pick<OpcuaSettings, 'timeoutMs'> & { securityMode?: SecurityModeName; securityPolicy?: SecurityPolicyName },
  serverCertificate?: Buffer,
): OPCUAClient {
  return OPCUAClient.create({
    applicationName: APPLICATION_NAME,
    applicationUri: identity.applicationUri,
    clientName: APPLICATION_NAME,
    clientCertificateManager: cm,
    certificateFile: identity.certificateFile,
    privateKeyFile: identity.privateKeyFile,
    securityMode: modeValue(settings.securityMode ?? 'None'),
    securityPolicy: policyUri(settings.securityPolicy ?? 'None'),
    ...(serverCertificate === undefined ? {} : { serverCertificate }),
    endpointMustExist: false,
    // The supervisor owns retry and backoff: one attempt, then report.
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    keepSessionAlive: true,
    keepAliveInterval: Math.max(1000, Math.min(10_000, settings.timeoutMs)),
    requestedSessionTimeout: SESSION_TIMEOUT_MS,
    defaultTransactionTimeout: settings.timeoutMs,
  });
}

/** Rejects when the signal aborts; the work itself is cleaned up by `onAbort`. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal, onAbort?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      onAbort?.();
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const abort = () => {
      onAbort?.();
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** GetEndpoints over an unsecured channel (what every OPC UA server allows for discovery). */
export async function getEndpoints(endpointUrl: string, identity: ApplicationIdentity, cm: OPCUACertificateManager, timeoutMs: number, signal: AbortSignal): Promise<EndpointDescription[]> {
  const client = createClient(identity, cm, { timeoutMs });
  const close = () => void client.disconnect().catch(() => undefined);
  try {
    await abortable(client.connect(endpointUrl), signal, close);
    return await abortable(client.getEndpoints(), signal, close);
  } catch (error) {
    throw new Error(`cannot reach ${endpointUrl}: ${describeError(error)}`);
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // node-opcua wraps causes in multi-line messages; the first meaningful line is enough.
  const line = message.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? message;
  return line.replace(/^Error:\s*/, '');
}

/**
 * Checks the server certificate against the trust store (never silently accepted). An
 * unknown certificate is recorded as rejected and the connect fails with a message that
 * names it and says how to trust it.
 */
export async function verifyServerCertificate(cm: OPCUACertificateManager, der: Buffer, endpointUrl: string): Promise<void> {
  const info = describeCertificate(der);
  const status = await cm.checkCertificate(der);
  if (status.isGood()) return;
  const name = status.name;
  const what = `server certificate of ${endpointUrl} — subject "${info.subject}", issuer "${info.issuer}", thumbprint ${info.thumbprint}, valid ${info.validFrom} to ${info.validTo}`;
  if (name === 'BadCertificateUntrusted') {
    throw new UntrustedCertificateError(
      `${what} — is not trusted. Compare the thumbprint with the server's, then trust it with \`sensorvault certs trust ${info.thumbprint}\` or in the UI (Certificates), and connect again`,
      info.thumbprint,
    );
  }
  throw new Error(`${what} — was refused: ${name} (${status.description}); check the server certificate and the security settings (securityMode, securityPolicy)`);
}

export function userIdentity(token: OpcuaUserToken, env: NodeJS.ProcessEnv = process.env): UserIdentityInfo {
  switch (token.kind) {
    case 'anonymous':
      return { type: UserTokenType.Anonymous };
    case 'username': {
      const password = env[token.passwordEnv];
      if (password === undefined) {
        throw new Error(`the password for OPC UA user "${token.username}" is read from the environment variable ${token.passwordEnv}, which is not set`);
      }
      return { type: UserTokenType.UserName, userName: token.username, password };
    }
    case 'x509': {
      const certificateData = readCertificateChain(token.certificateFile)[0];
      if (certificateData === undefined) throw new Error(`${token.certificateFile}: no certificate in the file`);
      return { type: UserTokenType.Certificate, certificateData, privateKey: readFileSync(token.privateKeyFile, 'utf8') };
    }
  }
}

export function describeLoginError(token: OpcuaUserToken, error: unknown): string {
  const text = describeError(error);
  const code = /(Bad[A-Za-z]+)/.exec(text)?.[1];
  if (token.kind === 'username') {
    return `the server refused the login of user "${token.username}"${code === undefined ? '' : ` (${code})`}: check the user name and the password in $${token.passwordEnv}`;
  }
  if (token.kind === 'anonymous') return `the server refused an anonymous session${code === undefined ? '' : ` (${code})`}: it may require a user name or certificate`;
  return `the server refused the X.509 user certificate${code === undefined ? '' : ` (${code})`}`;
}

export async function readOperationLimits(session: ClientSession): Promise<OperationLimits> {
  const ids = [
    VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerRead,
    VariableIds.Server_ServerCapabilities_OperationLimits_MaxMonitoredItemsPerCall,
    VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerBrowse,
  ];
  const values = await session.read(ids.map((id) => ({ nodeId: `i=${id}`, attributeId: AttributeIds.Value })));
  const num = (i: number) => {
    const dv = values[i];
    const v = dv?.statusCode.isGood() === true ? dv.value.value : 0;
    return typeof v === 'number' && v > 0 ? v : 0;
  };
  return { maxNodesPerRead: num(0), maxMonitoredItemsPerCall: num(1), maxNodesPerBrowse: num(2) };
}

/** Splits a list into chunks of at most `limit` (0 = no limit, capped to stay sane). */
export function chunks<T>(items: readonly T[], limit: number, cap = 5000): T[][] {
  const size = limit > 0 ? Math.min(limit, cap) : cap;
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type { ApplicationIdentity };
export { ensureApplicationCertificate };
