import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OPCUACertificateManager } from 'node-opcua';
import { exploreCertificate, makeSHA1Thumbprint, readCertificateChain, split_der } from 'node-opcua-crypto';
import type { Certificate } from '../../../../shared/api/types.js';
import type { TrustStore } from '../types.js';
import { opcuaStateDir, TRUST_STORE_ID } from './state-dir.js';

export { opcuaStateDir, TRUST_STORE_ID } from './state-dir.js';

/**
 * The application's own certificate and the server-certificate trust store live in one
 * node-opcua PKI folder, `<dataDir>/opcua/pki` (own/, trusted/certs, rejected/). Managers
 * are opened per use with file watchers off and disposed after: a trust decision made by
 * the CLI or the UI is seen by the next connect without any shared in-process state.
 */
export const APPLICATION_NAME = 'SensorVault';

export interface ApplicationIdentity {
  applicationUri: string;
  pkiDir: string;
  certificateFile: string;
  privateKeyFile: string;
}

export function pkiDir(dataDir: string): string {
  return path.join(opcuaStateDir(dataDir), 'pki');
}

/**
 * ApplicationUri stable per installation: created once (host name + random id) and
 * stored, so it survives a host rename and certificate regeneration.
 */
export function applicationUri(dataDir: string): string {
  const file = path.join(opcuaStateDir(dataDir), 'application-uri.txt');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored !== '') return stored;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '-') || 'host';
  const uri = `urn:sensorvault:${host}:${randomUUID()}`;
  writeFileSync(file, `${uri}\n`, { mode: 0o644 });
  return uri;
}

export function openCertificateManager(dataDir: string): OPCUACertificateManager {
  return new OPCUACertificateManager({
    rootFolder: pkiDir(dataDir),
    automaticallyAcceptUnknownCertificate: false,
    disableFileWatchers: true,
    name: 'SensorVault',
  });
}

async function withManager<T>(dataDir: string, action: (cm: OPCUACertificateManager) => Promise<T>): Promise<T> {
  const cm = openCertificateManager(dataDir);
  await cm.initialize();
  try {
    return await action(cm);
  } finally {
    await cm.dispose();
  }
}

/**
 * Makes sure the private key and the self-signed application instance certificate
 * exist (pure JS, offline; ~0.5 s the first time). Works on an initialized manager.
 */
export async function ensureApplicationCertificate(cm: OPCUACertificateManager, dataDir: string): Promise<ApplicationIdentity> {
  const uri = applicationUri(dataDir);
  const certificateFile = path.join(cm.rootDir, 'own', 'certs', 'sensorvault.pem');
  if (!existsSync(certificateFile)) {
    const host = os.hostname() || 'localhost';
    await cm.createSelfSignedCertificate({
      applicationUri: uri,
      dns: [host, 'localhost'],
      subject: `/CN=${APPLICATION_NAME}@${host.replace(/[/=]/g, '-')}/O=${APPLICATION_NAME}`,
      startDate: new Date(Date.now() - 24 * 3600_000),
      validity: 365 * 10,
      outputFile: certificateFile,
    });
  }
  return { applicationUri: uri, pkiDir: cm.rootDir, certificateFile, privateKeyFile: cm.privateKey };
}

/** Generates (or returns) the application certificate without connecting anywhere. */
export async function applicationCertificate(dataDir: string): Promise<ApplicationIdentity & { thumbprint: string }> {
  return withManager(dataDir, async (cm) => {
    const identity = await ensureApplicationCertificate(cm, dataDir);
    const der = readCertificateChain(identity.certificateFile)[0] as Buffer;
    return { ...identity, thumbprint: thumbprintOf(der) };
  });
}

/**
 * New key pair and certificate, same ApplicationUri. Servers that trusted the old
 * certificate must trust the new one.
 */
