import { encodeRegisters } from '../core/normalizer/registers.js';
import { addressCount, parseModbusAddress, type ModbusAddress, type ModbusTable } from '../core/drivers/modbus-tcp/address.js';
import type { Scaling } from '../../shared/project.js';
import type { BankName, RegisterMap } from './modbus-pdu.js';
import { startModbusServer, type ModbusServer } from './modbus-server.js';

/**
 * The demo plant: a small reactor skid simulated behind a real Modbus TCP server. Its
 * register map covers every data type and byte order of the driver; values move like
 * real signals (first-order lags with noise, counters, a valve cycling every 20 s).
 * Like a real PLC it has only the addresses of its map: anything else is answered with
 * exception 2 (illegal data address), so a mistyped address reads bad, not 0.
 * docs/demo-plant.md and resources/demo/plant.project.json describe the same map; the
 * plant test checks that the three agree.
 */

export interface PlantRegister {
  /** Canonical driver address, e.g. `hr:8:float32:cdab`. */
  address: string;
  tagId: string;
  name: string;
  unit: string;
  description: string;
  pollGroup: 'fast' | 'slow';
  scaling?: Scaling;
  /** Plausible engineering range after scaling (the test checks live values against it). */
  range?: [number, number];
}

export const plantRegisterMap: readonly PlantRegister[] = [
  { address: 'hr:0', tagId: 'plant-status', name: 'UC-100 Plant status word', unit: '', description: 'Status bits: 0 running, 1 valve XV-301 open, 2 heater on, 3 high-temperature alarm', pollGroup: 'fast', range: [0, 15] },
  { address: 'hr:0.0', tagId: 'plant-running', name: 'UC-100 Plant running', unit: '', description: 'Status word bit 0', pollGroup: 'fast' },
  { address: 'hr:0.1', tagId: 'xv-301-open-status', name: 'XV-301 Valve open (status bit)', unit: '', description: 'Status word bit 1', pollGroup: 'fast' },
  { address: 'hr:0.2', tagId: 'eh-101-on', name: 'EH-101 Heater on', unit: '', description: 'Status word bit 2', pollGroup: 'fast' },
  { address: 'hr:0.3', tagId: 'tah-101', name: 'TAH-101 Reactor temperature high alarm', unit: '', description: 'Status word bit 3: temperature above 85 °C', pollGroup: 'fast' },
  { address: 'hr:1:int16', tagId: 'tt-102', name: 'TT-102 Cold store temperature', unit: '°C', description: 'int16 in 0.1 °C, below zero', pollGroup: 'slow', scaling: { kind: 'linear', factor: 0.1, offset: 0 }, range: [-25, -10] },
  { address: 'hr:2:float32', tagId: 'tt-101', name: 'TT-101 Reactor temperature', unit: '°C', description: 'float32 abcd; first-order lag towards the setpoint, with noise', pollGroup: 'fast', range: [10, 95] },
  { address: 'hr:4:uint32', tagId: 'fq-101', name: 'FQ-101 Batches produced', unit: 'pcs', description: 'uint32 abcd; counts up about twice a second', pollGroup: 'fast', range: [0, 4294967295] },
  { address: 'hr:6:float32:badc', tagId: 'ft-101', name: 'FT-101 Feed flow', unit: 'm³/h', description: 'float32 badc; about 12.5 m³/h while XV-301 is open', pollGroup: 'fast', range: [0, 20] },
  { address: 'hr:8:float32:cdab', tagId: 'pt-101', name: 'PT-101 Reactor pressure', unit: 'bar', description: 'float32 cdab; about 2.5 bar, slow oscillation with noise', pollGroup: 'fast', range: [1.5, 3.5] },
  { address: 'hr:10:float32:dcba', tagId: 'lt-101', name: 'LT-101 Reactor level', unit: '%', description: 'float32 dcba; fills while XV-301 is open, drains otherwise', pollGroup: 'fast', range: [0, 100] },
  { address: 'hr:12:int32:cdab', tagId: 'wt-101', name: 'WT-101 Net weight', unit: 'kg', description: 'int32 cdab in grams; may go negative (tare)', pollGroup: 'slow', scaling: { kind: 'linear', factor: 0.001, offset: 0 }, range: [-50, 2000] },
  { address: 'hr:14:uint32:cdab', tagId: 'p-101-hours', name: 'P-101 Pump running time', unit: 'h', description: 'uint32 cdab in seconds', pollGroup: 'slow', scaling: { kind: 'linear', factor: 1 / 3600, offset: 0 }, range: [0, 1_000_000] },
  { address: 'hr:16:float64', tagId: 'fq-102', name: 'FQ-102 Feed totalizer', unit: 'm³', description: 'float64 abcd; integrates FT-101', pollGroup: 'slow', range: [0, 1e9] },
  { address: 'hr:20:string:16', tagId: 'plant-name', name: 'UC-100 Controller name', unit: '', description: 'string of 16 characters, abcd (first character in the high byte)', pollGroup: 'slow' },
  { address: 'hr:28:string:16:badc', tagId: 'plant-serial', name: 'UC-100 Serial number', unit: '', description: 'string of 16 characters, badc (first character in the low byte)', pollGroup: 'slow' },
  { address: 'hr:36:uint64', tagId: 'eq-101', name: 'EQ-101 Active energy imported', unit: 'kWh', description: 'uint64 abcd in Wh', pollGroup: 'slow', scaling: { kind: 'linear', factor: 0.001, offset: 0 }, range: [0, 1e12] },
  { address: 'hr:40:int64:cdab', tagId: 'eq-102', name: 'EQ-102 Net energy (import − export)', unit: 'kWh', description: 'int64 cdab (word order reversed: lowest word first) in Wh; consumption minus on-site generation, negative overall', pollGroup: 'slow', scaling: { kind: 'linear', factor: 0.001, offset: 0 }, range: [-1e9, 1e9] },
  { address: 'hr:44:float64:dcba', tagId: 'qt-101', name: 'QT-101 Reactor pH', unit: 'pH', description: 'float64 dcba (fully little-endian)', pollGroup: 'slow', range: [6, 8] },
  { address: 'hr:48:uint16:badc', tagId: 'sc-101', name: 'SC-101 Agitator speed', unit: 'rpm', description: 'uint16 badc (bytes swapped)', pollGroup: 'fast', range: [0, 3000] },
  { address: 'hr:49:int16:badc', tagId: 'tt-103', name: 'TT-103 Outdoor temperature', unit: '°C', description: 'int16 badc in 0.01 °C', pollGroup: 'slow', scaling: { kind: 'linear', factor: 0.01, offset: 0 }, range: [-30, 45] },
  { address: 'hr:50:int32', tagId: 'zt-101', name: 'ZT-101 Agitator shaft position', unit: '°', description: 'int32 abcd in 0.01°, signed', pollGroup: 'fast', scaling: { kind: 'linear', factor: 0.01, offset: 0 }, range: [-180, 180] },
  { address: 'hr:52:uint64:dcba', tagId: 'fq-103', name: 'FQ-103 Agitator revolutions', unit: 'rev', description: 'uint64 dcba', pollGroup: 'slow', range: [0, 1e15] },
  { address: 'hr:56:int64', tagId: 'eq-103', name: 'EQ-103 Heater energy balance', unit: 'Wh', description: 'int64 abcd', pollGroup: 'slow', range: [-1e12, 1e12] },
  { address: 'hr:60:float32', tagId: 'tic-101-sp', name: 'TIC-101 Temperature setpoint', unit: '°C', description: 'float32 abcd; alternates between 65 and 80 °C every 60 s (writable)', pollGroup: 'slow', range: [0, 100] },
  { address: 'ir:0', tagId: 'lt-201', name: 'LT-201 Buffer tank level', unit: '%', description: 'uint16 raw 0..27648 of a 4–20 mA input card', pollGroup: 'fast', scaling: { kind: 'range', rawLow: 0, rawHigh: 27648, low: 0, high: 100 }, range: [0, 100] },
  { address: 'ir:1', tagId: 'pt-201', name: 'PT-201 Supply pressure', unit: 'bar', description: 'uint16 raw 0..27648 of a 4–20 mA input card', pollGroup: 'fast', scaling: { kind: 'range', rawLow: 0, rawHigh: 27648, low: 0, high: 10 }, range: [0, 10] },
  { address: 'ir:2:float32', tagId: 'ii-201', name: 'II-201 Loop current LT-201', unit: 'mA', description: 'float32 abcd; the loop current behind LT-201', pollGroup: 'fast', range: [4, 20] },
  { address: 'coil:0', tagId: 'xv-301-cmd', name: 'XV-301 Feed valve open command', unit: '', description: 'Toggles every 20 s (writable)', pollGroup: 'fast' },
  { address: 'coil:1', tagId: 'p-101-cmd', name: 'P-101 Feed pump run command', unit: '', description: 'On (writable)', pollGroup: 'fast' },
  { address: 'coil:2', tagId: 'eh-101-cmd', name: 'EH-101 Heater enable', unit: '', description: 'On while the temperature is below the setpoint', pollGroup: 'fast' },
  { address: 'di:0', tagId: 'xv-301-zso', name: 'XV-301 Open limit switch', unit: '', description: 'Follows the command after 2 s of travel', pollGroup: 'fast' },
  { address: 'di:1', tagId: 'xv-301-zsc', name: 'XV-301 Closed limit switch', unit: '', description: 'Follows the command after 2 s of travel', pollGroup: 'fast' },
  { address: 'di:2', tagId: 'hs-001', name: 'HS-001 Emergency stop healthy', unit: '', description: 'Always true', pollGroup: 'fast' },
  { address: 'di:3', tagId: 'lsh-101', name: 'LSH-101 Reactor level high switch', unit: '', description: 'True above 90 % level', pollGroup: 'fast' },
];

