import { type EffectiveTag, type TagChanges, type TagOrigin, applyTagChanges, expandProject } from '../../../shared/mapping/profiles.js';
import {
  ASSET_LEVELS,
  AssetPathSchema,
  CLASSIFICATION_LEVELS,
  type Classification,
  type Deadband,
  type Project,
  type Scaling,
  ScalingSchema,
  TAG_DATA_TYPES,
  type Tag,
  TagSchema,
  type ValidationIssue,
} from '../../../shared/project.js';
import type { Quality } from '../../../shared/reading.js';
import { normalizeUnit } from '../../../shared/mapping/units.js';

/*
 * The mapping editor's logic, pure (no React, no host): rows from the project, cell text
 * in and out, per-cell validation with the project's own zod schemas, staged edits with
 * undo/redo, bulk edits, filters, the asset tree and mapping the host's issues back to rows.
 */

/** The columns an engineer can edit in place (id and device are fixed: a new id is a new tag). */
export const EDITABLE_FIELDS = ['name', 'assetPath', 'address', 'dataType', 'unit', 'scaling', 'deadband', 'pollGroup', 'classification', 'description'] as const;
export type Field = (typeof EDITABLE_FIELDS)[number];

/** Fields the bulk edit sets on many tags at once. */
export const BULK_FIELDS = ['unit', 'pollGroup', 'assetPath', 'scaling'] as const satisfies readonly Field[];
export type BulkField = (typeof BULK_FIELDS)[number];

export const FIELD_LABELS: Record<Field | 'id' | 'device', string> = {
  id: 'Tag id',
  device: 'Device',
  name: 'Name',
  assetPath: 'Asset path',
  address: 'Address',
  dataType: 'Data type',
  unit: 'Unit',
  scaling: 'Scaling',
  deadband: 'Deadband',
  pollGroup: 'Poll group',
  classification: 'Classification',
  description: 'Description',
};

/** A tag as the project holds it (profile tags expanded), with what the editor needs around it. */
export interface BaseRow {
  id: string;
  deviceId: string;
  deviceName: string;
  /** The device's asset path: where a tag without its own path is shown. */
  deviceAssetPath?: string;
  /** Poll group ids of the device, with their intervals. */
  pollGroups: ReadonlyArray<{ id: string; intervalMs: number }>;
  tag: Tag;
  origin?: TagOrigin;
}

export type StagedEntry = { kind: 'upsert'; deviceId: string; tag: Tag } | { kind: 'delete' };
export type Staged = ReadonlyMap<string, StagedEntry>;

/** One tag's staged state before and after an action (undefined: nothing staged). */
export interface Patch {
  id: string;
  before: StagedEntry | undefined;
  after: StagedEntry | undefined;
}

export interface History {
  staged: Staged;
  /** Actions, oldest first; each is undone as one step. */
  undo: readonly (readonly Patch[])[];
  redo: readonly (readonly Patch[])[];
}

export const emptyHistory = (): History => ({ staged: new Map(), undo: [], redo: [] });

export type RowStatus = 'unchanged' | 'changed' | 'deleted';

/** A row as the table shows it: the staged tag, and what differs from the project. */
export interface Row extends BaseRow {
  status: RowStatus;
  /** The tag as the project has it now (before staged edits). */
  original: Tag;
  changed: ReadonlySet<Field>;
}

// ---------------------------------------------------------------- rows

