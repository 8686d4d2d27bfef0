import { migrateUnit } from '../../../shared/mapping/units.js';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectSchema, type Scaling } from '../../../shared/project.js';
import { silentLogger } from '../../../electron/core/log.js';
import { decodeRegisters } from '../../../electron/core/normalizer/registers.js';
import type { RawSample } from '../../../electron/core/drivers/types.js';
import { modbusTcpDriver, modbusTcpSettingsSchema, type ModbusAddress } from '../../../electron/core/drivers/modbus-tcp/index.js';
import { plantRegisterMap, startDemoPlant, type DemoPlant } from '../../../electron/demo/plant.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parse(text: string): ModbusAddress {
  const r = modbusTcpDriver.parseAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

function scale(value: number, scaling: Scaling | undefined): number {
  if (scaling === undefined || scaling.kind === 'none') return value;
  if (scaling.kind === 'linear') return value * scaling.factor + scaling.offset;
  if (scaling.kind !== 'range') throw new Error(`the demo plant uses no ${scaling.kind} scaling`);
  return scaling.low + ((value - scaling.rawLow) * (scaling.high - scaling.low)) / (scaling.rawHigh - scaling.rawLow);
}

describe('demo plant documents', () => {
  const project = ProjectSchema.parse(JSON.parse(readFileSync(path.join(root, 'resources/demo/plant.project.json'), 'utf8')));
  const device = project.devices[0]!;

  it('the project has one modbus-tcp device with a tag for every register of the map', () => {
    expect(project.devices.length).toBe(1);
    expect(device.driver).toBe('modbus-tcp');
    expect(modbusTcpSettingsSchema.parse(device.settings)).toMatchObject({ host: '127.0.0.1', port: 1502, writes: 'disabled' });
    expect(device.pollGroups).toEqual([{ id: 'fast', intervalMs: 500 }, { id: 'slow', intervalMs: 2000 }]);
    expect(device.tags.map((t) => [t.id, t.address, t.name, t.unit, t.pollGroup])).toEqual(
      plantRegisterMap.map((r) => [r.tagId, r.address, r.name, migrateUnit(r.unit), r.pollGroup]),
    );
    for (const tag of device.tags) {
      const entry = plantRegisterMap.find((r) => r.tagId === tag.id)!;
      expect(tag.scaling).toEqual(entry.scaling ?? { kind: 'none' });
    }
  });

  it('every address is canonical and the map covers every type and byte order', () => {
    const types = new Set<string>();
    const orders = new Set<string>();
    for (const entry of plantRegisterMap) {
      const address = parse(entry.address);
      expect(modbusTcpDriver.formatAddress(address)).toBe(entry.address);
      types.add(address.type);
      if (address.table === 'hr' || address.table === 'ir') orders.add(address.order);
    }
    expect([...types].sort()).toEqual(['bool', 'float32', 'float64', 'int16', 'int32', 'int64', 'string', 'uint16', 'uint32', 'uint64']);
    expect([...orders].sort()).toEqual(['abcd', 'badc', 'cdab', 'dcba']);
    const tables = new Set(plantRegisterMap.map((r) => parse(r.address).table));
    expect([...tables].sort()).toEqual(['coil', 'di', 'hr', 'ir']);
  });

  it('docs/demo-plant.md lists every register', () => {
    const doc = readFileSync(path.join(root, 'docs/demo-plant.md'), 'utf8');
    for (const entry of plantRegisterMap) expect(doc).toContain(`| \`${entry.address}\` |`);
  });
});

