import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDriverRegistry } from '../../../../../electron/core/drivers/registry.js';
import { modbusRtuDriver } from '../../../../../electron/core/drivers/modbus-rtu/index.js';
import { readCommand } from '../../../../../electron/cli/commands/read.js';
import { portsCommand } from '../../../../../electron/cli/commands/ports.js';
import { UsageError } from '../../../../../electron/cli/args.js';
import { socatAvailable, startPtyPair, type PtyPair } from '../../../../support/serial.js';
import { startRtuSlave, type SerialRtuSlave } from '../../../../support/rtu-slave.js';

// The generic `sensorvault read` against our RTU slave on a real socat pty, and
// `sensorvault ports` against this machine's real serial port list.
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

describe('sensorvault ports', () => {
  it('lists the serial ports SerialPort.list() finds, as text and as JSON', async () => {
    const text: string[] = [];
    expect(await portsCommand([], (l) => text.push(l))).toBe(0);
    const json: string[] = [];
    expect(await portsCommand(['--json'], (l) => json.push(l))).toBe(0);
    const entries = json.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const entry of entries) {
      expect(typeof entry.path).toBe('string');
      expect(Object.keys(entry).sort()).toEqual(['manufacturer', 'path', 'pnpId', 'productId', 'serialNumber', 'vendorId']);
    }
    // One text line per port, or one line saying there are none (containers usually have none).
    if (entries.length === 0) expect(text).toEqual([expect.stringMatching(/no serial ports found/)]);
    else expect(text.map((l) => l.split('  ')[0])).toEqual(entries.map((e) => e.path));
  });

  it('does not list socat ptys (they are not devices udev knows); the help says so', async () => {
    if (!socatAvailable) return;
    const pty = await startPtyPair();
    try {
      const json: string[] = [];
      await portsCommand(['--json'], (l) => json.push(l));
      const paths = json.map((l) => (JSON.parse(l) as { path: string }).path);
      expect(paths).not.toContain(pty.a);
      const help: string[] = [];
      await portsCommand(['--help'], (l) => help.push(l));
      expect(help.join('\n')).toMatch(/ptys/);
    } finally {
      await pty.close();
    }
  });

  it('formats entries with missing fields and rejects arguments', async () => {
    const lines: string[] = [];
    const list = async () => [
      { path: '/dev/ttyUSB1', manufacturer: 'FTDI', serialNumber: 'A10K', vendorId: '0403', productId: '6001' },
      { path: '/dev/ttyS0' },
    ];
    await portsCommand([], (l) => lines.push(l), list);
    expect(lines).toEqual(['/dev/ttyS0  manufacturer=- serial=- vid:pid=-', '/dev/ttyUSB1  manufacturer=FTDI serial=A10K vid:pid=0403:6001']);
    await expect(portsCommand(['extra'], () => undefined)).rejects.toBeInstanceOf(UsageError);
  });
});
