import { describe, expect, it } from 'vitest';
import {
  NO_ASSET_PATH,
  assetTree,
  bulkEdit,
  cellText,
  commit,
  deletePatches,
  editCell,
  emptyHistory,
  filterRows,
  flattenTree,
  groupBulkErrors,
  mapIssues,
  parseScaling,
  redo,
  restorePatches,
  rowsFromProject,
  selectClick,
  setTagsPatches,
  stagedRows,
  summarize,
  toChanges,
  undo,
} from '../../../renderer/src/state/mapping-logic.js';
import { type Project, ProjectSchema } from '../../../shared/project.js';

function project(): Project {
  return ProjectSchema.parse({
    schemaVersion: 2,
    name: 'Mapping test',
    profiles: [
      {
        id: 'meter',
        name: 'Power meter',
        vendor: 'Acme',
        model: 'PM-1',
        source: { document: 'PM-1 register map rev 3' },
        drivers: ['modbus-tcp'],
        parameters: [{ name: 'offset', default: 0 }],
        points: [
          { id: 'kw', name: 'Active power', address: 'hr:{offset+0}:float32', unit: 'kW' },
          { id: 'kwh', name: 'Energy', address: 'hr:{offset+2}:uint32', unit: 'kWh' },
        ],
      },
    ],
    devices: [
      {
        id: 'plc1',
        name: 'PLC 1',
        driver: 'modbus-tcp',
        settings: { host: '127.0.0.1', port: 502 },
        pollGroups: [
          { id: 'fast', intervalMs: 500 },
          { id: 'slow', intervalMs: 5000 },
        ],
        assetPath: 'acme/plant-1/utilities',
        tags: Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, name: `Temp ${i}`, address: `hr:${10 + i}`, pollGroup: 'fast', unit: 'Cel', ...(i < 2 ? { assetPath: `acme/plant-1/hall-a/line-${i + 1}` } : {}) })),
        profiles: [{ profile: 'meter', prefix: 'm1', params: { offset: 100 }, overrides: { kw: { unit: 'W' } } }],
      },
      {
        id: 'plc2',
        name: 'PLC 2',
        driver: 'modbus-tcp',
        settings: { host: '127.0.0.1', port: 503 },
        pollGroups: [{ id: 'main', intervalMs: 1000 }],
        tags: [{ id: 'p0', name: 'Pressure', address: 'hr:0', pollGroup: 'main', unit: 'bar' }],
      },
    ],
  });
}

function setup() {
  const p = project();
  const { rows } = rowsFromProject(p);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { p, rows, byId };
}

describe('mapping editor rows', () => {
  it('lists own and profile tags, the profile ones with their origin and overridden fields', () => {
    const { rows } = setup();
    expect(rows.map((r) => r.id)).toEqual(['t0', 't1', 't2', 't3', 't4', 'm1.kw', 'm1.kwh', 'p0']);
    const kw = rows.find((r) => r.id === 'm1.kw');
    expect(kw?.origin).toMatchObject({ profile: 'meter', point: 'kw', overridden: ['unit'] });
    expect(kw?.tag.address).toBe('hr:100:float32');
    expect(kw?.tag.unit).toBe('W');
    expect(rows.find((r) => r.id === 't0')?.origin).toBeUndefined();
  });
});

describe('cell editing with the project schemas', () => {
  it('stages a valid unit and refuses an unknown poll group, a bad asset path and a bad scaling with the reason', () => {
    const { rows } = setup();
    const row = rows[0]!;
    const ok = editCell(row, 'unit', 'K');
    expect(ok.ok && ok.tag.unit).toBe('K');
    const group = editCell(row, 'pollGroup', 'hourly');
    expect(group).toEqual({ ok: false, message: expect.stringMatching(/unknown poll group "hourly".*fast, slow/) });
    const path = editCell(row, 'assetPath', 'acme/plant#1');
    expect(path.ok).toBe(false);
    expect(!path.ok && path.message).toMatch(/site level "plant#1".*Unified Namespace/);
    const tooDeep = editCell(row, 'assetPath', 'a/b/c/d/e/f/g');
    expect(!tooDeep.ok && tooDeep.message).toMatch(/7 levels; ISA-95 allows at most 6/);
    const range = editCell(row, 'scaling', 'range rawLow=0 rawHigh=0 low=0 high=100');
    expect(!range.ok && range.message).toMatch(/rawHigh: rawHigh must differ from rawLow/);
    const missing = parseScaling('ma4-20 rawAt4mA=0');
    expect(!missing.ok && missing.message).toMatch(/needs rawAt20mA, low, high/);
    const notNumber = parseScaling('linear factor=abc offset=0');
    expect(!notNumber.ok && notNumber.message).toMatch(/factor: "abc" is not a number/);
    const unknownKey = parseScaling('linear factor=1 offset=0 gain=2');
    expect(!unknownKey.ok && unknownKey.message).toMatch(/gain/);
    const empty = editCell(row, 'name', '');
    expect(empty.ok).toBe(false);
  });

  it('reads back what it shows: scaling, deadband and classification text round-trip', () => {
    const { rows } = setup();
    let row = { ...rows[0]!, tag: rows[0]!.tag };
    for (const [field, text] of [
      ['scaling', 'ma4-20 rawAt4mA=5530 rawAt20mA=27648 low=0 high=10'],
      ['deadband', '2.5%'],
      ['deadband', '0.1'],
      ['classification', 'confidential, leaves site'],
      ['dataType', 'integer'],
    ] as const) {
      const result = editCell(row, field, text);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      row = { ...row, tag: result.tag };
      expect(cellText(row.tag, field)).toBe(text);
    }
    expect(row.tag.deadband).toEqual({ kind: 'absolute', value: 0.1 });
    expect(row.tag.classification).toEqual({ level: 'confidential', leavesSite: true });
    // Emptying an optional field removes it.
    const cleared = editCell(row, 'deadband', '');
    expect(cleared.ok && cleared.tag.deadband).toBeUndefined();
  });
});

