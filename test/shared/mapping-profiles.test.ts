import { describe, expect, it } from 'vitest';
import { applyTagChanges, expandProject, fillTemplate } from '../../shared/mapping/profiles.js';
import { type Project, ProjectSchema } from '../../shared/project.js';
import { createDriverRegistry } from '../../electron/core/drivers/registry.js';
import { validateProject } from '../../electron/core/project/validate.js';

const meter = {
  id: 'pm-test',
  name: 'Test power meter',
  vendor: 'Acme',
  model: 'PM1',
  source: { document: 'Acme PM1 Modbus map, rev 2' },
  drivers: ['modbus-tcp', 'modbus-rtu'],
  parameters: [{ name: 'offset', description: 'added to every register', default: 0 }],
  points: [
    { id: 'kw', name: 'Active power', address: 'hr:{offset+10}:float32:cdab', unit: 'kW', assetPath: 'meter' },
    { id: 'kwh', name: 'Energy', address: 'hr:{offset+20}:uint32', unit: 'kW.h', scaling: { kind: 'linear', factor: 0.1, offset: 0 } },
  ],
};

function project(overrides: Record<string, unknown> = {}): Project {
  return ProjectSchema.parse({
    schemaVersion: 2,
    name: 'Two buildings',
    profiles: [meter],
    devices: [
      {
        id: 'a-pm1',
        name: 'Building A PM1',
        driver: 'modbus-tcp',
        settings: { host: '127.0.0.1', port: 1502, unitId: 1 },
        pollGroups: [{ id: 'slow', intervalMs: 1000 }],
        tags: [{ id: 'a-extra', name: 'Extra', address: 'hr:0', pollGroup: 'slow' }],
        profiles: [{ profile: 'pm-test', assetPath: 'acme/site-a/utilities', params: { offset: 100 }, overrides }],
      },
    ],
  });
}

describe('profile expansion', () => {
  it('fills placeholders and arithmetic, and names what is missing', () => {
    expect(fillTemplate('hr:{offset+10}:float32', { offset: 100 })).toEqual({ ok: true, value: 'hr:110:float32' });
    expect(fillTemplate('hr:{base-1}', { base: '8' })).toEqual({ ok: true, value: 'hr:7' });
    const missing = fillTemplate('hr:{start+2}', {});
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.message).toMatch(/parameter "start".*--set start=VALUE/);
    const text = fillTemplate('hr:{offset+2}', { offset: 'ten' });
    expect(text.ok).toBe(false);
  });

  it('turns each point into a tag with the instance prefix, asset path and parameters', () => {
    const ex = expandProject(project());
    expect(ex.issues).toEqual([]);
    const tags = ex.project.devices[0]!.tags;
    expect(tags.map((t) => [t.id, t.name, t.address, t.assetPath ?? null])).toEqual([
      ['a-extra', 'Extra', 'hr:0', null],
      ['a-pm1.kw', 'Building A PM1 Active power', 'hr:110:float32:cdab', 'acme/site-a/utilities/meter'],
      ['a-pm1.kwh', 'Building A PM1 Energy', 'hr:120:uint32', 'acme/site-a/utilities'],
    ]);
    expect(ex.origins.get('a-pm1.kw')).toEqual({ deviceId: 'a-pm1', instance: 0, profile: 'pm-test', point: 'kw', overridden: [] });
  });

  it('keeps an override visible, and a profile change still reaches the fields not overridden', () => {
    const p = project({ kw: { unit: 'W', name: 'PM1 real power' } });
    p.profiles[0]!.points[0]!.description = 'changed in the profile';
    const ex = expandProject(p);
    const kw = ex.project.devices[0]!.tags.find((t) => t.id === 'a-pm1.kw')!;
    expect(kw).toMatchObject({ unit: 'W', name: 'PM1 real power', description: 'changed in the profile' });
    expect(ex.origins.get('a-pm1.kw')?.overridden.sort()).toEqual(['name', 'unit']);
  });

  it('writes an edit of a profile tag back as an override, and an edit back to the profile value removes it', () => {
    const p = project();
    const kw = expandProject(p).project.devices[0]!.tags.find((t) => t.id === 'a-pm1.kw')!;
    const edited = applyTagChanges(p, { upserts: [{ deviceId: 'a-pm1', tag: { ...kw, unit: 'W' } }], deletes: [] });
    expect(edited.ok).toBe(true);
    if (!edited.ok) return;
    expect(edited.project.devices[0]!.profiles[0]!.overrides).toEqual({ kw: { unit: 'W' } });
    expect(edited.project.devices[0]!.tags.map((t) => t.id)).toEqual(['a-extra']);
    const back = applyTagChanges(edited.project, { upserts: [{ deviceId: 'a-pm1', tag: kw }], deletes: [] });
    expect(back.ok && back.project.devices[0]!.profiles[0]!.overrides).toEqual({});
  });

  it('deletes an own tag, and excludes a profile tag on its instance', () => {
    const result = applyTagChanges(project(), { upserts: [], deletes: ['a-extra', 'a-pm1.kwh'] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.project.devices[0]!.tags).toEqual([]);
    expect(result.project.devices[0]!.profiles[0]!.overrides).toEqual({ kwh: { excluded: true } });
    expect(expandProject(result.project).project.devices[0]!.tags.map((t) => t.id)).toEqual(['a-pm1.kw']);
  });

  it('refuses to move a profile tag to another device, and an unknown device', () => {
    const p = project();
    const kw = expandProject(p).project.devices[0]!.tags.find((t) => t.id === 'a-pm1.kw')!;
    const result = applyTagChanges(p, { upserts: [{ deviceId: 'nope', tag: kw }], deletes: ['ghost'] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.message)).toEqual([expect.stringMatching(/unknown device "nope"/), 'no such tag in the project']);
  });

  it('validation runs the generated tags and reports their problems under the instance', () => {
    const registry = createDriverRegistry();
    const ok = validateProject(project(), registry);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.compiled.effective.devices[0]!.tags).toHaveLength(3);
    const bad = structuredClone(project());
    bad.profiles[0]!.points[0]!.address = 'hr:{offset+70000}:float32';
    bad.devices[0]!.tags.push({ ...bad.devices[0]!.tags[0]!, id: 'a-pm1.kwh' });
    const result = validateProject(bad, registry);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.issues.map((i) => `${i.path}: ${i.message}`);
    expect(lines).toContainEqual(expect.stringMatching(/^devices\[0\]\.profiles\[0\]\.points\.kw\.address: /));
    expect(lines).toContainEqual(expect.stringMatching(/^devices\[0\]\.profiles\[0\]\.points\.kwh: generates tag id "a-pm1.kwh", which device "a-pm1" already has/));
    const unknown = structuredClone(project());
    unknown.devices[0]!.profiles[0]!.profile = 'nope';
    const u = validateProject(unknown, registry);
    expect(u.ok ? [] : u.issues.map((i) => i.path)).toEqual(['devices[0].profiles[0].profile']);
  });
});