/** Every tag of the project, profile tags expanded and marked with their origin. */
export function rowsFromProject(project: Project): { rows: BaseRow[]; issues: ValidationIssue[] } {
  const expansion = expandProject(project);
  const devices = new Map(project.devices.map((d) => [d.id, d]));
  const rows = expansion.tags.map((t: EffectiveTag): BaseRow => {
    const device = devices.get(t.deviceId);
    const row: BaseRow = {
      id: t.tag.id,
      deviceId: t.deviceId,
      deviceName: device?.name ?? t.deviceId,
      pollGroups: device?.pollGroups ?? [],
      tag: t.tag,
    };
    if (device?.assetPath !== undefined) row.deviceAssetPath = device.assetPath;
    if (t.origin !== undefined) row.origin = t.origin;
    return row;
  });
  return { rows, issues: expansion.issues };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function changedFields(original: Tag, tag: Tag): Set<Field> {
  const out = new Set<Field>();
  for (const field of EDITABLE_FIELDS) if (!same(original[field], tag[field])) out.add(field);
  return out;
}

const NO_CHANGES: ReadonlySet<Field> = new Set();

/** The rows with staged edits laid over them (deleted rows stay, marked, so they can be undone). */
export function stagedRows(base: readonly BaseRow[], staged: Staged): Row[] {
  return base.map((row) => {
    const entry = staged.get(row.id);
    if (entry === undefined) return { ...row, original: row.tag, status: 'unchanged', changed: NO_CHANGES };
    if (entry.kind === 'delete') return { ...row, original: row.tag, status: 'deleted', changed: NO_CHANGES };
    return { ...row, original: row.tag, tag: entry.tag, status: 'changed', changed: changedFields(row.tag, entry.tag) };
  });
}

/** Where a tag is shown in the asset tree: its own path, else its device's. */
export function effectiveAssetPath(row: Pick<BaseRow, 'tag' | 'deviceAssetPath'>): string | undefined {
  return row.tag.assetPath ?? row.deviceAssetPath;
}

// ---------------------------------------------------------------- cell text

function num(value: number): string {
  return String(value);
}

const SCALING_KEYS: Record<Scaling['kind'], readonly string[]> = {
  none: [],
  linear: ['factor', 'offset'],
  range: ['rawLow', 'rawHigh', 'low', 'high'],
  'two-point': ['raw1', 'eng1', 'raw2', 'eng2'],
  sqrt: ['rawLow', 'rawHigh', 'low', 'high', 'cutoffPercent'],
  clamp: ['low', 'high'],
  'ma4-20': ['rawAt4mA', 'rawAt20mA', 'low', 'high'],
};
export const SCALING_KINDS = Object.keys(SCALING_KEYS) as Scaling['kind'][];

/** `linear factor=0.1 offset=0`: the scaling as one line an engineer can read and type. */
export function scalingText(scaling: Scaling): string {
  const keys = SCALING_KEYS[scaling.kind];
  const values = scaling as unknown as Record<string, number>;
  return [scaling.kind, ...keys.filter((k) => values[k] !== undefined).map((k) => `${k}=${num(values[k] as number)}`)].join(' ');
}

/** Template of the values a scaling kind takes, for the editor's hint. */
export function scalingTemplate(kind: Scaling['kind']): string {
  return [kind, ...SCALING_KEYS[kind].map((k) => `${k}=…`)].join(' ');
}

export function deadbandText(deadband: Deadband | undefined): string {
  if (deadband === undefined) return '';
  return deadband.kind === 'percent' ? `${num(deadband.value)}%` : num(deadband.value);
}

export function classificationText(c: Classification): string {
  return c.leavesSite ? `${c.level}, leaves site` : c.level;
}

export const CLASSIFICATION_OPTIONS: string[] = CLASSIFICATION_LEVELS.flatMap((level) => [level, `${level}, leaves site`]);

/** The text a cell starts editing from (and shows, for plain fields). */
export function cellText(tag: Tag, field: Field): string {
  switch (field) {
    case 'scaling':
      return scalingText(tag.scaling);
    case 'deadband':
      return deadbandText(tag.deadband);
    case 'classification':
      return classificationText(tag.classification);
    case 'dataType':
      return tag.dataType ?? '';
    default:
      return tag[field] ?? '';
  }
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function firstMessage(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: string[] }>): string {
  const issue = issues[0];
  if (issue === undefined) return 'is not valid';
  if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) return `unknown value name ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return `${where}${issue.message}`;
}

export function parseScaling(text: string): Parsed {
  const parts = text.trim().split(/\s+/).filter((p) => p !== '');
  const kind = parts[0] ?? 'none';
  if (!(kind in SCALING_KEYS)) return { ok: false, message: `unknown scaling kind "${kind}"; use one of ${SCALING_KINDS.join(', ')}` };
  const object: Record<string, unknown> = { kind };
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, message: `"${part}" is not name=value; write e.g. ${scalingTemplate(kind as Scaling['kind'])}` };
    const key = part.slice(0, eq);
    const raw = part.slice(eq + 1).replace(',', '.');
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) return { ok: false, message: `${key}: "${part.slice(eq + 1)}" is not a number` };
    object[key] = value;
  }
  const missing = SCALING_KEYS[kind as Scaling['kind']].filter((k) => object[k] === undefined && !(kind === 'sqrt' && k === 'cutoffPercent'));
  if (missing.length > 0) return { ok: false, message: `${kind} needs ${missing.join(', ')}; write ${scalingTemplate(kind as Scaling['kind'])}` };
  const parsed = ScalingSchema.safeParse(object);
  if (!parsed.success) return { ok: false, message: firstMessage(parsed.error.issues as never) };
  return { ok: true, value: parsed.data };
}

export function parseDeadband(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  const percent = trimmed.endsWith('%');
  const raw = (percent ? trimmed.slice(0, -1) : trimmed).trim().replace(',', '.');
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value)) return { ok: false, message: `"${trimmed}" is not a number; write 0.5 (in the tag's unit) or 2% (of the span), or leave empty for none` };
  return { ok: true, value: { kind: percent ? 'percent' : 'absolute', value } };
}

export function parseCell(field: Field, text: string): Parsed {
  switch (field) {
    case 'scaling':
      return parseScaling(text);
    case 'deadband':
      return parseDeadband(text);
    case 'classification': {
      const [level, rest] = text.split(',').map((s) => s.trim());
      if (!(CLASSIFICATION_LEVELS as readonly string[]).includes(level ?? '')) return { ok: false, message: `unknown level "${level ?? ''}"; use one of ${CLASSIFICATION_LEVELS.join(', ')}` };
      if (rest !== undefined && rest !== 'leaves site') return { ok: false, message: `write "${level}" or "${level}, leaves site"` };
      return { ok: true, value: { level, leavesSite: rest === 'leaves site' } };
    }
    case 'dataType':
      if (text.trim() === '') return { ok: true, value: undefined };
      if (!(TAG_DATA_TYPES as readonly string[]).includes(text.trim())) return { ok: false, message: `use one of ${TAG_DATA_TYPES.join(', ')}, or leave empty to follow the address` };
      return { ok: true, value: text.trim() };
    case 'assetPath':
    case 'description':
      return { ok: true, value: text.trim() === '' ? undefined : text.trim() };
    case 'unit': {
      // Symbols (°C), aliases and UN/ECE codes are accepted; the UCUM code is stored.
      const unit = normalizeUnit(text);
      return unit.ok ? { ok: true, value: unit.code } : { ok: false, message: unit.message };
    }
    default:
      return { ok: true, value: text.trim() };
  }
}

/** The tag with one field set (undefined removes an optional field). */
export function withField(tag: Tag, field: Field, value: unknown): Tag {
  const next: Record<string, unknown> = { ...tag };
  if (value === undefined) delete next[field];
  else next[field] = value;
  return next as Tag;
}

/**
 * Checks a tag with the project's tag schema and the device's poll groups; returns a
 * message per field (a field name from the schema path, `tag` for the rest).
 */
export function validateTag(tag: Tag, row: Pick<BaseRow, 'pollGroups'>): Map<string, string> {
  const errors = new Map<string, string>();
  const parsed = TagSchema.safeParse(tag);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = typeof issue.path[0] === 'string' ? issue.path[0] : 'tag';
      if (!errors.has(field)) errors.set(field, firstMessage([{ ...issue, path: issue.path.slice(1) }] as never));
    }
  }
  if (!errors.has('pollGroup') && !row.pollGroups.some((g) => g.id === tag.pollGroup)) {
    errors.set('pollGroup', `unknown poll group "${tag.pollGroup}"; this device has ${row.pollGroups.map((g) => g.id).join(', ')}`);
  }
  if (!errors.has('assetPath') && tag.assetPath !== undefined) {
    const path = AssetPathSchema.safeParse(tag.assetPath);
    if (!path.success) errors.set('assetPath', firstMessage(path.error.issues as never));
  }
  return errors;
}

