import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProjectInput } from '../../shared/project.js';
import { createDriverRegistry } from '../../electron/core/drivers/registry.js';
import { type CompiledProject, validateProject } from '../../electron/core/project/validate.js';

/** A project with one Modbus TCP device on 127.0.0.1:port and the given tags. */
export function modbusProject(port: number, tags: Array<{ id: string; address: string; unit?: string; scaling?: unknown; pollGroup?: string }>, extra: { enabled?: boolean } = {}): ProjectInput {
  return {
    schemaVersion: 2,
    name: 'Test plant',
    devices: [
      {
        id: 'plc1',
        name: 'PLC 1',
        driver: 'modbus-tcp',
        enabled: extra.enabled ?? true,
        settings: { host: '127.0.0.1', port, unitId: 1, timeoutMs: 300 },
        pollGroups: [
          { id: 'fast', intervalMs: 100 },
          { id: 'slow', intervalMs: 400 },
        ],
        tags: tags.map((t) => ({ id: t.id, name: `Tag ${t.id}`, address: t.address, pollGroup: t.pollGroup ?? 'fast', unit: t.unit ?? '', ...(t.scaling === undefined ? {} : { scaling: t.scaling }) })) as never,
      },
    ],
    store: { commitIntervalMs: 100 },
  };
}

export function compile(project: unknown): CompiledProject {
  const result = validateProject(project, createDriverRegistry());
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return result.compiled;
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'sensorvault-test-'): { dir: string; file(name: string): string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, file: (name) => path.join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The project file as a test edits it: the fields the e2e tests change. */
export interface DemoPlantDocument {
  devices: Array<{ settings: Record<string, unknown>; tags: Array<{ id: string; classification?: unknown }> }>;
  store: { retention: Record<string, number> };
}

/** The shipped demo plant's project (resources/demo), every device pointed at 127.0.0.1:port. */
export function demoPlantProject(port: number): DemoPlantDocument {
  const file = path.join(import.meta.dirname, '..', '..', 'resources', 'demo', 'plant.project.json');
  const document = JSON.parse(readFileSync(file, 'utf8')) as DemoPlantDocument;
  for (const device of document.devices) device.settings.port = port;
  return document;
}