describe('staging with undo and redo', () => {
  it('undoes and redoes edits step by step; editing back to the project value un-stages', () => {
    const { rows, byId } = setup();
    let h = emptyHistory();
    const unit = (id: string, u: string) => ({ id, tag: { ...byId.get(id)!.tag, unit: u } });
    h = commit(h, setTagsPatches(h, byId, [unit('t0', 'K')]));
    h = commit(h, setTagsPatches(h, byId, [unit('t0', 'degF'), unit('t1', 'degF')]));
    h = commit(h, deletePatches(h, ['p0']));
    expect(summarize(h.staged).text).toBe('2 tags changed, 1 deleted');
    h = undo(h);
    expect(summarize(h.staged).text).toBe('2 tags changed');
    h = undo(h);
    expect(h.staged.get('t0')).toMatchObject({ kind: 'upsert', tag: { unit: 'K' } });
    expect(h.staged.has('t1')).toBe(false);
    h = redo(h);
    expect(h.staged.get('t1')).toMatchObject({ tag: { unit: 'degF' } });
    h = redo(h);
    expect(h.staged.get('p0')).toEqual({ kind: 'delete' });
    expect(redo(h)).toBe(h);
    // A new action clears the redo stack.
    h = undo(h);
    h = commit(h, setTagsPatches(h, byId, [unit('t2', 'K')]));
    expect(h.redo).toHaveLength(0);
    // Back to the project's own value: nothing staged for that tag.
    h = commit(h, setTagsPatches(h, byId, [unit('t0', 'Cel'), unit('t1', 'Cel')]));
    expect([...h.staged.keys()]).toEqual(['t2']);
    h = commit(h, deletePatches(h, ['t2']));
    h = commit(h, restorePatches(h, ['t2']));
    expect(h.staged.has('t2')).toBe(false);
    // A no-op is not an undo step.
    const steps = h.undo.length;
    h = commit(h, setTagsPatches(h, byId, [unit('t3', 'Cel')]));
    expect(h.undo.length).toBe(steps);
    const shown = stagedRows(rows, commit(h, deletePatches(h, ['t4'])).staged);
    expect(shown.find((r) => r.id === 't4')?.status).toBe('deleted');
  });

  it('bulk-sets the unit of many tags as one undo step, and refuses all when one row does not fit', () => {
    const { rows, byId } = setup();
    let h = emptyHistory();
    const shown = stagedRows(rows, h.staged);
    // Typed as engineers type it; stored as the UCUM code.
    const result = bulkEdit(h, byId, shown, 'unit', 'degF');
    expect(result.errors).toEqual([]);
    expect(result.patches).toHaveLength(8);
    h = commit(h, result.patches);
    expect([...h.staged.values()].every((e) => e.kind === 'upsert' && e.tag.unit === '[degF]')).toBe(true);
    expect(summarize(h.staged).text).toBe('8 tags changed');
    expect(undo(h).staged.size).toBe(0);
    // Poll group "slow" exists on plc1 only: nothing is staged, and plc2's tag is named.
    const groups = bulkEdit(h, byId, stagedRows(rows, h.staged), 'pollGroup', 'slow');
    expect(groups.patches).toEqual([]);
    expect(groups.errors).toEqual([{ id: 'p0', message: expect.stringMatching(/unknown poll group "slow"; this device has main/) }]);
    const scaling = bulkEdit(h, byId, stagedRows(rows, h.staged).slice(0, 3), 'scaling', 'linear factor=0.1 offset=0');
    expect(scaling.patches).toHaveLength(3);
    const changes = toChanges(commit(h, scaling.patches).staged);
    expect(changes.upserts.find((u) => u.tag.id === 't0')?.tag.scaling).toEqual({ kind: 'linear', factor: 0.1, offset: 0 });
  });
});