describe('demo plant simulation', () => {
  let plant: DemoPlant;
  beforeAll(async () => {
    plant = await startDemoPlant({ port: 0, stepMs: 50, valvePeriodMs: 2_000 });
  });
  afterAll(async () => {
    await plant.close();
  });

  /** One read of the whole map through the real driver, decoded and scaled. */
  async function readAll(): Promise<Map<string, number | boolean | string>> {
    const cycles: RawSample[][] = [];
    const driver = modbusTcpDriver.create(modbusTcpSettingsSchema.parse({ host: '127.0.0.1', port: plant.port }), {
      emit: (samples) => cycles.push(samples),
      connectionLost: () => undefined,
      log: silentLogger,
    dataDir: os.tmpdir(),
      now: () => Date.now(),
    });
    await driver.connect(new AbortController().signal);
    const points = plant.registerMap.map((r, index) => ({ index, tagId: r.tagId, address: parse(r.address), pollGroupId: 'all', intervalMs: 60_000 }));
    driver.startAcquisition(points);
    while (cycles.length === 0) await sleep(5);
    await driver.disconnect();
    const values = new Map<string, number | boolean | string>();
    for (const sample of cycles[0]!) {
      const entry = plant.registerMap[sample.point]!;
      expect(sample.quality, entry.address).toBe('good');
      const spec = modbusTcpDriver.decodeSpec(points[sample.point]!.address);
      let value: number | boolean | string;
      if (sample.raw?.kind === 'bit') value = sample.raw.bit;
      else if (sample.raw?.kind === 'registers' && spec.kind === 'registers') value = decodeRegisters(sample.raw.words, spec).value;
      else throw new Error(`unexpected sample for ${entry.address}`);
      values.set(entry.tagId, typeof value === 'number' ? scale(value, entry.scaling) : value);
    }
    return values;
  }

  it('decodes the whole map to plausible values', async () => {
    const values = await readAll();
    expect(values.size).toBe(plantRegisterMap.length);
    for (const entry of plantRegisterMap) {
      const value = values.get(entry.tagId);
      if (entry.range !== undefined) {
        expect(typeof value, entry.tagId).toBe('number');
        expect(value as number, entry.tagId).toBeGreaterThanOrEqual(entry.range[0]);
        expect(value as number, entry.tagId).toBeLessThanOrEqual(entry.range[1]);
      }
    }
    expect(values.get('plant-name')).toBe('SV-DEMO UC-100');
    expect(values.get('plant-serial')).toBe('SN-2026-000417');
    expect(values.get('plant-running')).toBe(true);
    expect(values.get('hs-001')).toBe(true);
    expect(values.get('p-101-cmd')).toBe(true);
    expect([65, 80]).toContain(values.get('tic-101-sp'));
    expect(values.get('eq-101')).toBeGreaterThan(12_000_000);
    expect(values.get('eq-102')).toBeLessThan(0);
    // The status bits agree with the status word.
    const word = values.get('plant-status') as number;
    expect(values.get('xv-301-open-status')).toBe((word & 2) !== 0);
    expect(values.get('eh-101-on')).toBe((word & 4) !== 0);
    // The loop current and the raw input describe the same level.
    expect(values.get('ii-201') as number).toBeCloseTo(4 + (16 * (values.get('lt-201') as number)) / 100, 1);
  });

  it('values move like real signals', async () => {
    const first = await readAll();
    let later = first;
    const deadline = Date.now() + 20_000;
    // Wait (without a fixed-time assertion) until the counter has moved.
    while (later.get('fq-101') === first.get('fq-101') && Date.now() < deadline) {
      await sleep(200);
      later = await readAll();
    }
    expect(later.get('fq-101') as number).toBeGreaterThan(first.get('fq-101') as number);
    expect(later.get('tt-101')).not.toBe(first.get('tt-101'));
    expect(later.get('pt-101')).not.toBe(first.get('pt-101'));
    expect(later.get('eq-101') as number).toBeGreaterThanOrEqual(first.get('eq-101') as number);
    expect(later.get('fq-103') as number).toBeGreaterThanOrEqual(first.get('fq-103') as number);
  });

  it('the valve command toggles and its limit switches follow', async () => {
    const before = plant.server.banks.coils[0];
    // Toggles every 2 s here (20 s by default); wait for it rather than assuming a time.
    const deadline = Date.now() + 30_000;
    while (plant.server.banks.coils[0] === before && Date.now() < deadline) await sleep(100);
    expect(plant.server.banks.coils[0]).not.toBe(before);
    const open = plant.server.banks.coils[0] === 1;
    while (plant.server.banks.discreteInputs[open ? 0 : 1] !== 1 && Date.now() < deadline + 10_000) await sleep(100);
    expect(plant.server.banks.discreteInputs[0]).toBe(open ? 1 : 0);
    expect(plant.server.banks.discreteInputs[1]).toBe(open ? 0 : 1);
  }, 60_000);
});
