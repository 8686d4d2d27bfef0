import { writeFileSync } from 'node:fs';
import ModbusRTU from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModbusServer, startModbusServer } from '../../../electron/demo/modbus-server.js';
import { assertBuilt, runCli } from '../../support/cli.js';
import { modbusProject, tempDir } from '../../support/project.js';

// The real `sensorvault` command (bin/ -> dist/), against real Modbus TCP servers on
// 127.0.0.1: modbus-serial's own ServerTCP (an independent implementation) and ours.
const tmp = tempDir('sensorvault-cli-');
let ours: ModbusServer;
let standard: { close(cb: () => void): void };
let standardPort = 0;

beforeAll(async () => {
  assertBuilt();
  ours = await startModbusServer();
  // modbus-serial's ServerTCP with a vector: the "any standard Modbus TCP server" case.
  const holding = new Uint16Array(64);
  const f = Buffer.alloc(4);
  f.writeFloatBE(23.5);
  holding[2] = f.readUInt16BE(0);
  holding[3] = f.readUInt16BE(2);
  f.writeFloatBE(-1.25);
  holding[8] = f.readUInt16BE(2);
  holding[9] = f.readUInt16BE(0);
  const coils = [true, false, true];
  standardPort = await findPort();
  const ServerTCP = (ModbusRTU as unknown as { ServerTCP: new (vector: unknown, options: unknown) => { on(e: string, cb: (err: unknown) => void): void; close(cb: () => void): void } }).ServerTCP;
  const server = new ServerTCP(
    {
      getHoldingRegister: (addr: number) => holding[addr] ?? 0,
      getInputRegister: () => 0,
      getCoil: (addr: number) => coils[addr] ?? false,
      getDiscreteInput: () => false,
      setRegister: () => undefined,
      setCoil: () => undefined,
    },
    { host: '127.0.0.1', port: standardPort, unitID: 1 },
  );
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('socketError', reject);
  });
  standard = server;
});

afterAll(async () => {
  await ours.close();
  await new Promise<void>((resolve) => standard.close(() => resolve()));
  tmp.remove();
});