describe('filters, selection and the asset tree', () => {
  it('filters by device, asset prefix (whole levels), unit, quality and text', () => {
    const { rows } = setup();
    const shown = stagedRows(rows, new Map());
    const ids = (f: Parameters<typeof filterRows>[1], q?: Parameters<typeof filterRows>[2]) => filterRows(shown, f, q).map((r) => r.id);
    expect(ids({ text: '', deviceId: 'plc2' })).toEqual(['p0']);
    expect(ids({ text: '', assetPrefix: 'acme/plant-1/hall-a' })).toEqual(['t0', 't1']);
    expect(ids({ text: '', assetPrefix: 'acme/plant-1/hall' })).toEqual([]);
    expect(ids({ text: '', assetPrefix: NO_ASSET_PATH })).toEqual(['p0']);
    // The profile wrote kWh; the schema stores the UCUM code.
    expect(ids({ text: '', unit: 'kW.h' })).toEqual(['m1.kwh']);
    expect(ids({ text: 'ENERGY' })).toEqual(['m1.kwh']);
    expect(ids({ text: '', quality: 'bad' }, (id) => (id === 't3' ? 'bad' : 'good'))).toEqual(['t3']);
    expect(ids({ text: '', quality: 'none' }, (id) => (id === 't3' ? 'bad' : undefined))).toHaveLength(7);
  });

  it('selects by click, ctrl-click and shift-click ranges', () => {
    const shown = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
    let s = selectClick({ ids: new Set() }, shown, 'b', 'single');
    s = selectClick(s, shown, 'd', 'range');
    expect([...s.ids]).toEqual(['b', 'c', 'd']);
    s = selectClick(s, shown, 'c', 'toggle');
    expect([...s.ids].sort()).toEqual(['b', 'd']);
    s = selectClick(s, shown, 'a', 'single');
    expect([...s.ids]).toEqual(['a']);
  });

  it('groups tags by ISA-95 level with counts; tags without a path go under "(no asset path)"', () => {
    const { rows } = setup();
    const tree = assetTree(stagedRows(rows, new Map()));
    expect(tree.map((n) => [n.label, n.count])).toEqual([
      ['acme', 7],
      ['(no asset path)', 1],
    ]);
    const flat = flattenTree(tree, new Set(['acme', 'acme/plant-1', 'acme/plant-1/hall-a']));
    expect(flat.map((n) => `${n.level}:${n.label}:${n.count}`)).toEqual([
      'enterprise:acme:7',
      'site:plant-1:7',
      'area:hall-a:2',
      'line:line-1:1',
      'line:line-2:1',
      'area:utilities:5',
      ':(no asset path):1',
    ]);
  });
});

describe('host issues back to rows', () => {
  it('maps request, project and profile-instance paths to tag ids', () => {
    const { p, byId, rows } = setup();
    let h = emptyHistory();
    h = commit(h, setTagsPatches(h, byId, [{ id: 't1', tag: { ...byId.get('t1')!.tag, address: 'hr:nope' } }, { id: 'm1.kwh', tag: { ...byId.get('m1.kwh')!.tag, address: 'hr:x' } }]));
    const changes = toChanges(h.staged);
    const origins = new Map(rows.filter((r) => r.origin !== undefined).map((r) => [r.id, r.origin!]));
    const mapped = mapIssues(
      [
        { path: 'devices[0].tags[1].address', message: 'bad register' },
        { path: 'devices[0].profiles[0].points.kwh.address', message: 'bad register too' },
        { path: 'upserts[0].tag.unit', message: 'too long' },
        { path: 'changes[1] (tag "m1.kwh")', message: 'cannot move' },
        { path: 'store.commitIntervalMs', message: 'something else' },
      ],
      p,
      changes,
      origins,
    );
    expect(mapped.byTag.get('t1')).toEqual(['address: bad register', 'unit: too long']);
    expect(mapped.byTag.get('m1.kwh')).toEqual(['address: bad register too', 'cannot move']);
    expect(mapped.general).toEqual(['store.commitIntervalMs: something else']);
  });
});

describe('groupBulkErrors', () => {
  it('one line per distinct message with its tags, the most tags first', () => {
    const unknown = 'unit: unknown unit "furlongs"; use a UCUM code';
    const errors = [
      ...Array.from({ length: 214 }, (_, i) => ({ id: `t${i}`, message: unknown })),
      { id: 'p1', message: 'pollGroup: no poll group "x" on device b' },
      { id: 'p2', message: 'pollGroup: no poll group "x" on device b' },
    ];
    const groups = groupBulkErrors(errors);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toEqual({ message: unknown, ids: Array.from({ length: 214 }, (_, i) => `t${i}`) });
    expect(groups[1]).toEqual({ message: 'pollGroup: no poll group "x" on device b', ids: ['p1', 'p2'] });
    expect(groupBulkErrors([])).toEqual([]);
  });
});
