import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageSecurityMode, OPCUACertificateManager, SecurityPolicy } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceSchema } from '../../../../../shared/project.js';
import { silentLogger } from '../../../../../electron/core/log.js';
import { UntrustedCertificateError, WritesDisabledError } from '../../../../../electron/core/drivers/common/errors.js';
import { createDriverRegistry } from '../../../../../electron/core/drivers/registry.js';
import { readCommand } from '../../../../../electron/cli/commands/read.js';
import type { AcquisitionPoint, DriverContext, RawSample } from '../../../../../electron/core/drivers/types.js';
import {
  applicationCertificate,
  applicationUri,
  opcuaDriver,
  opcuaSettingsSchema,
  opcuaTrustStore,
  regenerateApplicationCertificate,
  type OpcuaAddress,
  type OpcuaDriver,
  type OpcuaSettingsInput,
} from '../../../../../electron/core/drivers/opcua/index.js';
import { startOpcuaTestServer, type OpcuaTestServer } from '../../../../support/opcua-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

function parse(text: string): OpcuaAddress {
  const r = opcuaDriver.parseAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

function points(texts: string[], intervalMs = 200, pollGroupId = 'g'): AcquisitionPoint<OpcuaAddress>[] {
  return texts.map((text, index) => ({ index, tagId: text, address: parse(text), pollGroupId, intervalMs }));
}

interface Harness {
  driver: OpcuaDriver;
  samples: RawSample[];
  lost: Error[];
}

let tmp: string;
let dataDir: string;
let server: OpcuaTestServer;
const open: OpcuaDriver[] = [];
const USERS = { operator: 'correct horse', viewer: 'battery staple' };

function harness(settings: Partial<OpcuaSettingsInput> = {}, dir = dataDir): Harness {
  const h: Harness = { driver: undefined as unknown as OpcuaDriver, samples: [], lost: [] };
  const context: DriverContext = {
    emit: (batch) => h.samples.push(...batch),
    connectionLost: (error) => h.lost.push(error),
    log: silentLogger,
    dataDir: dir,
    now: () => Date.now(),
  };
  h.driver = opcuaDriver.create(opcuaSettingsSchema.parse({ endpointUrl: server.endpointUrl, timeoutMs: 5000, ...settings }), context);
  open.push(h.driver);
  return h;
}

const connect = (h: Harness) => h.driver.connect(new AbortController().signal);
const latest = (h: Harness, point: number) => [...h.samples].reverse().find((s) => s.point === point);
const valueOf = (s: RawSample | undefined) => (s?.raw?.kind === 'value' ? s.raw.value : undefined);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-opcua-'));
  dataDir = path.join(tmp, 'data');
  server = await startOpcuaTestServer({
    pkiDir: path.join(tmp, 'server-pki'),
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes256_Sha256_RsaPss, SecurityPolicy.Basic256],
    users: USERS,
    limits: { maxNodesPerRead: 20, maxMonitoredItemsPerCall: 25, maxNodesPerBrowse: 10 },
    bulk: 10_000,
    tickMs: 100,
  });
}, 60_000);

afterAll(async () => {
  for (const d of open) await d.disconnect();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
}, 30_000);

