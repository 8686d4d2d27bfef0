import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactProject } from '../../shared/project-compact.js';
import { ProjectSchema } from '../../shared/project.js';
import { migrateProject } from '../../shared/project-migrate.js';

const root = path.resolve(import.meta.dirname, '../..');
const files = ['resources/demo/plant.project.json', 'resources/examples/demo-plant-reactor.project.json', 'resources/examples/packaging-line.project.json', 'resources/examples/three-buildings.project.json'];

describe('project files are written without their defaults', () => {
  it.each(files)('%s: compact, then parsed again, is the same document', (file) => {
    const project = ProjectSchema.parse(migrateProject(JSON.parse(readFileSync(path.join(root, file), 'utf8'))).document);
    const written = compactProject(project);
    expect(ProjectSchema.parse(written)).toEqual(project);
    const text = JSON.stringify(written);
    expect(text).not.toMatch(/"unit":""|"scaling":\{"kind":"none"\}|"timestamp":\{"source":"device"\}|"profiles":\[\]|"overrides":\{\}|"clockSkewLimitMs":5000/);
  });

  it('keeps what differs from a default, also inside unions and arrays', () => {
    const project = ProjectSchema.parse({
      schemaVersion: 2,
      name: 'p',
      site: { timeZone: 'Europe/Berlin' },
      devices: [
        {
          id: 'd',
          name: 'd',
          driver: 'modbus-tcp',
          settings: {},
          pollGroups: [{ id: 'g', intervalMs: 1000 }],
          clockSkewLimitMs: 2000,
          tags: [
            { id: 't', name: 't', address: 'hr:0', pollGroup: 'g', unit: '°C', timestamp: { source: 'point', address: 'hr:9:uint32', format: 'unix-s', pivotYear: 50 } },
            { id: 'u', name: 'u', address: 'hr:1', pollGroup: 'g', classification: { level: 'internal', leavesSite: true } },
          ],
        },
      ],
    });
    expect(compactProject(project)).toEqual({
      schemaVersion: 2,
      name: 'p',
      site: { timeZone: 'Europe/Berlin' },
      devices: [
        {
          id: 'd',
          name: 'd',
          driver: 'modbus-tcp',
          settings: {},
          pollGroups: [{ id: 'g', intervalMs: 1000 }],
          clockSkewLimitMs: 2000,
          tags: [
            { id: 't', name: 't', address: 'hr:0', pollGroup: 'g', unit: 'Cel', timestamp: { source: 'point', address: 'hr:9:uint32', format: 'unix-s', pivotYear: 50 } },
            { id: 'u', name: 'u', address: 'hr:1', pollGroup: 'g', classification: { leavesSite: true } },
          ],
        },
      ],
    });
  });
});