const BANK_OF_TABLE: Readonly<Record<ModbusTable, BankName>> = { coil: 'coils', di: 'discreteInputs', ir: 'inputRegisters', hr: 'holdingRegisters' };

/** The addresses the plant answers: every register, coil and input of its map. */
export function plantAddressMap(registers: readonly PlantRegister[] = plantRegisterMap): RegisterMap {
  const map: Record<BankName, Array<[number, number]>> = { coils: [], discreteInputs: [], holdingRegisters: [], inputRegisters: [] };
  for (const entry of registers) {
    const parsed = parseModbusAddress(entry.address);
    if (!parsed.ok) throw new Error(`demo plant register map: ${parsed.message}`);
    const a = parsed.address;
    map[BANK_OF_TABLE[a.table]].push([a.offset, a.offset + addressCount(a) - 1]);
  }
  return map;
}

export interface DemoPlantOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Simulation step (ms); default 100. */
  stepMs?: number;
  /** Seed of the noise generator, so tests can be repeatable. */
  seed?: number;
  /** How often the feed valve toggles (ms); default 20 000. Its travel takes a tenth of it. */
  valvePeriodMs?: number;
}

export interface DemoPlant {
  host: string;
  port: number;
  registerMap: readonly PlantRegister[];
  server: ModbusServer;
  close(): Promise<void>;
}

