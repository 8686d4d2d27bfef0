/**
 * BACnet/IP acquisition bench, against the simulated device (test/support/bacnet-device.ts) on
 * 127.0.0.1, at max APDU 1476 and 480 (no segmentation, so every answer must fit one APDU):
 *
 *  1. Packing: one poll cycle of 1,000 points (every object's present-value + status-flags, all
 *     nine types mixed; and the 334 analog objects alone). Reference, same run: the octets the
 *     device actually answered per object, packed without waste into (maxApdu − 3)-octet answers
 *     → the fewest requests the APDU limit allows. ratio = that ÷ requests the driver sent
 *     (= values per request ÷ values per request the limit allows). Target ≥ 0.95.
 *  2. Poll cycle time for 1,000 points (cycles back to back; median of 5 alternating rounds), reported,
 *     with the ratio to a bare @bacnet-js/client loop sending the same RPM requests in the same run.
 *
 * Run: npx tsx bench/bacnet.bench.ts   (about 25 s)
 */
import os from 'node:os';
import { silentLogger } from '../electron/core/log.js';
import { bacnetDriver, packBatches, parseBacnetAddress, type BacnetAddress, type ObjectRead } from '../electron/core/drivers/bacnet/index.js';
import { BacnetSession } from '../electron/core/drivers/bacnet/session.js';
import type { AcquisitionPoint, RawSample } from '../electron/core/drivers/types.js';
import { startBacnetDevice, type BacnetDevice } from '../test/support/bacnet-device.js';

const RPM = 14;
const SHORT: Record<number, string> = { 0: 'ai', 1: 'ao', 2: 'av', 3: 'bi', 4: 'bo', 5: 'bv', 13: 'msi', 14: 'mso', 19: 'msv' };
const TARGET = 0.95;
const ROUNDS = 5;
const ROUND_MS = 600;

function pointsOf(device: BacnetDevice, filter: (type: number) => boolean, intervalMs: number): AcquisitionPoint<BacnetAddress>[] {
  return [...device.objects.values()]
    .filter((o) => filter(o.type))
    .map((o, index) => {
      const parsed = parseBacnetAddress(`${SHORT[o.type]}:${o.instance}`);
      if (!parsed.ok) throw new Error(parsed.message);
      return { index, tagId: `${o.type}:${o.instance}`, address: parsed.address, pollGroupId: 'bench', intervalMs };
    });
}

function driverFor(device: BacnetDevice, onEmit: (samples: RawSample[]) => void) {
  return bacnetDriver.create(
    bacnetDriver.settingsSchema.parse({ host: device.host, port: device.port, deviceInstance: device.deviceInstance, bindAddress: '127.0.0.1', bindPort: 0, cov: 'off', timeoutMs: 3000 }),
    { emit: onEmit, connectionLost: (e) => console.error('connection lost', e.message), log: silentLogger, dataDir: os.tmpdir(), now: Date.now },
  );
}

