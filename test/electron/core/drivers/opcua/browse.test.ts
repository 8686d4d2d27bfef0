import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../electron/core/log.js';
import type { BrowseNode, Progress } from '../../../../../electron/core/drivers/types.js';
import { opcuaDriver, opcuaSettingsSchema, type OpcuaDriver } from '../../../../../electron/core/drivers/opcua/index.js';
import { startOpcuaTestServer, type OpcuaTestServer } from '../../../../support/opcua-server.js';

let tmp: string;
let server: OpcuaTestServer;
let driver: OpcuaDriver;
const never = () => new AbortController().signal;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-opcua-browse-'));
  server = await startOpcuaTestServer({ pkiDir: path.join(tmp, 'server-pki'), bulk: 10_000, tickMs: 500, limits: { maxNodesPerBrowse: 10, maxNodesPerRead: 200 } });
  driver = opcuaDriver.create(opcuaSettingsSchema.parse({ endpointUrl: server.endpointUrl, browseMaxReferencesPerNode: 30 }), {
    emit: () => undefined,
    connectionLost: () => undefined,
    log: silentLogger,
    dataDir: path.join(tmp, 'data'),
    now: () => Date.now(),
  });
  await driver.connect(never());
}, 60_000);

afterAll(async () => {
  await driver?.disconnect();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
}, 30_000);

const byName = (nodes: BrowseNode[], name: string) => {
  const node = nodes.find((n) => n.name === name);
  if (node === undefined) throw new Error(`${name} not among ${nodes.map((n) => n.name).join(', ')}`);
  return node;
};

/** A recursive walk by repeated one-level browse, as the runtime's "add folder" does. */
async function walk(ref: string, signal: AbortSignal, onProgress: (p: Progress) => void): Promise<BrowseNode[]> {
  const queue = [ref];
  const points: BrowseNode[] = [];
  let visited = 0;
  while (queue.length > 0) {
    const next = queue.shift() as string;
    const nodes = await driver.browse(next, { signal });
    visited += nodes.length;
    for (const n of nodes) {
      if (n.kind === 'point') points.push(n);
      if (n.hasChildren) queue.push(n.ref);
    }
    onProgress({ done: visited, message: `${points.length} points` });
  }
  return points;
}

describe('OPC UA browse', () => {
  it('starts at the Objects folder and goes one level at a time', async () => {
    const root = await driver.browse(undefined, { signal: never() });
    const plant = byName(root, 'Plant');
    expect(plant).toMatchObject({ ref: 'ns=1;s=Plant', kind: 'folder', hasChildren: true });
    expect(byName(root, 'Server').kind).toBe('object');
    const level = await driver.browse(plant.ref, { signal: never() });
    expect(level.map((n) => n.name).sort()).toEqual(['Analog', 'Arrays', 'Bulk', 'Dynamic', 'Status', 'Types', 'Write']);
    expect(level.every((n) => n.kind === 'folder' && n.hasChildren)).toBe(true);
  }, 30_000);

  it('shows every attribute an engineer decides on, and prefills the tag from EU information and EURange', async () => {
    const analog = await driver.browse('ns=1;s=Plant.Analog', { signal: never() });
    const temperature = byName(analog, 'Temperature');
    expect(temperature).toMatchObject({ kind: 'point', hasChildren: false, address: 'ns=1;s=Plant.Analog.Temperature', ref: 'ns=1;s=Plant.Analog.Temperature' });
    expect(temperature.attributes).toMatchObject({
      'Node class': 'Variable',
      'Browse name': '1:Temperature',
      'Display name': 'Temperature',
      Description: 'Oven temperature',
      'Data type': 'Double',
      'Value rank': 'Scalar',
      'EU range': '0 .. 150',
    });
    expect(temperature.attributes.Access).toContain('read');
    expect(temperature.attributes['Engineering unit']).toContain('°C');
    expect(temperature.suggestion).toEqual({ name: 'Temperature', unit: '°C', description: 'Oven temperature', low: 0, high: 150 });
    expect(byName(analog, 'Pressure').suggestion).toMatchObject({ unit: 'bar', low: 0, high: 10 });

    const arrays = await driver.browse('ns=1;s=Plant.Arrays', { signal: never() });
    expect(byName(arrays, 'Matrix').attributes).toMatchObject({ 'Value rank': '2 dimensions', 'Array dimensions': '2 x 3', 'Data type': 'Double' });
    expect(byName(arrays, 'String').attributes).toMatchObject({ 'Value rank': 'OneDimension', 'Data type': 'String' });
    const types = await driver.browse('ns=1;s=Plant.Types', { signal: never() });
    expect(byName(types, 'Int64').attributes['Data type']).toBe('Int64');
    expect(byName(types, 'LocalizedText').attributes['Data type']).toBe('LocalizedText');
  }, 30_000);

  it('follows continuation points and keeps every request within MaxNodesPerBrowse', async () => {
    const nextBefore = server.requests.get('BrowseNextRequest') ?? 0;
    const sizesBefore = server.sizes.browse.length;
    const progress: Progress[] = [];
    const line = await driver.browse('ns=1;s=Plant.Bulk.A01.L01', { signal: never(), onProgress: (p) => progress.push(p) });
    expect(line.map((n) => n.name)).toEqual(Array.from({ length: 100 }, (_, i) => `V${String(i + 1).padStart(3, '0')}`));
    expect(new Set(line.map((n) => n.ref)).size).toBe(100);
    // 100 references at 30 per call: the first Browse and 3 BrowseNext.
    expect((server.requests.get('BrowseNextRequest') ?? 0) - nextBefore).toBeGreaterThanOrEqual(3);
    expect(Math.max(...server.sizes.browse.slice(sizesBefore))).toBeLessThanOrEqual(10);
    expect(progress.length).toBeGreaterThanOrEqual(4);
  }, 30_000);

  it('walks 10,000+ variables by repeated browse with progress, and a walk can be cancelled', async () => {
    const progress: Progress[] = [];
    const started = Date.now();
    const points = await walk('ns=1;s=Plant.Bulk', never(), (p) => progress.push(p));
    const ms = Date.now() - started;
    expect(points.length).toBe(10_000);
    expect(new Set(points.map((p) => p.address)).size).toBe(10_000);
    expect(progress.length).toBeGreaterThan(100);
    expect(progress.at(-1)!.done).toBeGreaterThan(10_000);
    expect(ms).toBeGreaterThan(0);

    const abort = new AbortController();
    let calls = 0;
    const cancelled = walk('ns=1;s=Plant.Bulk', abort.signal, () => {
      if (++calls === 5) abort.abort(new Error('cancelled by the engineer'));
    });
    await expect(cancelled).rejects.toThrow('cancelled by the engineer');
    expect(calls).toBeLessThan(10);
    // The session survives a cancelled browse (continuation points released).
    expect((await driver.browse('ns=1;s=Plant.Dynamic', { signal: never() })).map((n) => n.name).sort()).toEqual(['Counter', 'Ramp', 'Sine']);
  }, 60_000);

  it('rejects a malformed node reference clearly', async () => {
    await expect(driver.browse('nope', { signal: never() })).rejects.toThrow(/expected a NodeId/);
  });
});