export type CellEdit = { ok: true; tag: Tag } | { ok: false; message: string };

/** Parses and validates one cell's text against the row's current tag. */
export function editCell(row: Pick<BaseRow, 'pollGroups'> & { tag: Tag }, field: Field, text: string): CellEdit {
  const parsed = parseCell(field, text);
  if (!parsed.ok) return parsed;
  const tag = withField(row.tag, field, parsed.value);
  const errors = validateTag(tag, row);
  const message = errors.get(field);
  if (message !== undefined) return { ok: false, message };
  const other = [...errors][0];
  if (other !== undefined) return { ok: false, message: `${other[0]}: ${other[1]} (fix that field first)` };
  return { ok: true, tag };
}

// ---------------------------------------------------------------- staging, undo, redo

/** The staged entry that makes `row` carry `tag` (none when it equals the project's tag). */
function entryFor(base: BaseRow, tag: Tag): StagedEntry | undefined {
  return same(base.tag, tag) ? undefined : { kind: 'upsert', deviceId: base.deviceId, tag };
}

function applyPatches(staged: Staged, patches: readonly Patch[], side: 'before' | 'after'): Staged {
  const next = new Map(staged);
  for (const patch of patches) {
    const entry = patch[side];
    if (entry === undefined) next.delete(patch.id);
    else next.set(patch.id, entry);
  }
  return next;
}

