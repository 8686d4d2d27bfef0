import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDriverRegistry } from '../../../electron/core/drivers/registry.js';
import { silentLogger } from '../../../electron/core/log.js';
import { loadProjectFile } from '../../../electron/core/project/validate.js';
import { Runtime } from '../../../electron/core/runtime.js';
import { plantRegisterMap, startDemoPlant } from '../../../electron/demo/plant.js';
import { root } from '../../support/cli.js';
import { until } from '../../support/driver-harness.js';
import { tempDir } from '../../support/project.js';

// resources/examples/demo-plant-reactor.project.json runs as it stands against
// `sensorvault demo --plant-port 1502`. Tests never use fixed ports: the plant gets a free
// one and a temporary copy of the example points at it; nothing else of the file changes.
const example = path.join(root, 'resources', 'examples', 'demo-plant-reactor.project.json');

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('example project for the demo plant', () => {
  it('points at the demo plant on 127.0.0.1:1502 and uses only addresses of its map', () => {
    const document = JSON.parse(readFileSync(example, 'utf8')) as { devices: Array<{ settings: { host: string; port: number }; tags: Array<{ address: string }> }> };
    expect(document.devices.map((d) => `${d.settings.host}:${d.settings.port}`)).toEqual(['127.0.0.1:1502']);
    const mapped = new Set(plantRegisterMap.map((r) => r.address));
    for (const tag of document.devices[0]!.tags) expect(mapped.has(tag.address), tag.address).toBe(true);
  });

  it('validates and reads every tag GOOD from a running demo plant', async () => {
    const plant = await startDemoPlant({ port: 0 });
    cleanups.push(() => plant.close());
    const tmp = tempDir();
    cleanups.push(() => tmp.remove());
    const text = readFileSync(example, 'utf8');
    expect(text).toContain('"port": 1502');
    const copy = tmp.file('reactor.project.json');
    writeFileSync(copy, text.replace('"port": 1502', `"port": ${plant.port}`));

    const compiled = await loadProjectFile(copy, createDriverRegistry());
    const tagIds = compiled.project.devices.flatMap((d) => d.tags.map((t) => t.id));
    expect(tagIds.length).toBeGreaterThanOrEqual(8);
    const runtime = await Runtime.start({ compiled, dbPath: tmp.file('reactor.db'), dataDir: tmp.dir, log: silentLogger, host: 'gateway', version: 'test', liveIntervalMs: 50 });
    cleanups.push(() => runtime.stop());
    const rows = await until(() => {
      const snapshot = runtime.live.snapshot();
      return snapshot.length === tagIds.length && snapshot.every((r) => r.quality === 'good') ? snapshot : undefined;
    }, 20_000, 'every tag of the example good');
    const byTag = new Map(rows.map((r) => [r.tagId, r.value]));
    expect(byTag.get('controller.name')).toBe('SV-DEMO UC-100');
    expect(byTag.get('reactor.pressure')).toBeGreaterThan(1.5);
    expect(byTag.get('reactor.pressure')).toBeLessThan(3.5);
    expect(byTag.get('batches')).toBeGreaterThanOrEqual(1_000_000);
  });
});