/** Small deterministic PRNG (mulberry32); Math.random would do, but tests like repeatability. */
function noiseSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

const CONTROLLER_NAME = 'SV-DEMO UC-100';
const SERIAL_NUMBER = 'SN-2026-000417';

export async function startDemoPlant(options: DemoPlantOptions = {}): Promise<DemoPlant> {
  const server = await startModbusServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, registerMap: plantAddressMap() });
  const stepMs = options.stepMs ?? 100;
  const valvePeriodMs = options.valvePeriodMs ?? 20_000;
  const noise = noiseSource(options.seed ?? 417);
  const addresses = new Map<string, ModbusAddress>();
  for (const entry of plantRegisterMap) {
    const parsed = parseModbusAddress(entry.address);
    if (!parsed.ok) throw new Error(`demo plant register map: ${parsed.message}`);
    addresses.set(entry.tagId, parsed.address);
  }
  const { holdingRegisters: hr, inputRegisters: ir, coils, discreteInputs: di } = server.banks;

  const put = (tagId: string, value: number | string | bigint): void => {
    const a = addresses.get(tagId) as ModbusAddress;
    const bank = a.table === 'hr' ? hr : ir;
    bank.set(encodeRegisters(value, { kind: 'registers', type: a.type, order: a.order, length: a.length }), a.offset);
  };
  const getFloat32Setpoint = (): number => {
    const view = new DataView(new ArrayBuffer(4));
    view.setUint16(0, hr[60] as number);
    view.setUint16(2, hr[61] as number);
    return view.getFloat32(0);
  };

  const state = {
    started: Date.now(),
    last: Date.now(),
    temperature: 20,
    flow: 0,
    level: 40,
    totalFlow: 1234.5,
    batches: 1_000_000,
    batchFraction: 0,
    weightG: 850_000,
    pumpSeconds: 3_600 * 12_345,
    energyWh: 12_345_678_000n,
    energyFraction: 0,
    netWh: -1_234_567n,
    netFraction: 0,
    revolutions: 9_876_543_210n,
    revFraction: 0,
    heaterWh: 0n,
    heaterFraction: 0,
    angle: 0,
    valveChangedAt: Date.now(),
    lastSetpointSwitch: Date.now(),
  };

  put('plant-name', CONTROLLER_NAME);
  put('plant-serial', SERIAL_NUMBER);
  put('tic-101-sp', 65);
  coils[0] = 1;
  coils[1] = 1;
  di[2] = 1;

  const step = (): void => {
    const now = Date.now();
    const dt = Math.min(5, Math.max(0, (now - state.last) / 1000));
    state.last = now;
    const t = (now - state.started) / 1000;

    // A valve cycling every 20 s, with 2 s of travel before the limit switches follow.
    if (now - state.valveChangedAt >= valvePeriodMs) {
      coils[0] = coils[0] ? 0 : 1;
      state.valveChangedAt = now;
    }
    const valveCommand = coils[0] === 1;
    const travelled = now - state.valveChangedAt >= valvePeriodMs / 10;
    di[0] = valveCommand && travelled ? 1 : 0;
    di[1] = !valveCommand && travelled ? 1 : 0;
    const valveOpen = di[0] === 1;

    if (now - state.lastSetpointSwitch >= 60_000) {
      put('tic-101-sp', getFloat32Setpoint() < 72 ? 80 : 65);
      state.lastSetpointSwitch = now;
    }
    const setpoint = getFloat32Setpoint();
    const heaterOn = state.temperature < setpoint;
    coils[2] = heaterOn ? 1 : 0;

    // First-order lags (tau 15 s for temperature, 3 s for flow) plus measurement noise.
    state.temperature += ((setpoint + (heaterOn ? 2 : -2) - state.temperature) * dt) / 15;
    const flowTarget = valveOpen && coils[1] === 1 ? 12.5 : 0;
    state.flow += ((flowTarget - state.flow) * dt) / 3;
    state.level = Math.min(98, Math.max(2, state.level + (state.flow / 12.5) * dt * 0.8 - dt * 0.35));
    state.totalFlow += (state.flow * dt) / 3600;

    state.batchFraction += dt * 2;
    const batchStep = Math.floor(state.batchFraction);
    state.batchFraction -= batchStep;
    state.batches = (state.batches + batchStep) >>> 0;

    const powerW = 45_000 + 5_000 * Math.sin(t / 30) + (heaterOn ? 15_000 : 0);
    state.energyFraction += (powerW * dt) / 3600;
    const wh = Math.floor(state.energyFraction);
    state.energyFraction -= wh;
    state.energyWh += BigInt(wh);
    // Net energy: consumption minus on-site generation (a PV field of ~48 kW, drifting).
    const generationW = 48_000 + 8_000 * Math.sin(t / 20);
    state.netFraction += ((powerW - generationW) * dt) / 3600;
    const netStep = Math.trunc(state.netFraction);
    state.netFraction -= netStep;
    state.netWh += BigInt(netStep);
    state.heaterFraction += ((heaterOn ? 15_000 : -2_000) * dt) / 3600;
    const hWh = Math.trunc(state.heaterFraction);
    state.heaterFraction -= hWh;
    state.heaterWh += BigInt(hWh);

    const rpm = 1450 + 20 * Math.sin(t / 7) + 5 * noise();
    state.revFraction += (rpm / 60) * dt;
    const revs = Math.floor(state.revFraction);
    state.revFraction -= revs;
    state.revolutions += BigInt(revs);
    state.angle = (state.angle + (rpm / 60) * 360 * dt) % 360;
    state.pumpSeconds += coils[1] === 1 ? dt : 0;
    state.weightG = Math.round(850_000 + 400_000 * Math.sin(t / 40) + 200 * noise());

    const temperature = state.temperature + 0.15 * noise();
    const alarm = temperature > 85;
    hr[0] = 1 | (valveOpen ? 2 : 0) | (heaterOn ? 4 : 0) | (alarm ? 8 : 0);
    put('tt-102', Math.round((-18.5 + 0.6 * Math.sin(t / 50) + 0.2 * noise()) * 10));
    put('tt-101', temperature);
    put('fq-101', state.batches);
    put('ft-101', Math.max(0, state.flow + (state.flow > 0.1 ? 0.2 * noise() : 0)));
    put('pt-101', 2.5 + 0.3 * Math.sin(t / 10) + 0.03 * noise());
    put('lt-101', state.level);
    put('wt-101', state.weightG);
    put('p-101-hours', Math.floor(state.pumpSeconds));
    put('fq-102', state.totalFlow);
    put('eq-101', state.energyWh);
    put('eq-102', state.netWh);
    put('qt-101', 7.1 + 0.2 * Math.sin(t / 90) + 0.01 * noise());
    put('sc-101', Math.round(rpm));
    put('tt-103', Math.round((12 + 6 * Math.sin(t / 300) + 0.1 * noise()) * 100));
    put('zt-101', Math.round((state.angle > 180 ? state.angle - 360 : state.angle) * 100));
    put('fq-103', state.revolutions);
    put('eq-103', state.heaterWh);

    const tankLevel = 55 + 25 * Math.sin(t / 45) + 0.3 * noise();
    ir[0] = Math.round(Math.min(100, Math.max(0, tankLevel)) * 276.48);
    ir[1] = Math.round(((6 + 0.5 * Math.sin(t / 13) + 0.05 * noise()) / 10) * 27648);
    put('ii-201', 4 + (16 * (ir[0] as number)) / 27648);
    di[3] = state.level > 90 ? 1 : 0;
  };

  step();
  const timer = setInterval(step, stepMs);
  timer.unref();

  return {
    host: server.host,
    port: server.port,
    registerMap: plantRegisterMap,
    server,
    async close() {
      clearInterval(timer);
      await server.close();
    },
  };
}