/** Records one action (one undo step); an action that changes nothing is not recorded. */
export function commit(history: History, patches: readonly Patch[]): History {
  const real = patches.filter((p) => !same(p.before, p.after));
  if (real.length === 0) return history;
  return { staged: applyPatches(history.staged, real, 'after'), undo: [...history.undo, real], redo: [] };
}

export function undo(history: History): History {
  const last = history.undo[history.undo.length - 1];
  if (last === undefined) return history;
  return { staged: applyPatches(history.staged, last, 'before'), undo: history.undo.slice(0, -1), redo: [...history.redo, last] };
}

export function redo(history: History): History {
  const next = history.redo[history.redo.length - 1];
  if (next === undefined) return history;
  return { staged: applyPatches(history.staged, next, 'after'), undo: [...history.undo, next], redo: history.redo.slice(0, -1) };
}

/** Patches that set tags on rows (each compared with the project's tag, so editing back un-stages). */
export function setTagsPatches(history: History, base: ReadonlyMap<string, BaseRow>, tags: ReadonlyArray<{ id: string; tag: Tag }>): Patch[] {
  const patches: Patch[] = [];
  for (const { id, tag } of tags) {
    const row = base.get(id);
    if (row === undefined) continue;
    patches.push({ id, before: history.staged.get(id), after: entryFor(row, tag) });
  }
  return patches;
}

export function deletePatches(history: History, ids: Iterable<string>): Patch[] {
  return [...ids].map((id) => ({ id, before: history.staged.get(id), after: { kind: 'delete' } as const }));
}

/** Un-deletes (restores the row to its staged edit before the delete, or to the project's tag). */
export function restorePatches(history: History, ids: Iterable<string>): Patch[] {
  return [...ids].filter((id) => history.staged.get(id)?.kind === 'delete').map((id) => ({ id, before: history.staged.get(id), after: undefined }));
}