async function packing(maxApdu: number, label: string, filter: (type: number) => boolean) {
  const device = await startBacnetDevice({ objects: 1000, maxApdu, segmentation: false });
  let cycles = 0;
  const driver = driverFor(device, () => cycles++);
  await driver.connect(new AbortController().signal);
  const points = pointsOf(device, filter, 60_000);
  const [reqBefore, resBefore] = [device.requests.length, device.responses.length];
  driver.startAcquisition(points);
  while (cycles === 0) await new Promise((r) => setTimeout(r, 5));
  driver.stopAcquisition();
  const responses = device.responses.slice(resBefore).filter((r) => r.service === RPM);
  const requests = device.requests.slice(reqBefore).filter((r) => r.service === RPM);
  await driver.disconnect();
  await device.close();
  const fits = responses.every((r) => r.outcome === 'single' && r.apduLength <= maxApdu) && requests.every((r) => r.apduLength <= maxApdu);
  const bodyOctets = responses.reduce((n, r) => n + r.apduLength - 3, 0);
  const perObject = bodyOctets / points.length;
  // Whole objects only: the limit allows floor((max − 3) / per-object octets) per answer.
  const perRequestAllowed = Math.floor((maxApdu - 3) / perObject);
  const fewest = Math.ceil(points.length / perRequestAllowed);
  return {
    maxApdu,
    set: label,
    points: points.length,
    requests: responses.length,
    valuesPerRequest: Number((points.length / responses.length).toFixed(2)),
    valuesPerRequestAllowed: Number((points.length / fewest).toFixed(2)),
    octetsPerObject: Number(perObject.toFixed(2)),
    largestAnswer: Math.max(...responses.map((r) => r.apduLength)),
    largestRequest: Math.max(...requests.map((r) => r.apduLength)),
    allWithinApdu: fits,
    // How full the answers are, all but the last (the remainder): octets used ÷ max APDU.
    fullAnswerFill: Number((responses.slice(0, -1).reduce((n, r) => n + r.apduLength, 0) / Math.max(1, responses.length - 1) / maxApdu).toFixed(3)),
    ratio: Number((fewest / responses.length).toFixed(3)),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function cycleTime(maxApdu: number) {
  const device = await startBacnetDevice({ objects: 1000, maxApdu, segmentation: false });
  const points = pointsOf(device, () => true, 0);

  // Reference: the bare library over the same socket type, the same batches, back to back.
  const session = await BacnetSession.open({ bindAddress: '127.0.0.1', bindPort: 0, timeoutMs: 3000, retries: 0, log: silentLogger });
  const receiver = { address: device.address };
  const reads: ObjectRead[] = points.map((p) => ({ objectType: p.address.objectType, instance: p.address.instance, properties: [{ id: 85 }, { id: 111 }] }));
  const batches = packBatches(reads, { maxRequest: maxApdu, maxResponse: maxApdu, variableValueBound: 64 });
  const specs = batches.map((b) => b.objects.map((o) => ({ objectId: { type: o.objectType, instance: o.instance }, properties: o.properties.map((p) => ({ id: p.id, index: 0xffffffff })) })));
  let invokeId = 0;
  const bareRound = async (): Promise<number> => {
    let cycles = 0;
    const start = performance.now();
    while (performance.now() - start < ROUND_MS) {
      for (const spec of specs) await session.client.readPropertyMultiple(receiver, spec, { invokeId: (invokeId = (invokeId % 254) + 1) });
      cycles++;
    }
    return (performance.now() - start) / cycles;
  };

  let cycles = 0;
  let samples = 0;
  let bad = 0;
  const driver = driverFor(device, (batch) => {
    cycles++;
    samples += batch.length;
    for (const s of batch) if (s.quality === 'bad') bad++;
  });
  await driver.connect(new AbortController().signal);
  const driverRound = async (): Promise<number> => {
    cycles = 0;
    driver.startAcquisition(points);
    const start = performance.now();
    await new Promise((r) => setTimeout(r, ROUND_MS));
    const elapsed = performance.now() - start;
    driver.stopAcquisition();
    return elapsed / Math.max(1, cycles);
  };
  // Alternating rounds: the machine is shared, so load shifts hit both sides alike.
  const bare: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await bareRound());
    ours.push(await driverRound());
  }
  session.close();
  await driver.disconnect();
  await device.close();
  const driverMs = median(ours);
  const bareMs = median(bare);
  return {
    maxApdu,
    points: points.length,
    requestsPerCycle: batches.length,
    driverCycleMs: Number(driverMs.toFixed(2)),
    bareLibraryCycleMs: Number(bareMs.toFixed(2)),
    valuesPerSecond: Math.round(points.length / (driverMs / 1000)),
    samples,
    badSamples: bad,
    ratio: Number((bareMs / driverMs).toFixed(3)),
  };
}

const analogOnly = (t: number) => t <= 2;
const every = () => true;
const pack = [await packing(1476, 'mixed 1000', every), await packing(1476, 'analog only', analogOnly), await packing(480, 'mixed 1000', every), await packing(480, 'analog only', analogOnly)];
const cycle = [await cycleTime(1476), await cycleTime(480)];
console.log(
  JSON.stringify(
    {
      bench: 'bacnet',
      target: `values per RPM request ≥ ${TARGET}× what the APDU limit allows; poll cycle time for 1,000 points reported (ratio = bare library cycle ÷ driver cycle)`,
      packing: pack,
      pollCycle: cycle,
    },
    null,
    2,
  ),
);
const ok = pack.every((p) => p.ratio >= TARGET && p.allWithinApdu);
console.log(ok ? 'PASS' : 'BELOW TARGET');
process.exit(ok ? 0 : 1);
