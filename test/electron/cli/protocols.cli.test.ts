import path from 'node:path';
import { MessageSecurityMode, SecurityPolicy } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpcuaTestServer, startOpcuaTestServer } from '../../support/opcua-server.js';
import { type BacnetDevice, startBacnetDevice } from '../../support/bacnet-device.js';
import { assertBuilt, runCli } from '../../support/cli.js';
import { tempDir } from '../../support/project.js';

// The real `sensorvault` command against a real node-opcua server and a simulated
// BACnet/IP device on loopback: browse, read, discover and the certificate trust flow.
const tmp = tempDir('sensorvault-cli-proto-');
const env = { SENSORVAULT_HOME: tmp.file('home') };
let opcua: OpcuaTestServer;
let bacnet: BacnetDevice;

beforeAll(async () => {
  assertBuilt();
  opcua = await startOpcuaTestServer({
    pkiDir: path.join(tmp.dir, 'server-pki'),
    bulk: 200,
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
  });
  bacnet = await startBacnetDevice({ objects: 40, deviceInstance: 4242, modelName: 'SimAHU', vendorName: 'SensorVault test' });
});

afterAll(async () => {
  await opcua?.close();
  await bacnet?.close();
  tmp.remove();
});

const jsonLines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('sensorvault with OPC UA', () => {
  it('browse prints the tree with addresses; --json gives one node per line', async () => {
    const text = await runCli(['browse', `${opcua.endpointUrl}?security=None`, '--depth', '3', '--from', 'ns=1;s=Plant'], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Temperature {2}\[ns=1;s=Plant\.Analog\.Temperature\]/);
    const json = await runCli(['browse', `${opcua.endpointUrl}?security=None`, '--depth', '2', '--from', 'ns=1;s=Plant', '--json'], { env });
    const nodes = jsonLines(json.stdout);
    expect(nodes.some((n) => n.name === 'Analog' && n.kind !== 'point')).toBe(true);
    expect(nodes.find((n) => n.address === 'ns=1;s=Plant.Analog.Temperature')).toMatchObject({ depth: 2, parent: expect.stringContaining('Analog') });
  });

  it('read prints the Modbus-style JSON lines', async () => {
    const result = await runCli(['read', `${opcua.endpointUrl}?security=None`, 'ns=1;s=Plant.Types.Double', 'ns=1;s=Plant.Types.Boolean', 'ns=1;s=Plant.Nope'], { env });
    const [double, boolean, missing] = jsonLines(result.stdout);
    expect(double).toMatchObject({ point: 'ns=1;s=Plant.Types.Double', quality: 'good', status: null });
    expect(typeof double?.value).toBe('number');
    expect(typeof boolean?.value).toBe('boolean');
    expect(missing).toMatchObject({ quality: 'bad', status: expect.stringMatching(/BadNodeIdUnknown/) });
    expect(result.code).toBe(1);
  });

  it('refuses an untrusted server certificate, then reads after certs trust', async () => {
    const secure = `${opcua.endpointUrl}?security=SignAndEncrypt&policy=Basic256Sha256`;
    const refused = await runCli(['read', secure, 'ns=1;s=Plant.Types.Double'], { env });
    expect(refused.code).toBe(1);
    const thumbprint = /certs trust ([0-9a-fA-F:]+)/.exec(refused.stderr + refused.stdout)?.[1];
    expect(thumbprint, refused.stderr).toBeDefined();
    // Issue 8: the message names the certificate and the trust step, once, and does not send
    // the engineer to the network ("check the address, port …" is for network failures only).
    const message = refused.stderr.trim().split('\n').filter((line) => /cannot connect/.test(line));
    expect(message, refused.stderr).toHaveLength(1);
    expect(message[0]).toMatch(new RegExp(`^sensorvault: cannot connect to ${opcua.endpointUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S*.*certificate.*is not trusted.*thumbprint.*sensorvault certs trust ${thumbprint}.*connect again`));
    expect(message[0]!.match(/cannot connect/g)).toHaveLength(1);
    expect(refused.stderr + refused.stdout).not.toMatch(/check the address, port and that the device is reachable/);
    expect(jsonLines(refused.stdout)[0]).toMatchObject({ quality: 'bad', status: expect.stringMatching(/is not trusted/) });
    expect(String(jsonLines(refused.stdout)[0]?.status)).not.toMatch(/check the address/);
    const listed = await runCli(['certs', 'list', '--json'], { env });
    expect(jsonLines(listed.stdout)).toEqual([expect.objectContaining({ status: 'rejected', store: 'opcua' })]);
    const trust = await runCli(['certs', 'trust', thumbprint!], { env });
    expect(trust.code).toBe(0);
    expect(trust.stdout).toMatch(/^trusted/);
    const ok = await runCli(['read', secure, 'ns=1;s=Plant.Types.Double'], { env });
    expect(ok.stderr).toBe('');
    expect(jsonLines(ok.stdout)[0]).toMatchObject({ quality: 'good' });
    const unknown = await runCli(['certs', 'trust', 'ab'.repeat(20)], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no certificate with thumbprint/);
  });

  it('shows and regenerates its own application certificate, keeping the ApplicationUri', async () => {
    const own = jsonLines((await runCli(['certs', 'own', '--json'], { env })).stdout)[0]!;
    expect(own.thumbprint).toMatch(/^[0-9a-f:]{20,}$/i);
    const fresh = await runCli(['certs', 'regenerate', '--json'], { env });
    expect(fresh.code).toBe(0);
    const renewed = jsonLines(fresh.stdout)[0]!;
    expect(renewed.thumbprint).not.toBe(own.thumbprint);
    expect(renewed.applicationUri).toBe(own.applicationUri);
  });

  it('discover opcua lists the endpoint offers', async () => {
    const result = await runCli(['discover', 'opcua', '--endpoint', opcua.endpointUrl, '--json'], { env });
    expect(result.code).toBe(0);
    const offers = jsonLines(result.stdout);
    expect(offers.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(offers)).toMatch(/SignAndEncrypt/);
  });
});

describe('sensorvault with BACnet/IP', () => {
  const target = () => `${bacnet.host}:${bacnet.port}`;

  it('discover finds the device with a directed Who-Is', async () => {
    const result = await runCli(['discover', 'bacnet', '--target', target(), '--bind', '127.0.0.1:0', '--timeout', '2000'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/4242/);
    expect(result.stdout).toMatch(/SensorVault test/);
  });

  it('browse lists the objects; read gets present values', async () => {
    const endpoint = `bacnet://${target()}?device=4242&bind=127.0.0.1:0`;
    const listing = await runCli(['browse', endpoint, '--json'], { env });
    expect(listing.code).toBe(0);
    const objects = jsonLines(listing.stdout);
    expect(objects.length).toBeGreaterThanOrEqual(40);
    expect(objects.some((o) => o.address === 'ai:0' || o.address === 'ai:1')).toBe(true);
    const address = String(objects.find((o) => String(o.address).startsWith('ai:'))?.address);
    const read = await runCli(['read', endpoint, address, `${address}:status-flags`], { env });
    const [value] = jsonLines(read.stdout);
    expect(value).toMatchObject({ point: address, quality: 'good' });
    expect(typeof value?.value).toBe('number');
  });
});

describe('sensorvault ports', () => {
  it('lists serial ports (possibly none) and exits 0', async () => {
    const result = await runCli(['ports', '--json'], { env });
    expect(result.code).toBe(0);
    for (const line of jsonLines(result.stdout)) expect(line).toHaveProperty('path');
  });
});
