import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModbusScanSchema } from '../../../shared/api/types.js';
import { type ModbusServer, startModbusServer } from '../../../electron/demo/modbus-server.js';
import { assertBuilt, runCli } from '../../support/cli.js';
import { COUNTER_OFFSET, countReads, knownPoints, MAP_LENGTH, serverHost, writeKnownMap } from '../../support/register-map.js';

// `sensorvault modbus scan` (the built command) against our Modbus TCP server on
// 127.0.0.1 at a free port, with a register map we know: each 32-bit float order, a
// float64 and a counter that counts every read covering it.
const BASE = 100;
let server: ModbusServer;
let endpoint: string;

beforeAll(async () => {
  assertBuilt();
  server = await startModbusServer({ registerMap: { holdingRegisters: [[0, BASE + MAP_LENGTH + 10]] } });
  writeKnownMap(serverHost(server), BASE);
  countReads(serverHost(server), BASE);
  endpoint = `modbus-tcp://127.0.0.1:${server.port}?unit=1`;
});

afterAll(async () => {
  await server.close();
});

const StartsSchema = ModbusScanSchema.shape.starts;

describe('sensorvault modbus scan', () => {
  it('--json ranks the right type and order first at every known start', async () => {
    const result = await runCli(['modbus', 'scan', endpoint, '--from', `hr:${BASE}`, '--count', String(MAP_LENGTH), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const starts = StartsSchema.parse(JSON.parse(result.stdout));
    expect(starts).toHaveLength(MAP_LENGTH);
    expect(starts.map((s) => s.address)).toEqual(Array.from({ length: MAP_LENGTH }, (_, i) => `hr:${BASE + i}`));
    for (const point of knownPoints) {
      const start = starts[point.offset];
      expect(start?.candidates[0], `${point.type} ${point.order} at hr:${BASE + point.offset}`).toMatchObject({
        type: point.type,
        order: point.label,
        value: point.offset === COUNTER_OFFSET ? expect.any(Number) : point.value,
        tagAddress: `hr:${BASE + point.offset}:${point.type}${point.order === 'abcd' ? '' : `:${point.order}`}`,
      });
    }
    // Two reads, the counter counted each: it grew by one between them.
    const counter = starts[COUNTER_OFFSET]?.candidates[0];
    expect(counter?.value).toBeGreaterThan(70000);
    expect(counter?.hints[0]).toBe('counts up between reads (+1)');
    for (const start of starts) for (const c of start.candidates) expect(c.score).toBeGreaterThanOrEqual(0.1);
  });

  it('prints the ranked decodings per start register in text, with the raw word', async () => {
    const result = await runCli(['modbus', 'scan', endpoint, '--from', String(40001 + BASE + 4), '--count', '4']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^4 register\(s\) from 40105, read \d{4}-\d\d-\d\dT/);
    const header = lines.findIndex((l) => l.startsWith(`hr:${BASE + 4}  0x`));
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toMatch(new RegExp(`^  float32 cdab\\s+3\\.14159  score 0\\.\\d\\d  hr:${BASE + 4}:float32:cdab\\s+finite float`));
  });

  it('says which register the device refuses, and exits 1', async () => {
    const last = BASE + MAP_LENGTH + 10;
    const result = await runCli(['modbus', 'scan', endpoint, '--from', `hr:${last - 1}`, '--count', '4']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`hr:${last + 1} on ${endpoint}: illegal data address`);
    expect(result.stderr).toContain('scan a block the device maps');
  });

  it('usage errors exit 2 and say what to give instead', async () => {
    const coil = await runCli(['modbus', 'scan', endpoint, '--from', 'coil:0']);
    expect(coil.code).toBe(2);
    expect(coil.stderr).toContain('--from: "coil:0" is a coil; the assistant decodes registers');
    const typed = await runCli(['modbus', 'scan', endpoint, '--from', 'hr:8:float32']);
    expect(typed.code).toBe(2);
    expect(typed.stderr).toContain('give only the start register (e.g. hr:8)');
    const count = await runCli(['modbus', 'scan', endpoint, '--from', 'hr:0', '--count', '300']);
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('--count: "300" must be a whole number of registers, 1..250');
    const mqtt = await runCli(['modbus', 'scan', 'mqtt://127.0.0.1:1883?filter=a/b', '--from', 'hr:0']);
    expect(mqtt.code).toBe(2);
    expect(mqtt.stderr).toContain('modbus scan needs a modbus-tcp:// or modbus-rtu:// endpoint');
  });

  it('a device that is not there is a clear failure', async () => {
    const closed = await startModbusServer();
    const port = closed.port;
    await closed.close();
    const result = await runCli(['modbus', 'scan', `modbus-tcp://127.0.0.1:${port}?unit=1`, '--from', 'hr:0', '--count', '2']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^sensorvault: cannot connect to modbus-tcp:\/\/127\.0\.0\.1:\d+\?unit=1: /);
  });
});
