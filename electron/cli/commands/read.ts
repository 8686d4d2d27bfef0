import { parseArgs } from 'node:util';
import { StatusText } from '../../../shared/reading.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import type { AcquisitionPoint, RawSample } from '../../core/drivers/types.js';
import { describeNoAnswer } from '../../core/drivers/common/network-errors.js';
import { compileNormalizer } from '../../core/normalizer/normalizer.js';
import { CommandError, UsageError } from '../args.js';
import { driverForEndpoint } from '../endpoint.js';

export const readHelp = `Usage: sensorvault read <endpoint> <point>... [--timeout <ms>]

One-shot read of points from a device. Prints one JSON object per line:
  {"point","value","quality","status","ts"}
status explains a non-good quality (null when good); ts is ISO 8601 UTC.
Exits 0 when every point is good, 1 otherwise, 2 on a usage error.

Endpoints:
  modbus-tcp://host:port?unit=N      e.g. modbus-tcp://127.0.0.1:502?unit=1
  modbus-rtu:///dev/ttyUSB0?baud=19200&parity=even&databits=8&stopbits=1&unit=N
  modbus-rtu://host:port?transport=rtu-over-tcp|tcp-gateway&unit=N
  bacnet://host[:port]?device=N[&bind=addr:port]      points: ai:1, av:3:status-flags, ...
  mqtt[s]://host[:port]?filter=<topic filter>&version=4|5[&passwordEnv=NAME]
                                     waits for the next message per point (retained: at once)
  opc.tcp://host:port?security=None|Sign|SignAndEncrypt&policy=Basic256Sha256&user=NAME
                                     password from SENSORVAULT_OPCUA_PASSWORD

Points (Modbus): hr:<n>[:<type>[:<order>]], ir:<n>..., coil:<n>, di:<n>, hr:<n>.<bit>,
  hr:<n>:string:<chars>, Modicon 40001/400001/30001/00001/10001.
  types: bool int16 uint16 int32 uint32 int64 uint64 float32 float64 string
  orders: abcd (default) cdab badc dcba

Example:
  sensorvault read 'modbus-tcp://127.0.0.1:502?unit=1' hr:2:float32 hr:8:float32:cdab coil:0`;

export async function readCommand(argv: string[], registry: DriverRegistry, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(readHelp);
    return 0;
  }
  const [endpoint, ...pointTexts] = positionals;
  if (endpoint === undefined || pointTexts.length === 0) throw new UsageError('read needs an endpoint and at least one point (see sensorvault read --help)');
  let timeoutOverride: Record<string, unknown> = {};
  if (values.timeout !== undefined) {
    const timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout: "${values.timeout}" is not a positive number of milliseconds`);
    timeoutOverride = { timeoutMs };
  }
  const { definition, create, timeoutMs } = driverForEndpoint(endpoint, registry, timeoutOverride);
  const points: AcquisitionPoint<unknown>[] = pointTexts.map((text, index) => {
    const parsed = definition.parseAddress(text);
    if (!parsed.ok) throw new UsageError(`point "${text}": ${parsed.message} (syntax: ${definition.addressSyntax})`);
    return { index, tagId: text, address: parsed.address, pollGroupId: 'read', intervalMs: 60_000 };
  });
  const normalize = compileNormalizer(points.map((p) => ({ tagId: p.tagId, decode: definition.decodeSpec(p.address), scaling: { kind: 'none' } })));

  const samples = new Map<number, RawSample>();
  let lost: Error | undefined;
  let wake: () => void = () => undefined;
  const driver = create({
    emit: (batch) => {
      for (const sample of batch) if (!samples.has(sample.point)) samples.set(sample.point, sample);
      if (samples.size >= points.length) wake();
    },
    connectionLost: (reason) => {
      lost = reason;
      wake();
    },
  });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(describeNoAnswer(endpoint, timeoutMs))), timeoutMs);
  let connectError: string | undefined;
  try {
    await driver.connect(abort.signal);
    driver.startAcquisition(points);
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (samples.size >= points.length) resolve();
      abort.signal.addEventListener('abort', () => resolve(), { once: true });
      // A poll cycle of many points may take several request timeouts.
      setTimeout(resolve, timeoutMs * 2).unref();
    });
  } catch (error) {
    connectError = error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
    driver.stopAcquisition();
    await driver.disconnect();
  }
  const now = Date.now();
  let allGood = true;
  const readings = normalize(
    points.map((p) => {
      const got = samples.get(p.index);
      if (got !== undefined) return got;
      const status = connectError !== undefined ? `${StatusText.noConnection}: ${connectError}` : lost !== undefined ? `${StatusText.noConnection}: ${lost.message}` : StatusText.noResponse;
      return { point: p.index, receiveTs: now, quality: 'bad', status };
    }),
  );
  for (const reading of readings) {
    if (reading.quality !== 'good') allGood = false;
    out(JSON.stringify({ point: reading.tagId, value: reading.value, quality: reading.quality, status: reading.status ?? null, ts: new Date(reading.ts).toISOString() }));
  }
  // The driver's reason carries its own next step (network, certificate, login or TLS).
  if (connectError !== undefined) throw new CommandError(`cannot connect to ${endpoint}: ${connectError}`);
  return allGood ? 0 : 1;
}
