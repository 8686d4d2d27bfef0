import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataType, Variant, VariantArrayType } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../electron/core/log.js';
import type { DriverContext, RawSample } from '../../../../../electron/core/drivers/types.js';
import { convertVariant, opcuaDriver, opcuaSettingsSchema, type OpcuaDriver } from '../../../../../electron/core/drivers/opcua/index.js';
import { startOpcuaTestServer, type OpcuaTestServer } from '../../../../support/opcua-server.js';

// OPC UA Float is a float32; node-opcua hands it over widened to a double. The driver delivers
// the shortest decimal that reads back as the same float32 (20.6, not 20.59963607788086).
const float = (value: number) => new Variant({ dataType: DataType.Float, arrayType: VariantArrayType.Scalar, value });

describe('OPC UA Float conversion', () => {
  it('gives the shortest decimal of the float32, for scalars and arrays', () => {
    expect(Math.fround(20.6)).toBe(20.600000381469727);
    expect(convertVariant(float(Math.fround(20.6)))).toEqual({ value: 20.6 });
    expect(convertVariant(float(Math.fround(0.1)))).toEqual({ value: 0.1 });
    expect(convertVariant(float(-0))).toEqual({ value: -0 });
    expect(convertVariant(new Variant({ dataType: DataType.Float, arrayType: VariantArrayType.Array, value: new Float32Array([20.6, 1.5, -3.3]) }))).toEqual({ value: '[20.6,1.5,-3.3]' });
  });

  it('leaves Double values as they are (a double has no float32 to recover)', () => {
    expect(convertVariant(new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Scalar, value: 20.600000381469727 }))).toEqual({ value: 20.600000381469727 });
  });
});

describe('OPC UA Float from a real server', () => {
  let tmp: string;
  let server: OpcuaTestServer;
  let driver: OpcuaDriver | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-opcua-float-'));
    server = await startOpcuaTestServer({ pkiDir: path.join(tmp, 'server-pki'), bulk: 100, tickMs: 1000 });
  }, 60_000);

  afterAll(async () => {
    await driver?.disconnect();
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  }, 30_000);

  it('reads back 20.6 written to a Float variable as 20.6', async () => {
    const samples: RawSample[] = [];
    const context: DriverContext = { emit: (batch) => samples.push(...batch), connectionLost: () => undefined, log: silentLogger, dataDir: path.join(tmp, 'data'), now: () => Date.now() };
    driver = opcuaDriver.create(opcuaSettingsSchema.parse({ endpointUrl: server.endpointUrl, timeoutMs: 5000, writes: 'enabled' }), context);
    await driver.connect(new AbortController().signal);
    const parsed = opcuaDriver.parseAddress('ns=1;s=Plant.Types.Float|mode=read');
    if (!parsed.ok) throw new Error(parsed.message);
    // The server stores the float32 nearest to 20.6 and answers reads with it.
    await driver.write(parsed.address, 20.6);
    driver.startAcquisition([{ index: 0, tagId: 'float', address: parsed.address, pollGroupId: 'g', intervalMs: 100 }]);
    const deadline = Date.now() + 20_000;
    while (samples.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(samples[0]).toMatchObject({ quality: 'good', raw: { kind: 'value', value: 20.6 } });
  }, 30_000);
});