describe('OPC UA driver against a node-opcua server', () => {
  it('connects with security None, reads the operation limits and delivers every built-in type by subscription', async () => {
    const h = harness();
    await connect(h);
    expect(h.driver.operationLimits()).toEqual({ maxNodesPerRead: 20, maxMonitoredItemsPerCall: 25, maxNodesPerBrowse: 10 });
    const texts = [
      'ns=1;s=Plant.Types.Boolean',
      'ns=1;s=Plant.Types.SByte',
      'ns=1;s=Plant.Types.Byte',
      'ns=1;s=Plant.Types.Int16',
      'ns=1;s=Plant.Types.UInt16',
      'ns=1;s=Plant.Types.Int32',
      'ns=1;s=Plant.Types.UInt32',
      'ns=1;s=Plant.Types.Int64',
      'ns=1;s=Plant.Types.UInt64',
      'ns=1;s=Plant.Types.Float',
      'ns=1;s=Plant.Types.Double',
      'ns=1;s=Plant.Types.String',
      'ns=1;s=Plant.Types.DateTime',
      'ns=1;s=Plant.Types.Guid',
      'ns=1;s=Plant.Types.ByteString',
      'ns=1;s=Plant.Types.XmlElement',
      'ns=1;s=Plant.Types.NodeId',
      'ns=1;s=Plant.Types.StatusCode',
      'ns=1;s=Plant.Types.QualifiedName',
      'ns=1;s=Plant.Types.LocalizedText',
      'ns=1;s=Plant.Types.Int64Big',
      'ns=1;s=Plant.Arrays.Double',
      'ns=1;s=Plant.Arrays.Int32',
      'ns=1;s=Plant.Arrays.String',
      'ns=1;s=Plant.Arrays.Boolean',
      'ns=1;s=Plant.Arrays.Matrix',
      'nsu=urn:sensorvault:test-server;s=Plant.Analog.Temperature',
    ];
    h.driver.startAcquisition(points(texts));
    await until(() => texts.every((_, i) => latest(h, i) !== undefined));
    const got = Object.fromEntries(texts.map((t, i) => [t.replace(/^.*Plant\./, ''), valueOf(latest(h, i))]));
    expect(got).toEqual({
      'Types.Boolean': true,
      'Types.SByte': -5,
      'Types.Byte': 200,
      'Types.Int16': -1234,
      'Types.UInt16': 54321,
      'Types.Int32': -123456,
      'Types.UInt32': 3_000_000_000,
      'Types.Int64': -2,
      'Types.UInt64': 1_000_000,
      'Types.Float': 1.5,
      'Types.Double': 3.25,
      'Types.String': 'hello',
      'Types.DateTime': '2026-01-02T03:04:05.000Z',
      'Types.Guid': expect.stringMatching(/^72962b91-fa75-4ae6-8d28-b404dc7daf63$/i),
      'Types.ByteString': 'AQID',
      'Types.XmlElement': '<a>1</a>',
      'Types.NodeId': 'ns=1;s=Plant.Types.Double',
      'Types.StatusCode': 'BadNodeIdUnknown',
      'Types.QualifiedName': '1:Q',
      'Types.LocalizedText': 'text',
      'Types.Int64Big': 0x00400000 * 2 ** 32 + 1,
      'Arrays.Double': '[1,2.5,3]',
      'Arrays.Int32': '[1,-2,3]',
      'Arrays.String': '["a","b"]',
      'Arrays.Boolean': '[true,false]',
      'Arrays.Matrix': '[[1,2,3],[4,5,6]]',
      'Analog.Temperature': 21.5,
    });
    expect(latest(h, 0)?.quality).toBe('good');
    // Beyond 2^53 the nearest number arrives, flagged as Modbus does.
    expect(latest(h, 20)).toMatchObject({ quality: 'uncertain', status: 'precision loss: integer beyond 2^53' });
    expect(typeof latest(h, 0)?.sourceTs).toBe('number');
    // 27 items with MaxMonitoredItemsPerCall 25: two CreateMonitoredItems calls, none too big.
    expect(Math.max(...server.sizes.createMonitoredItems)).toBeLessThanOrEqual(25);
    h.driver.stopAcquisition();
    await h.driver.disconnect();
  }, 60_000);

  it('maps status codes to quality, keeping the status name, and picks source or server timestamps per tag', async () => {
    const h = harness();
    await connect(h);
    const texts = ['ns=1;s=Plant.Status.Uncertain', 'ns=1;s=Plant.Status.Bad', 'ns=1;s=Does.Not.Exist', 'ns=1;s=Plant.Types.Double', 'ns=1;s=Plant.Types.Double|ts=server|mode=read', 'nsu=urn:unknown;s=X'];
    h.driver.startAcquisition(points(texts));
    await until(() => texts.every((_, i) => latest(h, i) !== undefined));
    expect(latest(h, 0)).toMatchObject({ quality: 'uncertain', status: 'UncertainLastUsableValue', raw: { kind: 'value', value: 7 } });
    expect(latest(h, 1)).toMatchObject({ quality: 'bad', status: 'BadSensorFailure' });
    expect(latest(h, 1)?.raw).toBeUndefined();
    expect(latest(h, 2)).toMatchObject({ quality: 'bad', status: 'BadNodeIdUnknown' });
    expect(latest(h, 5)).toMatchObject({ quality: 'bad' });
    expect(latest(h, 5)?.status).toContain('urn:unknown');
    // The constant Double was written at server start: its source time is older than the server time of a Read.
    const source = latest(h, 3)?.sourceTs ?? 0;
    const serverTs = latest(h, 4)?.sourceTs ?? 0;
    expect(serverTs).toBeGreaterThan(source);
    await h.driver.disconnect();
  }, 60_000);

  it('falls back to periodic Read for mode=read tags and acquisition "read", chunked to MaxNodesPerRead', async () => {
    const h = harness({ acquisition: 'read' });
    await connect(h);
    const before = server.sizes.read.length;
    const texts = Array.from({ length: 45 }, (_, i) => `ns=1;s=Plant.Bulk.A01.L01.V${String(i + 1).padStart(3, '0')}`);
    texts.push('ns=1;s=Plant.Dynamic.Counter', 'ns=1;s=Plant.Status.Bad');
    h.driver.startAcquisition(points(texts, 200));
    await until(() => texts.every((_, i) => latest(h, i) !== undefined));
    const first = valueOf(latest(h, 45)) as number;
    await until(() => (valueOf(latest(h, 45)) as number) > first);
    expect(valueOf(latest(h, 0))).toBe(0);
    expect(valueOf(latest(h, 44))).toBe(44);
    expect(latest(h, 46)).toMatchObject({ quality: 'bad', status: 'BadSensorFailure' });
    const sizes = server.sizes.read.slice(before);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
    expect(sizes.filter((n) => n === 20).length).toBeGreaterThanOrEqual(2);
    await h.driver.disconnect();

    const mixed = harness();
    await connect(mixed);
    const readsBefore = server.requests.get('ReadRequest') ?? 0;
    mixed.driver.startAcquisition(points(['ns=1;s=Plant.Dynamic.Counter|mode=read', 'ns=1;s=Plant.Dynamic.Sine'], 100));
    await until(() => latest(mixed, 0) !== undefined && latest(mixed, 1) !== undefined);
    await until(() => (server.requests.get('ReadRequest') ?? 0) > readsBefore + 2);
    await mixed.driver.disconnect();
  }, 60_000);

  it('suppresses changes inside an absolute or percent deadband', async () => {
    server.holdRamp(true);
    server.setRamp(0);
    const h = harness();
    await connect(h);
    // Ramp has EURange 0..100, so pct:8 means 8.
    h.driver.startAcquisition(points(['ns=1;s=Plant.Dynamic.Ramp|deadband=abs:5', 'ns=1;s=Plant.Dynamic.Ramp|sampling=50|queue=10', 'ns=1;s=Plant.Dynamic.Ramp|deadband=pct:8'], 100));
    await until(() => [0, 1, 2].every((p) => latest(h, p) !== undefined));
    for (const v of [1, 2, 3, 4, 10, 11, 12, 20]) {
      server.setRamp(v);
      await sleep(150);
    }
    await until(() => [0, 1, 2].every((p) => valueOf(latest(h, p)) === 20));
    const series = (p: number) => h.samples.filter((s) => s.point === p).map(valueOf);
    expect(series(0)).toEqual([0, 10, 20]);
    expect(series(1)).toEqual([0, 1, 2, 3, 4, 10, 11, 12, 20]);
    expect(series(2)).toEqual([0, 10, 20]);
    server.holdRamp(false);
    await h.driver.disconnect();
  }, 60_000);

  it('creates 600 monitored items in chunks of MaxMonitoredItemsPerCall', async () => {
    const h = harness();
    await connect(h);
    const before = server.sizes.createMonitoredItems.length;
    const texts = Array.from({ length: 600 }, (_, i) => `ns=1;s=Plant.Bulk.A01.L${String(Math.floor(i / 100) + 1).padStart(2, '0')}.V${String((i % 100) + 1).padStart(3, '0')}`);
    h.driver.startAcquisition(points(texts, 500));
    await until(() => new Set(h.samples.map((s) => s.point)).size === 600);
    const sizes = server.sizes.createMonitoredItems.slice(before);
    expect(sizes).toEqual(Array.from({ length: 24 }, () => 25));
    expect(h.samples.every((s) => s.quality === 'good')).toBe(true);
    await h.driver.disconnect();
  }, 60_000);

  it('keeps writes off by default and writes typed values when enabled', async () => {
    const off = harness();
    await connect(off);
    await expect(off.driver.write(parse('ns=1;s=Plant.Write.Setpoint'), 5)).rejects.toBeInstanceOf(WritesDisabledError);
    await off.driver.disconnect();
    const on = harness({ writes: 'enabled' });
    await connect(on);
    await on.driver.write(parse('ns=1;s=Plant.Write.Setpoint'), 42.5);
    on.driver.startAcquisition(points(['ns=1;s=Plant.Write.Setpoint']));
    await until(() => valueOf(latest(on, 0)) === 42.5);
    await expect(on.driver.write(parse('ns=1;s=Plant.Write.Setpoint'), 'abc')).rejects.toThrow(/does not fit data type Double/);
    await expect(on.driver.write(parse('ns=1;s=Does.Not.Exist'), 1)).rejects.toThrow(/BadNodeIdUnknown/);
    await on.driver.disconnect();
  }, 60_000);
});