async function findPort(): Promise<number> {
  const net = await import('node:net');
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('sensorvault read', () => {
  it('reads float32 abcd, float32 cdab and a coil from a standard Modbus TCP server', async () => {
    const result = await runCli(['read', `modbus-tcp://127.0.0.1:${standardPort}?unit=1`, 'hr:2:float32', 'hr:8:float32:cdab', 'coil:0']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    expect(out.map((o) => [o.point, o.value, o.quality, o.status])).toEqual([
      ['hr:2:float32', 23.5, 'good', null],
      ['hr:8:float32:cdab', -1.25, 'good', null],
      ['coil:0', true, 'good', null],
    ]);
    for (const o of out) expect(String(o.ts)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('accepts Modicon aliases', async () => {
    ours.banks.holdingRegisters[0] = 321;
    const result = await runCli(['read', `modbus-tcp://127.0.0.1:${ours.port}?unit=1`, '40001', '400001']);
    expect(lines(result.stdout).map((o) => o.value)).toEqual([321, 321]);
  });

  it('exits 1 and explains when a point is not good', async () => {
    const remove = ours.injectException((r) => (r.address === 500 ? 2 : undefined));
    const result = await runCli(['read', `modbus-tcp://127.0.0.1:${ours.port}?unit=1`, 'hr:500', 'hr:0']);
    remove();
    expect(result.code).toBe(1);
    const [bad, good] = lines(result.stdout);
    expect(bad).toMatchObject({ point: 'hr:500', quality: 'bad', value: null });
    expect(String(bad?.status)).toMatch(/illegal data address/);
    expect(good).toMatchObject({ quality: 'good' });
  });

  it('exits 1 with one clear line when nothing listens', async () => {
    const port = await findPort();
    const result = await runCli(['read', `modbus-tcp://127.0.0.1:${port}?unit=1`, 'hr:0', '--timeout', '300']);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)[0]).toMatchObject({ quality: 'bad' });
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    // Said once, in words, with the code in brackets and the network next step.
    expect(result.stderr.trim()).toMatch(
      new RegExp(`cannot connect to modbus-tcp://127\\.0\\.0\\.1:${port}\\?unit=1: no device answers at 127\\.0\\.0\\.1:${port} \\(connection refused, ECONNREFUSED\\): check the address, port and that the device is reachable$`),
    );
    expect(result.stderr.match(/cannot connect/g)).toHaveLength(1);
  });

  it('refuses a mistyped host before any lookup, naming the field', async () => {
    const result = await runCli(['read', 'modbus-tcp://plc_01:502?unit=1', 'hr:0', '--timeout', '300']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/host "plc_01" is not an IP address or host name: "_" is not allowed/);
    expect(result.stderr).not.toMatch(/ENOTFOUND|getaddrinfo/);
  });

  it.each([
    [['read'], /needs an endpoint/],
    [['read', 'modbus-tcp://127.0.0.1:1?unit=1', 'hr:8:float33'], /unknown type "float33"/],
    [['read', 'ftp://x', 'hr:0'], /unsupported endpoint/],
    [['bogus'], /unknown command/],
    [['history', '--db'], /argument missing|option '--db/i],
    [['run', '--project', 'x.json'], /needs --db/],
    [['history', '--db', 'x.db', '--tag', 't', '--from', '2026-01-01T00:00:00'], /no time zone/],
  ])('usage error %j exits 2 with one line', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('every command has --help', async () => {
    for (const command of ['read', 'run', 'history', 'gateway', 'demo']) {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`Usage: sensorvault ${command}`));
    }
  });
});

describe('sensorvault run + history', () => {
  it('acquires into SQLite for a duration, then history prints it as csv and json', async () => {
    ours.banks.holdingRegisters[10] = 777;
    const project = tmp.file('project.json');
    writeFileSync(project, JSON.stringify(modbusProject(ours.port, [{ id: 'flow', address: 'hr:10', unit: 'm³/h' }])));
    const db = tmp.file('run.db');
    const run = await runCli(['run', '--project', project, '--db', db, '--for', '1500ms']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/readings committed/);
    const csv = await runCli(['history', '--db', db, '--tag', 'flow', '--from', '2000-01-01T00:00:00Z']);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('ts,value,quality,status,receive_ts');
    expect(rows.length).toBeGreaterThan(3);
    expect(rows[1]).toMatch(/^\d{4}-.+Z,777,good,,$/);
    const json = await runCli(['history', '--db', db, '--tag', 'flow', '--format', 'json', '--from', '2000-01-01T00:00:00Z']);
    expect(lines(json.stdout)[0]).toMatchObject({ tag: 'flow', value: 777, quality: 'good' });
    const unknownTag = await runCli(['history', '--db', db, '--tag', 'nope']);
    expect(unknownTag.code).toBe(1);
    expect(unknownTag.stderr).toMatch(/no tag "nope".*known tags: flow/);
  });

  it('refuses an invalid project naming the field, row and reason, and writes nothing', async () => {
    const project = tmp.file('bad.json');
    const document = modbusProject(ours.port, [{ id: 'a', address: 'hr:0' }, { id: 'b', address: 'hr:1:float99' }]) as { devices: Array<Record<string, unknown>> };
    (document.devices[0] as Record<string, unknown>).colour = 'blue';
    writeFileSync(project, JSON.stringify(document));
    const db = tmp.file('never.db');
    const result = await runCli(['run', '--project', project, '--db', db, '--for', '1s']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/devices\[0\]\.colour: unknown key/);
    const second = document as { devices: Array<{ colour?: string }> };
    delete second.devices[0]?.colour;
    writeFileSync(project, JSON.stringify(second));
    const again = await runCli(['run', '--project', project, '--db', db, '--for', '1s']);
    expect(again.stderr).toMatch(/devices\[0\]\.tags\[1\]\.address: .*float99/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(db)).toBe(false);
  });
});