export interface BulkResult {
  patches: Patch[];
  /** Tags the value does not fit, with the reason; any of them means nothing is staged. */
  errors: Array<{ id: string; message: string }>;
  /** Tags that already had the value. */
  unchanged: number;
}

/** Sets one field to the same typed value on many rows; validates every row first. */
export function bulkEdit(history: History, base: ReadonlyMap<string, BaseRow>, rows: readonly Row[], field: BulkField, text: string): BulkResult {
  const errors: BulkResult['errors'] = [];
  const tags: Array<{ id: string; tag: Tag }> = [];
  let unchanged = 0;
  for (const row of rows) {
    if (row.status === 'deleted') continue;
    const result = editCell(row, field, text);
    if (!result.ok) errors.push({ id: row.id, message: result.message });
    else if (same(result.tag, row.tag)) unchanged++;
    else tags.push({ id: row.id, tag: result.tag });
  }
  if (errors.length > 0) return { patches: [], errors, unchanged };
  return { patches: setTagsPatches(history, base, tags), errors, unchanged };
}

/** Bulk-edit errors with the same message as one line: "214 tags: unknown unit …", most tags first. */
export function groupBulkErrors(errors: BulkResult['errors']): Array<{ message: string; ids: string[] }> {
  const groups = new Map<string, string[]>();
  for (const e of errors) {
    const ids = groups.get(e.message);
    if (ids === undefined) groups.set(e.message, [e.id]);
    else ids.push(e.id);
  }
  return [...groups].map(([message, ids]) => ({ message, ids })).sort((a, b) => b.ids.length - a.ids.length);
}

export interface StagedSummary {
  changed: number;
  deleted: number;
  text: string;
}

export function summarize(staged: Staged): StagedSummary {
  let changed = 0;
  let deleted = 0;
  for (const entry of staged.values()) {
    if (entry.kind === 'delete') deleted++;
    else changed++;
  }
  const parts: string[] = [];
  if (changed > 0) parts.push(`${changed.toLocaleString('en-US')} tag${changed === 1 ? '' : 's'} changed`);
  if (deleted > 0) parts.push(`${deleted.toLocaleString('en-US')} ${changed > 0 ? '' : `tag${deleted === 1 ? '' : 's'} `}deleted`);
  return { changed, deleted, text: parts.length === 0 ? 'No staged changes' : parts.join(', ') };
}

/** The staged edits as one tags:apply request. */
export function toChanges(staged: Staged): { upserts: Array<{ deviceId: string; tag: Tag }>; deletes: string[] } {
  const upserts: Array<{ deviceId: string; tag: Tag }> = [];
  const deletes: string[] = [];
  for (const [id, entry] of staged) {
    if (entry.kind === 'delete') deletes.push(id);
    else upserts.push({ deviceId: entry.deviceId, tag: entry.tag });
  }
  return { upserts, deletes };
}

// ---------------------------------------------------------------- host issues back to rows

export interface MappedIssues {
  /** Messages per tag id (`field: message`). */
  byTag: Map<string, string[]>;
  /** Issues no row could be found for, as `path: message`. */
  general: string[];
}