describe('security, trust and login', () => {
  it('has a stable ApplicationUri and can regenerate its certificate', async () => {
    const dir = path.join(tmp, 'identity');
    const first = await applicationCertificate(dir);
    expect(first.applicationUri).toMatch(/^urn:sensorvault:[^:]+:[0-9a-f-]{36}$/);
    expect((await applicationCertificate(dir)).thumbprint).toBe(first.thumbprint);
    const again = await regenerateApplicationCertificate(dir);
    expect(again.applicationUri).toBe(first.applicationUri);
    expect(applicationUri(dir)).toBe(first.applicationUri);
    expect(again.thumbprint).not.toBe(first.thumbprint);
  }, 60_000);

  it('refuses an unknown server certificate, records it, and connects with SignAndEncrypt once it is trusted', async () => {
    const dir = path.join(tmp, 'trust');
    const store = opcuaTrustStore(dir);
    const settings = { securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' } as const;
    const h = harness(settings, dir);
    const error = await connect(h).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UntrustedCertificateError);
    const untrusted = error as UntrustedCertificateError;
    expect(untrusted.thumbprint).toMatch(/^[0-9a-f]{40}$/);
    expect(untrusted.message).toContain(untrusted.thumbprint);
    expect(untrusted.message).toContain('SensorVault test server');
    expect(untrusted.message).toMatch(/valid \d{4}-\d\d-\d\dT.* to \d{4}-/);
    expect(untrusted.message).toContain(`sensorvault certs trust ${untrusted.thumbprint}`);

    const listed = await store.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ thumbprint: untrusted.thumbprint, status: 'rejected', store: 'opcua' });
    expect(listed[0]?.subject).toContain('SensorVault test server');
    // Refused again, silently never.
    await expect(connect(h)).rejects.toBeInstanceOf(UntrustedCertificateError);
    await expect(store.trust('00'.repeat(20))).rejects.toThrow(/no OPC UA server certificate/);

    const trusted = await store.trust(untrusted.thumbprint.toUpperCase().replace(/(..)/g, '$1:').slice(0, -1));
    expect(trusted.status).toBe('trusted');
    expect((await store.list())[0]?.status).toBe('trusted');
    await connect(h);
    h.driver.startAcquisition(points(['ns=1;s=Plant.Dynamic.Counter']));
    await until(() => latest(h, 0)?.quality === 'good');
    await h.driver.disconnect();
    // The same trusted certificate serves every policy the server offers.
    const pss = harness({ securityMode: 'SignAndEncrypt', securityPolicy: 'Aes256_Sha256_RsaPss' }, dir);
    await connect(pss);
    pss.driver.startAcquisition(points(['ns=1;s=Plant.Dynamic.Counter']));
    await until(() => latest(pss, 0)?.quality === 'good');
    await pss.driver.disconnect();
    await expect(connect(harness({ securityMode: 'Sign', securityPolicy: 'Basic256Sha256' }, dir))).rejects.toThrow(/does not offer Sign with Basic256Sha256; it offers .*SignAndEncrypt\/Basic256Sha256/);

    await store.reject(untrusted.thumbprint);
    expect((await store.list())[0]?.status).toBe('rejected');
    await expect(connect(h)).rejects.toBeInstanceOf(UntrustedCertificateError);
  }, 60_000);

  it('logs in with user name and password from an environment variable, and says why a bad password fails', async () => {
    process.env.SV_TEST_OPCUA_PW = USERS.operator;
    const good = harness({ userToken: { kind: 'username', username: 'operator', passwordEnv: 'SV_TEST_OPCUA_PW' } });
    await connect(good);
    good.driver.startAcquisition(points(['ns=1;s=Plant.Dynamic.Counter']));
    await until(() => latest(good, 0)?.quality === 'good');
    await good.driver.disconnect();

    process.env.SV_TEST_OPCUA_PW = 'wrong';
    const bad = harness({ userToken: { kind: 'username', username: 'operator', passwordEnv: 'SV_TEST_OPCUA_PW' } });
    await expect(connect(bad)).rejects.toThrow(/refused the login of user "operator".*check the user name and the password in \$SV_TEST_OPCUA_PW/);
    delete process.env.SV_TEST_OPCUA_PW;
    await expect(connect(bad)).rejects.toThrow(/environment variable SV_TEST_OPCUA_PW, which is not set/);
  }, 60_000);

  it('logs in with an X.509 user certificate', async () => {
    const cm = new OPCUACertificateManager({ rootFolder: path.join(tmp, 'user-pki'), disableFileWatchers: true });
    await cm.initialize();
    const certificateFile = path.join(tmp, 'user-pki', 'operator.pem');
    await cm.createSelfSignedCertificate({ applicationUri: 'urn:sensorvault:test-user', subject: '/CN=operator', dns: [], startDate: new Date(Date.now() - 3600_000), validity: 30, outputFile: certificateFile });
    const privateKeyFile = cm.privateKey;
    await cm.dispose();
    const h = harness({ userToken: { kind: 'x509', certificateFile, privateKeyFile } });
    await connect(h);
    h.driver.startAcquisition(points(['ns=1;s=Plant.Dynamic.Counter']));
    await until(() => latest(h, 0)?.quality === 'good');
    await h.driver.disconnect();
  }, 60_000);

  it('discovers every endpoint offer with its security, user tokens and certificate', async () => {
    const devices = await opcuaDriver.discover!({ endpointUrl: server.endpointUrl }, { dataDir, log: silentLogger }, { signal: new AbortController().signal });
    const offers = devices.map((d) => `${d.attributes['Security mode']}/${d.attributes['Security policy']}`).sort();
    expect(offers).toEqual(['None/None', 'SignAndEncrypt/Aes256_Sha256_RsaPss', 'SignAndEncrypt/Basic256', 'SignAndEncrypt/Basic256Sha256']);
    expect(devices.find((d) => d.attributes['Security policy'] === 'Basic256')!.attributes.Deprecated).toBe('yes');
    expect(devices.find((d) => d.attributes['Security policy'] === 'Basic256')!.title).toContain('(deprecated)');
    const secure = devices.find((d) => d.attributes['Security mode'] === 'SignAndEncrypt')!;
    expect(secure.attributes['User tokens']).toContain('UserName');
    expect(secure.attributes['User tokens']).toContain('Anonymous');
    expect(secure.attributes['User tokens']).toContain('Certificate');
    expect(secure.attributes.Deprecated).toBe('no');
    expect(secure.attributes['Server certificate thumbprint']).toMatch(/^[0-9a-f]{40}$/);
    expect(opcuaSettingsSchema.parse(secure.settings)).toMatchObject({ endpointUrl: server.endpointUrl, securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' });
  }, 60_000);
});

