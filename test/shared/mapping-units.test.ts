import { describe, expect, it } from 'vitest';
import { UNITS, migrateUnit, normalizeUnit, unitSymbol } from '../../shared/mapping/units.js';
import { TagSchema } from '../../shared/project.js';
import { migrateProject } from '../../shared/project-migrate.js';

describe('units: UCUM codes with display symbols and UN/ECE codes', () => {
  it('has one entry per code, and every symbol and alias leads back to its own code', () => {
    const codes = UNITS.map((u) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const unit of UNITS) {
      if (unit.symbol !== '') expect(normalizeUnit(unit.symbol)).toEqual({ ok: true, code: unit.code });
      expect(normalizeUnit(unit.code)).toEqual({ ok: true, code: unit.code });
    }
  });

  it('accepts a symbol, an alias or a UN/ECE code and stores the UCUM code', () => {
    expect(normalizeUnit('°C')).toEqual({ ok: true, code: 'Cel' });
    expect(normalizeUnit('m³/h')).toEqual({ ok: true, code: 'm3/h' });
    expect(normalizeUnit('kWh')).toEqual({ ok: true, code: 'kW.h' });
    expect(normalizeUnit('MQH')).toEqual({ ok: true, code: 'm3/h' });
    expect(normalizeUnit('rpm')).toEqual({ ok: true, code: '{rev}/min' });
    expect(normalizeUnit('{bottles}')).toEqual({ ok: true, code: '{bottles}' });
    expect(unitSymbol('Cel')).toBe('°C');
    expect(unitSymbol('{bottles}')).toBe('bottles');
    expect(unitSymbol('')).toBe('');
  });

  it('refuses an unknown unit with what to write instead', () => {
    const result = normalizeUnit('furlongs');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toBe('unknown unit "furlongs"; use a UCUM code such as Cel (°C), bar, m3/h or kW.h, or write {furlongs} for a unit that has no code');
    const near = normalizeUnit('KWh');
    expect(!near.ok && near.message).toMatch(/did you mean kW\.h, kWh\?/);
    const tag = TagSchema.safeParse({ id: 't', name: 't', address: 'hr:0', pollGroup: 'g', unit: 'furlongs' });
    expect(tag.success).toBe(false);
    expect(tag.error?.issues[0]).toMatchObject({ path: ['unit'] });
  });

  it('schema-1 projects: free-text units become codes, unknown text an annotation', () => {
    expect(migrateUnit('°C')).toBe('Cel');
    expect(migrateUnit('bottles/min')).toBe('{bottles/min}');
    // Only the letter case is off, and one unit fits.
    expect(migrateUnit('KW')).toBe('kW');
    expect(migrateUnit('DEGC')).toBe('Cel');
    const migrated = migrateProject({ schemaVersion: 1, devices: [{ id: 'd', tags: [{ id: 'a', unit: '°C' }, { id: 'b', unit: 'pcs' }, { id: 'c', unit: 'widgets' }] }] });
    expect((migrated.document as { devices: { tags: { unit: string }[] }[] }).devices[0]!.tags.map((t) => t.unit)).toEqual(['Cel', '{pcs}', '{widgets}']);
    expect(migrated.notes.join('\n')).toMatch(/"°C" -> Cel/);
  });
});
