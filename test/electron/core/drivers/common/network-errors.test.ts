import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeConnectFailure, describeNetworkError, formatTarget, NETWORK_NEXT_STEP, networkErrorCode } from '../../../../../electron/core/drivers/common/network-errors.js';
import { assertWritesEnabled, WritesDisabledError } from '../../../../../electron/core/drivers/common/errors.js';
import { hostProblem } from '../../../../../electron/core/drivers/common/host.js';
import { modbusTcpSettingsSchema } from '../../../../../electron/core/drivers/modbus-tcp/settings.js';
import { mqttSettingsSchema } from '../../../../../electron/core/drivers/mqtt/settings.js';
import { bacnetSettingsSchema } from '../../../../../electron/core/drivers/bacnet/settings.js';

/** A real refused connection: a port that was free a moment ago. */
async function refusedError(): Promise<Error> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', resolve);
  });
}

describe('network error words', () => {
  it('translates a real ECONNREFUSED with the code in brackets and the network next step', async () => {
    const error = await refusedError();
    expect(describeNetworkError(error, '10.0.0.5:502')).toBe(`no device answers at 10.0.0.5:502 (connection refused, ECONNREFUSED): ${NETWORK_NEXT_STEP}`);
  });

  it('finds the code in a cause, an AggregateError member or the message text', () => {
    for (const code of ['ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'ENETUNREACH', 'EPIPE']) {
      const text = describeNetworkError(Object.assign(new Error(`x ${code} y`), { code }), 'plc-01:502') ?? '';
      expect(text).toMatch(new RegExp(`\\(.+, ${code}\\): ${NETWORK_NEXT_STEP}$`));
      expect(text).not.toMatch(/getaddrinfo|syscall/);
    }
    expect(networkErrorCode(new Error('wrapped', { cause: Object.assign(new Error(''), { code: 'ECONNRESET' }) }))).toBe('ECONNRESET');
    expect(networkErrorCode(new AggregateError([Object.assign(new Error(''), { code: 'ECONNREFUSED' })], ''))).toBe('ECONNREFUSED');
    expect(networkErrorCode(new Error('getaddrinfo ENOTFOUND plc01'))).toBe('ENOTFOUND');
  });

  it('leaves other failures (login, certificate, TLS) to the driver, without the network hint', () => {
    const login = describeConnectFailure(new Error('BadIdentityTokenRejected'), 'opc.tcp://x:4840', () => 'the server refused the login of user "op": check the user name and the password in $PW');
    expect(login).not.toContain(NETWORK_NEXT_STEP);
    expect(describeNetworkError(Object.assign(new Error('self signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'x')).toBeUndefined();
  });

  it('brackets an IPv6 target', () => {
    expect(formatTarget('::1', 502)).toBe('[::1]:502');
    expect(formatTarget('plc-01', 502)).toBe('plc-01:502');
  });
});

describe('host validation', () => {
  it('accepts IPv4, IPv6 and RFC 1123 host names', () => {
    for (const ok of ['10.0.0.5', '::1', 'fe80::1%eth0', '::ffff:10.0.0.5', 'plc-01', 'plc-01.plant.local', 'localhost']) expect(hostProblem(ok), ok).toBeUndefined();
  });

  it('refuses typos with the reason', () => {
    expect(hostProblem('plc 01;drop')).toMatch(/a space and ";" are not allowed/);
    expect(hostProblem('999.1.1.1')).toMatch(/not a valid IPv4 address/);
    expect(hostProblem('-plc')).toMatch(/not a valid host name/);
    expect(hostProblem('plc..01')).toMatch(/not a valid host name/);
    expect(hostProblem('')).toMatch(/is empty/);
    expect(hostProblem('plc-01', 'ipv4')).toMatch(/not an IPv4 address/);
  });

  it('every driver schema refuses a bad host and names the field', () => {
    const tcp = modbusTcpSettingsSchema.safeParse({ host: 'plc 01;drop' });
    expect(tcp.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['host', expect.stringMatching(/^host "plc 01;drop" is not an IP address or host name/)]]);
    expect(modbusTcpSettingsSchema.safeParse({ host: '::1' }).success).toBe(true);
    const mqtt = mqttSettingsSchema.safeParse({ url: 'mqtt://-broker-:1883', subscriptions: [{ filter: 'a/#' }] });
    expect(mqtt.error?.issues.some((i) => i.path.join('.') === 'url' && /the host "-broker-"/.test(i.message))).toBe(true);
    expect(mqttSettingsSchema.safeParse({ url: 'mqtt://[::1]:1883', subscriptions: [{ filter: 'a/#' }] }).success).toBe(true);
    const bacnet = bacnetSettingsSchema.safeParse({ host: '10.0.0.300', deviceInstance: 1, bindAddress: 'eth0' });
    expect(bacnet.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['bindAddress', 'host']);
  });
});

describe('writes guard', () => {
  it('throws WritesDisabledError naming the protocol unless writes are enabled', () => {
    expect(() => assertWritesEnabled({ writes: 'disabled' }, 'OPC UA')).toThrow(WritesDisabledError);
    expect(() => assertWritesEnabled({ writes: 'disabled' }, 'OPC UA')).toThrow('writes are disabled for this OPC UA device; enable them in the device settings (writes: "enabled")');
    expect(() => assertWritesEnabled({ writes: 'enabled' }, 'OPC UA')).not.toThrow();
  });
});