const TAG_IN_PATH = /tag "([^"]+)"/;
const UPSERT_PATH = /^upserts\[(\d+)\]\.tag\.?(.*)$/;
const DEVICE_TAG_PATH = /^devices\[(\d+)\]\.tags\[(\d+)\]\.?(.*)$/;
const PROFILE_POINT_PATH = /^devices\[(\d+)\]\.profiles\[(\d+)\](?:\.points\.([A-Za-z0-9._-]+?)(?:\.(assetPath|address|pollGroup|unit|dataType|scaling|deadband|timestamp|quality|classification|decimals|name|description|id)(?:[.[].*)?)?)?$/;

/**
 * Finds the row each issue of a tags:apply answer is about: `upserts[n].tag.x` (the
 * request), `changes[n] (tag "id")`, `devices[d].tags[t].x` (the project after the change)
 * and `devices[d].profiles[i].points.p.x` (a profile tag).
 */
export function mapIssues(issues: readonly ValidationIssue[], project: Project, changes: TagChanges, origins: ReadonlyMap<string, TagOrigin>): MappedIssues {
  const byTag = new Map<string, string[]>();
  const general: string[] = [];
  const add = (id: string, message: string) => byTag.set(id, [...(byTag.get(id) ?? []), message]);
  let after: Project | undefined;
  const projectAfter = (): Project | undefined => {
    if (after === undefined) {
      const result = applyTagChanges(project, changes);
      if (result.ok) after = result.project;
    }
    return after;
  };
  for (const issue of issues) {
    const upsert = UPSERT_PATH.exec(issue.path);
    if (upsert !== null) {
      const id = changes.upserts[Number(upsert[1])]?.tag.id;
      if (id !== undefined) {
        add(id, `${upsert[2] === '' ? '' : `${upsert[2]}: `}${issue.message}`);
        continue;
      }
    }
    const named = TAG_IN_PATH.exec(issue.path);
    if (named?.[1] !== undefined) {
      add(named[1], issue.message);
      continue;
    }
    const own = DEVICE_TAG_PATH.exec(issue.path);
    if (own !== null) {
      const id = projectAfter()?.devices[Number(own[1])]?.tags[Number(own[2])]?.id;
      if (id !== undefined) {
        add(id, `${own[3] === '' ? '' : `${own[3]}: `}${issue.message}`);
        continue;
      }
    }
    const point = PROFILE_POINT_PATH.exec(issue.path);
    if (point !== null && point[3] !== undefined) {
      const deviceId = (projectAfter() ?? project).devices[Number(point[1])]?.id;
      const instance = Number(point[2]);
      const found = [...origins].find(([, o]) => o.deviceId === deviceId && o.instance === instance && o.point === point[3]);
      if (found !== undefined) {
        add(found[0], `${point[4] === undefined ? '' : `${point[4]}: `}${issue.message}`);
        continue;
      }
    }
    general.push(`${issue.path}: ${issue.message}`);
  }
  return { byTag, general };
}

// ---------------------------------------------------------------- filters

export type QualityFilter = Quality | 'none';

export interface Filters {
  deviceId?: string;
  /** An asset path prefix (whole levels), or NO_ASSET_PATH. */
  assetPrefix?: string;
  quality?: QualityFilter;
  /** A unit code; '' for tags without a unit. */
  unit?: string;
  text: string;
}

export const NO_ASSET_PATH = '\u0000none';

export function matchesAsset(path: string | undefined, prefix: string): boolean {
  if (prefix === NO_ASSET_PATH) return path === undefined || path === '';
  if (path === undefined) return false;
  const p = prefix.replace(/\/+$/, '');
  return path === p || path.startsWith(`${p}/`);
}

/** The rows that pass every filter; `qualityOf` reads the live store (undefined: no reading yet). */
export function filterRows(rows: readonly Row[], filters: Filters, qualityOf?: (tagId: string) => Quality | undefined): Row[] {
  const needle = filters.text.trim().toLowerCase();
  return rows.filter((row) => {
    if (filters.deviceId !== undefined && row.deviceId !== filters.deviceId) return false;
    if (filters.assetPrefix !== undefined && filters.assetPrefix !== '' && !matchesAsset(effectiveAssetPath(row), filters.assetPrefix)) return false;
    if (filters.unit !== undefined && row.tag.unit !== filters.unit) return false;
    if (filters.quality !== undefined) {
      const q = qualityOf?.(row.id) ?? 'none';
      if (q !== filters.quality) return false;
    }
    if (needle !== '') {
      const hay = `${row.id}\n${row.tag.name}\n${row.tag.address}\n${row.tag.description ?? ''}\n${row.deviceName}\n${row.tag.assetPath ?? ''}\n${row.origin?.profile ?? ''}`.toLowerCase();
      if (!hay.includes(needle)) return false;
    }
    return true;
  });
}

// ---------------------------------------------------------------- selection

export interface Selection {
  ids: ReadonlySet<string>;
  /** The row a shift-click extends from. */
  anchor?: string;
}

/** Click: only this row; ctrl/cmd-click: toggle it; shift-click: the range from the anchor (in shown order). */
export function selectClick(selection: Selection, shown: readonly { id: string }[], id: string, mode: 'single' | 'toggle' | 'range'): Selection {
  if (mode === 'toggle') {
    const ids = new Set(selection.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: id };
  }
  if (mode === 'range' && selection.anchor !== undefined) {
    const from = shown.findIndex((r) => r.id === selection.anchor);
    const to = shown.findIndex((r) => r.id === id);
    if (from >= 0 && to >= 0) {
      const [a, b] = from <= to ? [from, to] : [to, from];
      const ids = new Set(selection.ids);
      for (let i = a; i <= b; i++) ids.add((shown[i] as { id: string }).id);
      return { ids, anchor: selection.anchor };
    }
  }
  return { ids: new Set([id]), anchor: id };
}

// ---------------------------------------------------------------- trees

export interface TreeNode {
  key: string;
  label: string;
  /** ISA-95 level name (asset tree) or "device". */
  level: string;
  depth: number;
  count: number;
  children: TreeNode[];
  /** What selecting it filters: an asset prefix or a device id. */
  filter: { assetPrefix: string } | { deviceId: string };
}

/** The tags grouped by asset path, level by level, with counts (tags without one under "(no asset path)"). */
export function assetTree(rows: readonly Row[]): TreeNode[] {
  const roots: TreeNode[] = [];
  let none = 0;
  const index = new Map<string, TreeNode>();
  for (const row of rows) {
    const path = effectiveAssetPath(row);
    if (path === undefined || path === '') {
      none++;
      continue;
    }
    const levels = path.split('/');
    let siblings = roots;
    let key = '';
    levels.forEach((label, depth) => {
      key = depth === 0 ? label : `${key}/${label}`;
      let node = index.get(key);
      if (node === undefined) {
        node = { key, label, level: ASSET_LEVELS[depth] ?? 'level', depth, count: 0, children: [], filter: { assetPrefix: key } };
        index.set(key, node);
        siblings.push(node);
      }
      node.count++;
      siblings = node.children;
    });
  }
  const sort = (nodes: TreeNode[]) => {
    nodes.sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }));
    for (const n of nodes) sort(n.children);
  };
  sort(roots);
  if (none > 0) roots.push({ key: NO_ASSET_PATH, label: '(no asset path)', level: '', depth: 0, count: none, children: [], filter: { assetPrefix: NO_ASSET_PATH } });
  return roots;
}

export function deviceTree(rows: readonly Row[]): TreeNode[] {
  const byDevice = new Map<string, TreeNode>();
  for (const row of rows) {
    let node = byDevice.get(row.deviceId);
    if (node === undefined) {
      node = { key: `device:${row.deviceId}`, label: row.deviceName, level: 'device', depth: 0, count: 0, children: [], filter: { deviceId: row.deviceId } };
      byDevice.set(row.deviceId, node);
    }
    node.count++;
  }
  return [...byDevice.values()];
}

/** The visible nodes in order (children of expanded nodes only). */
export function flattenTree(nodes: readonly TreeNode[], expanded: ReadonlySet<string>): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (list: readonly TreeNode[]) => {
    for (const node of list) {
      out.push(node);
      if (expanded.has(node.key)) walk(node.children);
    }
  };
  walk(nodes);
  return out;
}