describe('the generic CLI read path', () => {
  it('reads OPC UA points through sensorvault read', async () => {
    const home = process.env.SENSORVAULT_HOME;
    process.env.SENSORVAULT_HOME = path.join(tmp, 'cli-home');
    try {
      const lines: string[] = [];
      const code = await readCommand([`${server.endpointUrl}?security=None`, 'ns=1;s=Plant.Types.Double', 'ns=1;s=Plant.Arrays.Int32', 'ns=1;s=Nope'], createDriverRegistry([opcuaDriver]), (l) => lines.push(l));
      expect(code).toBe(1);
      const rows = lines.map((l) => JSON.parse(l) as { point: string; value: unknown; quality: string; status: string | null });
      expect(rows[0]).toMatchObject({ point: 'ns=1;s=Plant.Types.Double', value: 3.25, quality: 'good', status: null });
      expect(rows[1]).toMatchObject({ value: '[1,-2,3]', quality: 'good' });
      expect(rows[2]).toMatchObject({ value: null, quality: 'bad', status: 'BadNodeIdUnknown' });
    } finally {
      if (home === undefined) delete process.env.SENSORVAULT_HOME;
      else process.env.SENSORVAULT_HOME = home;
    }
  }, 60_000);
});

describe('driver folder', () => {
  it('ships a sample that validates and registers with the registry', () => {
    const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../../electron/core/drivers/opcua');
    const device = DeviceSchema.parse(JSON.parse(readFileSync(path.join(folder, 'sample.json'), 'utf8')));
    expect(device.driver).toBe('opcua');
    expect(opcuaSettingsSchema.safeParse(device.settings).success).toBe(true);
    for (const tag of device.tags) expect(opcuaDriver.parseAddress(tag.address).ok, tag.address).toBe(true);
    const registry = createDriverRegistry([opcuaDriver]);
    const info = registry.list().find((d) => d.id === 'opcua')!;
    expect(info.settingsSchema.additionalProperties).toBe(false);
    for (const [name, schema] of Object.entries(info.settingsSchema.properties as Record<string, { description?: string }>)) expect(schema.description, name).toBeTruthy();
  });
});