export async function regenerateApplicationCertificate(dataDir: string): Promise<ApplicationIdentity & { thumbprint: string }> {
  const root = pkiDir(dataDir);
  rmSync(path.join(root, 'own', 'certs', 'sensorvault.pem'), { force: true });
  rmSync(path.join(root, 'own', 'private', 'private_key.pem'), { force: true });
  return applicationCertificate(dataDir);
}

export function thumbprintOf(der: Buffer): string {
  return makeSHA1Thumbprint(der).toString('hex').toLowerCase();
}

export function normalizeThumbprint(text: string): string {
  return text.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

function dn(name: Record<string, unknown>): string {
  const order: Array<[string, string]> = [
    ['commonName', 'CN'],
    ['organizationalUnitName', 'OU'],
    ['organizationName', 'O'],
    ['localityName', 'L'],
    ['stateOrProvinceName', 'ST'],
    ['countryName', 'C'],
    ['domainComponent', 'DC'],
  ];
  const parts: string[] = [];
  for (const [key, short] of order) {
    const value = name[key];
    if (typeof value === 'string' && value !== '') parts.push(`${short}=${value}`);
  }
  return parts.join(', ');
}

export interface CertificateInfo {
  thumbprint: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

export function describeCertificate(der: Buffer): CertificateInfo {
  const leaf = split_der(der)[0] ?? der;
  const tbs = exploreCertificate(leaf).tbsCertificate;
  return {
    thumbprint: thumbprintOf(leaf),
    subject: dn(tbs.subject as unknown as Record<string, unknown>),
    issuer: dn(tbs.issuer as unknown as Record<string, unknown>),
    validFrom: tbs.validity.notBefore.toISOString(),
    validTo: tbs.validity.notAfter.toISOString(),
  };
}

interface StoredCertificate {
  der: Buffer;
  info: CertificateInfo;
  status: 'trusted' | 'rejected';
}

function scan(folder: string, status: 'trusted' | 'rejected'): StoredCertificate[] {
  if (!existsSync(folder)) return [];
  const out: StoredCertificate[] = [];
  for (const file of readdirSync(folder)) {
    if (!/\.(pem|der|crt|cer)$/i.test(file)) continue;
    try {
      const der = readCertificateChain(path.join(folder, file))[0];
      if (der !== undefined) out.push({ der, info: describeCertificate(der), status });
    } catch {
      // Not a certificate (or unreadable): not ours to judge; node-opcua skips it too.
    }
  }
  return out;
}

function scanAll(dataDir: string): StoredCertificate[] {
  const root = pkiDir(dataDir);
  return [...scan(path.join(root, 'trusted', 'certs'), 'trusted'), ...scan(path.join(root, 'rejected'), 'rejected')];
}

function toApi(c: StoredCertificate): Certificate {
  return { ...c.info, status: c.status, store: TRUST_STORE_ID };
}

/** The OPC UA server-certificate trust store over `<dataDir>/opcua/pki`. */
export function opcuaTrustStore(dataDir: string): TrustStore {
  const find = (thumbprint: string): StoredCertificate => {
    const wanted = normalizeThumbprint(thumbprint);
    const found = scanAll(dataDir).find((c) => c.info.thumbprint === wanted);
    if (found === undefined) {
      throw new Error(`no OPC UA server certificate with thumbprint ${thumbprint}; connect to the server once so its certificate is recorded (it then appears as rejected), then trust it`);
    }
    return found;
  };
  const move = async (thumbprint: string, status: 'trusted' | 'rejected'): Promise<Certificate> => {
    const found = find(thumbprint);
    if (found.status !== status) {
      await withManager(dataDir, (cm) => (status === 'trusted' ? cm.trustCertificate(found.der) : cm.rejectCertificate(found.der)));
    }
    return toApi({ ...found, status });
  };
  return {
    id: TRUST_STORE_ID,
    list: async () => scanAll(dataDir).map(toApi),
    trust: (thumbprint) => move(thumbprint, 'trusted'),
    reject: (thumbprint) => move(thumbprint, 'rejected'),
  };
}
