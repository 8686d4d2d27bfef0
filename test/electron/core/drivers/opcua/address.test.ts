import { describe, expect, it } from 'vitest';
import { opcuaDriver, parseOpcuaAddress, formatOpcuaAddress, settingsFromOpcuaEndpoint, opcuaSettingsSchema, type OpcuaAddress } from '../../../../../electron/core/drivers/opcua/index.js';

function parse(text: string): OpcuaAddress {
  const r = parseOpcuaAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

describe('OPC UA address grammar', () => {
  const canonical = [
    'ns=1;s=Some.Node',
    'ns=2;i=1234',
    'i=2258',
    's=Plain',
    'ns=3;g=72962b91-fa75-4ae6-8d28-b404dc7daf63',
    'ns=4;b=AQID',
    'nsu=urn:example:plant;s=Line1.Temp',
    'nsu=http://x.org/UA/;i=5',
    'ns=1;s=A|sampling=250',
    'ns=1;s=A|queue=10',
    'ns=1;s=A|deadband=abs:0.5',
    'ns=1;s=A|deadband=pct:2',
    'ns=1;s=A|ts=server',
    'ns=1;s=A|mode=read',
    'ns=1;s=A|sampling=0|queue=5|deadband=abs:1.25|ts=server|mode=read',
    'ns=65535;i=4294967295',
    'ns=1;s=With spaces and ünïcode / "quotes"',
    'ns=1;s=a;b=c',
  ];

  it.each(canonical)('round-trips %s: parse(format(x)) equals x and the text is canonical', (text) => {
    const a = parse(text);
    expect(formatOpcuaAddress(a)).toBe(text);
    expect(parse(formatOpcuaAddress(a))).toEqual(a);
  });

  it.each([
    ['ns=0;i=2258', 'i=2258'],
    ['ns=1;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63', 'ns=1;g=72962b91-fa75-4ae6-8d28-b404dc7daf63'],
    ['ns=1;i=007', 'ns=1;i=7'],
    ['ns=1;s=A|ts=source', 'ns=1;s=A'],
    ['ns=1;s=A|mode=subscription', 'ns=1;s=A'],
    ['ns=1;s=A|mode=read|sampling=100', 'ns=1;s=A|sampling=100|mode=read'],
    ['  ns=1;s=A  ', 'ns=1;s=A'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(formatOpcuaAddress(parse(input))).toBe(expected);
  });

  it('keeps the parts apart', () => {
    expect(parse('ns=2;s=Line1.Temp|sampling=250|queue=10|deadband=pct:2|ts=server')).toEqual({
      node: { ns: 2, type: 's', id: 'Line1.Temp' },
      sampling: 250,
      queue: 10,
      deadband: { kind: 'pct', value: 2 },
      ts: 'server',
    });
    expect(parse('nsu=urn:a;i=3').node).toEqual({ ns: 0, nsu: 'urn:a', type: 'i', id: '3' });
  });

  it.each([
    ['', 'expected a NodeId'],
    ['ns=1;x=5', 'expected a NodeId'],
    ['ns=70000;i=1', 'beyond 65535'],
    ['ns=a;i=1', 'must be a number'],
    ['i=-1', 'numeric identifier'],
    ['i=4294967296', 'numeric identifier'],
    ['ns=1;g=not-a-guid', 'not a GUID'],
    ['ns=1;b=@@', 'not base64'],
    ['ns=1;s=', 'empty string identifier'],
    ['ns=1;s=A|sampling=fast', 'sampling'],
    ['ns=1;s=A|queue=0', 'queue'],
    ['ns=1;s=A|deadband=3', 'deadband'],
    ['ns=1;s=A|deadband=pct:150', 'beyond 100'],
    ['ns=1;s=A|ts=device', 'ts'],
    ['ns=1;s=A|mode=poll', 'mode'],
    ['ns=1;s=A|queue=2|queue=3', 'given twice'],
    ['ns=1;i=5|foo=3', 'unknown option "foo"'],
  ])('rejects %j with a clear message', (text, fragment) => {
    const r = parseOpcuaAddress(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(fragment);
  });

  it('is what the driver definition uses, with a value decode spec', () => {
    expect(opcuaDriver.parseAddress('i=2258')).toEqual(parseOpcuaAddress('i=2258'));
    expect(opcuaDriver.formatAddress(parse('ns=1;s=A|queue=3'))).toBe('ns=1;s=A|queue=3');
    expect(opcuaDriver.decodeSpec(parse('i=2258'))).toEqual({ kind: 'value' });
  });
});

describe('OPC UA endpoint URLs for the CLI', () => {
  it('maps opc.tcp URLs and their query to settings', () => {
    expect(settingsFromOpcuaEndpoint('opc.tcp://127.0.0.1:4840?security=None')).toEqual({ endpointUrl: 'opc.tcp://127.0.0.1:4840', securityMode: 'None' });
    expect(settingsFromOpcuaEndpoint('opc.tcp://plc:4841/UA/Server?security=SignAndEncrypt&policy=Aes256_Sha256_RsaPss&user=op')).toEqual({
      endpointUrl: 'opc.tcp://plc:4841/UA/Server',
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Aes256_Sha256_RsaPss',
      userToken: { kind: 'username', username: 'op', passwordEnv: 'SENSORVAULT_OPCUA_PASSWORD' },
    });
    expect(settingsFromOpcuaEndpoint('opc.tcp://plc?security=Sign')).toEqual({ endpointUrl: 'opc.tcp://plc:4840', securityMode: 'Sign', securityPolicy: 'Basic256Sha256' });
    const parsed = opcuaSettingsSchema.parse(settingsFromOpcuaEndpoint('opc.tcp://plc:4840?policy=Basic256Sha256'));
    expect(parsed.securityMode).toBe('SignAndEncrypt');
    expect(parsed.writes).toBe('disabled');
    expect(parsed.acquisition).toBe('subscription');
  });

  it.each([
    ['opc.tcp://plc:4840?security=Encrypt', 'security'],
    ['opc.tcp://plc:4840?policy=Basic512', 'policy'],
    ['opc.tcp://plc:4840?unit=1', 'unknown parameter'],
    ['opc.tcp://op:secret@plc:4840', 'passwords never go in the URL'],
    ['http://plc:4840', 'not opc.tcp'],
  ])('rejects %s', (url, fragment) => {
    expect(() => settingsFromOpcuaEndpoint(url)).toThrow(fragment);
  });

  it('rejects mismatched security settings', () => {
    expect(opcuaSettingsSchema.safeParse({ endpointUrl: 'opc.tcp://a:1', securityMode: 'Sign' }).success).toBe(false);
    expect(opcuaSettingsSchema.safeParse({ endpointUrl: 'opc.tcp://a:1', securityMode: 'None', securityPolicy: 'Basic256Sha256' }).success).toBe(false);
    expect(opcuaSettingsSchema.safeParse({ endpointUrl: 'opc.tcp://a:1', extra: 1 }).success).toBe(false);
    expect(opcuaSettingsSchema.safeParse({ endpointUrl: 'opc.tcp://a:1', userToken: { kind: 'username', username: 'u', password: 'x' } }).success).toBe(false);
  });
});
