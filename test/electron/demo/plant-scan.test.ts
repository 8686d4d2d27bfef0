import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modbusTcpDriver, modbusTcpSettingsSchema } from '../../../electron/core/drivers/modbus-tcp/index.js';
import { parseModbusAddress } from '../../../electron/core/drivers/modbus-tcp/address.js';
import { analyse, parseScanRange, readRegisterBlock } from '../../../electron/core/modbus-scan/scan.js';
import { startDemoPlant, type DemoPlant } from '../../../electron/demo/plant.js';
import { orderLabel } from '../../../shared/modbus/scan.js';
import { registerCount } from '../../../shared/modbus/registers.js';
import { recordingContext } from '../../support/driver-harness.js';

// The register-map assistant against the demo plant (moving signals, counters, every
// type and order): over several live scans through the real Modbus TCP driver, each
// documented numeric start register ranks its documented type and order first, except a
// few where one scan's two reads can leave a neighbour's reading ahead (hr:1 next to a live
// float, hr:6 feed flow while it settles (with the pressure after it, it reads as a live float64 ghefcdab), hr:12 next to a counter, hr:49 and hr:50 next to a shaft angle
// that is positive): those must rank it second at worst.
const SECOND_AT_WORST = new Set(['hr:1:int16', 'hr:6:float32:badc', 'hr:12:int32:cdab', 'hr:49:int16:badc', 'hr:50:int32']);
let plant: DemoPlant;
beforeAll(async () => {
  plant = await startDemoPlant({ port: 0 });
});
afterAll(async () => {
  await plant.close();
});

interface Documented {
  address: string;
  offset: number;
  type: string;
  label: string;
  registers: number;
}

const documented: Documented[] = plantRegisterStarts();

function plantRegisterStarts(): Documented[] {
  const out: Documented[] = [];
  for (const entry of [
    'hr:0', 'hr:1:int16', 'hr:2:float32', 'hr:4:uint32', 'hr:6:float32:badc', 'hr:8:float32:cdab', 'hr:10:float32:dcba', 'hr:12:int32:cdab',
    'hr:14:uint32:cdab', 'hr:16:float64', 'hr:36:uint64', 'hr:40:int64:cdab', 'hr:44:float64:dcba', 'hr:48:uint16:badc', 'hr:49:int16:badc',
    'hr:50:int32', 'hr:52:uint64:dcba', 'hr:56:int64', 'hr:60:float32',
  ]) {
    const parsed = parseModbusAddress(entry);
    if (!parsed.ok) throw new Error(parsed.message);
    const a = parsed.address;
    const registers = registerCount(a.type as 'uint16');
    out.push({ address: entry, offset: a.offset, type: a.type, label: orderLabel(registers, a.order), registers });
  }
  return out;
}

describe('the register-map assistant on the demo plant', () => {
  it('ranks the documented type and order first at the documented starts (second at worst at five) in at least 3 of 4 scans', async () => {
    const settings = modbusTcpSettingsSchema.parse({ host: '127.0.0.1', port: plant.port, unitId: 1, timeoutMs: 2000 });
    const range = parseScanRange('hr:0', 62, (t) => modbusTcpDriver.parseAddress(t));
    // The plant's signals move (valves open, flows ramp), and a single scan can be fooled,
    // e.g. by a float64 that straddles two live float32s while a flow ramps. What an engineer
    // relies on is the ranking scan after scan: every documented start meets its rank in at
    // least 3 of 4 scans (the misses are listed when it does not).
    const misses: string[] = [];
    const missesByStart = new Map<string, number>();
    const scans = 4;
    for (let scan = 0; scan < scans; scan++) {
      const read = await readRegisterBlock((sink) => modbusTcpDriver.create(settings, { ...recordingContext().context, ...sink }), range, { timeoutMs: 2000, where: 'demo plant' });
      expect(read.later, 'the second read').toBeDefined();
      const result = analyse('demo', 'hr:0', range, read);
      for (const d of documented) {
        const words = read.words.slice(d.offset, d.offset + d.registers);
        // Registers that all read 0 (a balance passing through zero) say nothing of their type.
        if (words.every((w) => w === 0)) continue;
        const candidates = result.starts[d.offset]?.candidates ?? [];
        const rank = candidates.findIndex((c) => c.order === d.label && (c.type === d.type || c.hints.includes(`reads the same as ${d.type}`)));
        const allowed = SECOND_AT_WORST.has(d.address) ? 1 : 0;
        if (rank < 0 || rank > allowed) {
          const top = candidates[0];
          misses.push(`scan ${scan + 1}: ${d.address} at rank ${rank}; first: ${top === undefined ? 'nothing' : `${top.type} ${top.order} ${String(top.value)} (${top.hints.join('; ')})`}`);
          missesByStart.set(d.address, (missesByStart.get(d.address) ?? 0) + 1);
        }
      }
    }
    const tooOften = [...missesByStart].filter(([, n]) => n > 1).map(([address]) => address);
    expect(tooOften, misses.join('\n')).toEqual([]);
  }, 60_000);
});
