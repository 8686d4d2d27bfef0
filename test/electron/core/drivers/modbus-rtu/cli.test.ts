import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDriverRegistry } from '../../../../../electron/core/drivers/registry.js';
import { modbusRtuDriver } from '../../../../../electron/core/drivers/modbus-rtu/index.js';
import { readCommand } from '../../../../../electron/cli/commands/read.js';
import { UsageError } from '../../../../../electron/cli/args.js';
import { socatAvailable, startPtyPair, type PtyPair } from '../../../../support/serial.js';
import { startRtuSlave, type SerialRtuSlave } from '../../../../support/rtu-slave.js';

// The generic `sensorvault read` against our RTU slave on a real socat pty
// (`sensorvault ports` is tested in test/electron/cli/commands/ports.test.ts).
describe.skipIf(!socatAvailable)('sensorvault read modbus-rtu://', () => {
  let pty: PtyPair;
  let slave: SerialRtuSlave;
  const registry = createDriverRegistry([modbusRtuDriver]);

  beforeEach(async () => {
    pty = await startPtyPair();
    slave = await startRtuSlave(pty.b, { units: [1, 5], dead: [9] });
    slave.banks(1).holdingRegisters.set([0, 0, 0x4148, 0x0000], 0); // hr:2 = 12.5 as float32
    slave.banks(5).coils[3] = 1;
  });

  afterEach(async () => {
    await slave.close();
    await pty.close();
  });

  it('reads points with the Modbus TCP point grammar and exits 0', async () => {
    const lines: string[] = [];
    const code = await readCommand([`modbus-rtu://${pty.a}?baud=9600&parity=none&unit=1`, 'hr:2:float32', '40003:float32', 'u5/coil:3'], registry, (l) => lines.push(l));
    const rows = lines.map((l) => JSON.parse(l) as { point: string; value: unknown; quality: string });
    expect(rows.map((r) => [r.point, r.value, r.quality])).toEqual([
      ['hr:2:float32', 12.5, 'good'],
      ['40003:float32', 12.5, 'good'],
      ['u5/coil:3', true, 'good'],
    ]);
    expect(code).toBe(0);
  });

  it('reports a silent unit as bad and exits 1; rejects a bad endpoint as a usage error', async () => {
    const lines: string[] = [];
    const code = await readCommand([`modbus-rtu://${pty.a}?unit=9`, 'hr:0', '--timeout', '200'], registry, (l) => lines.push(l));
    expect(code).toBe(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ point: 'hr:0', quality: 'bad', status: 'no response' });
    await expect(readCommand([`modbus-rtu://${pty.a}?speed=1`, 'hr:0'], registry, () => undefined)).rejects.toBeInstanceOf(UsageError);
  });
});
