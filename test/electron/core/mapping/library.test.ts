import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expandProject } from '../../../../shared/mapping/profiles.js';
import { ProjectSchema } from '../../../../shared/project.js';
import { createDriverRegistry } from '../../../../electron/core/drivers/registry.js';
import { ProfileLibraryError, defaultLibraryDir, loadProfileLibrary } from '../../../../electron/core/mapping/library.js';
import { tempDir } from '../../../support/project.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('shipped profile library', () => {
  const library = loadProfileLibrary();
  const registry = createDriverRegistry();

  it('has every shipped file, valid, with a cited source document and revision', () => {
    const files = readdirSync(defaultLibraryDir()).filter((f) => f.endsWith('.json'));
    expect(library).toHaveLength(files.length);
    expect(library.length).toBeGreaterThanOrEqual(6);
    for (const p of library) {
      expect(p.source.document.length, p.id).toBeGreaterThan(10);
      expect(p.source.revision, p.id).toBeTruthy();
      expect(p.source.url, p.id).toMatch(/^https:\/\//);
      expect(`${p.id}.json`).toBe(files.find((f) => f === `${p.id}.json`));
    }
    expect(new Set(library.map((p) => p.vendor)).size).toBe(library.length);
  });

  it('covers a power meter, a VFD, a temperature controller, a 4-20 mA input module and a BACnet VAV box', () => {
    const has = (pattern: RegExp) => library.some((p) => pattern.test(`${p.name} ${p.description}`));
    expect(has(/energy meter|power meter/i)).toBe(true);
    expect(has(/drive/i)).toBe(true);
    expect(has(/temperature controller/i)).toBe(true);
    expect(library.some((p) => p.points.some((pt) => pt.scaling.kind === 'ma4-20'))).toBe(true);
    expect(library.some((p) => p.drivers.includes('bacnet') && /VAV/.test(p.name))).toBe(true);
  });

  it('every profile expands with its defaults into tags whose addresses its drivers accept', () => {
    for (const profile of library) {
      for (const driver of profile.drivers) {
        const project = ProjectSchema.parse({
          schemaVersion: 2,
          name: 'check',
          profiles: [profile],
          devices: [{ id: 'd1', name: 'D1', driver, settings: {}, pollGroups: [{ id: 'p', intervalMs: 1000 }], tags: [], profiles: [{ profile: profile.id, assetPath: 'acme/site/area' }] }],
        });
        const expansion = expandProject(project);
        expect(expansion.issues, `${profile.id} on ${driver}`).toEqual([]);
        expect(expansion.tags).toHaveLength(profile.points.length);
        const definition = registry.get(driver)!;
        for (const { tag } of expansion.tags) {
          const parsed = definition.parseAddress(tag.address);
          expect(parsed.ok, `${profile.id} ${tag.id} ${tag.address} on ${driver}: ${parsed.ok ? '' : parsed.message}`).toBe(true);
        }
      }
    }
  });

  it('reports a bad file by its name and each problem', () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.remove());
    const dir = path.join(tmp.dir, 'profiles');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'good.json'), JSON.stringify(library[0]));
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify({ ...library[0], id: 'x', points: [], source: {} }));
    writeFileSync(path.join(dir, 'notjson.json'), '{');
    let error: unknown;
    try {
      loadProfileLibrary(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProfileLibraryError);
    const message = (error as Error).message;
    expect(message).toContain(path.join(dir, 'broken.json'));
    expect(message).toMatch(/points: a profile needs at least one point/);
    expect(message).toMatch(/source\.document/);
    expect(message).toContain(`${path.join(dir, 'notjson.json')}:\n    (file): not valid JSON`);
  });
});
