import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiError, SensorVaultApi } from '../../../shared/api/contract.js';
import type { TagOrigin } from '../../../shared/mapping/profiles.js';
import type { Project, ValidationIssue } from '../../../shared/project.js';
import {
  type BaseRow,
  type BulkField,
  type BulkResult,
  type CellEdit,
  type Field,
  type Filters,
  type History,
  type MappedIssues,
  type Row,
  type Selection,
  bulkEdit,
  commit,
  deletePatches,
  editCell,
  emptyHistory,
  mapIssues,
  redo,
  restorePatches,
  rowsFromProject,
  selectClick,
  setTagsPatches,
  stagedRows,
  toChanges,
  undo,
} from './mapping-logic.js';

/*
 * The mapping editor's store: the project's tags (profile tags expanded), the staged edits
 * with their undo/redo history, filters, selection and the one Apply through tags:apply.
 * The logic lives in mapping-logic.ts; this file holds state and talks to the host.
 */

export type TreeMode = 'asset' | 'device';

export interface MappingState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  loadError?: ApiError;
  project?: Project;
  base: readonly BaseRow[];
  baseById: ReadonlyMap<string, BaseRow>;
  origins: ReadonlyMap<string, TagOrigin>;
  /** Problems expanding the project's profiles (shown above the table). */
  expansionIssues: readonly ValidationIssue[];
  history: History;
  /** base with the staged edits laid over it. */
  rows: readonly Row[];
  filters: Filters;
  selection: Selection;
  treeMode: TreeMode;
  expanded: ReadonlySet<string>;
  applying: boolean;
  /** Issues of the last refused Apply, per row and general. */
  applyIssues?: MappedIssues;
  applyError?: ApiError;
  /** What the last action did, in words. */
  notice?: string;
}

export interface MappingActions {
  load(): Promise<void>;
  setFilters(patch: Partial<Filters>): void;
  clearFilters(): void;
  select(id: string, mode: 'single' | 'toggle' | 'range', shown: readonly { id: string }[]): void;
  selectAll(ids: readonly string[]): void;
  clearSelection(): void;
  /** Parses, validates and stages one cell; nothing is staged when it fails. */
  editCell(id: string, field: Field, text: string): CellEdit;
  bulkEdit(ids: readonly string[], field: BulkField, text: string): BulkResult;
  deleteTags(ids: readonly string[]): void;
  restoreTags(ids: readonly string[]): void;
  undo(): void;
  redo(): void;
  discard(): void;
  /** Sends every staged edit in one tags:apply; all or nothing. */
  apply(): Promise<boolean>;
  setTreeMode(mode: TreeMode): void;
  toggleExpanded(key: string): void;
  setNotice(notice: string | undefined): void;
}

export type MappingStore = StoreApi<MappingState & MappingActions>;

const EMPTY_FILTERS: Filters = { text: '' };

export function createMappingStore(api: SensorVaultApi, options: { afterApply(): void }): MappingStore {
  const store = createStore<MappingState & MappingActions>()((set, get) => {
    const withHistory = (history: History): Partial<MappingState> => ({ history, rows: stagedRows(get().base, history.staged), applyIssues: undefined, applyError: undefined });
    return {
      status: 'idle',
      base: [],
      baseById: new Map(),
      origins: new Map(),
      expansionIssues: [],
      history: emptyHistory(),
      rows: [],
      filters: EMPTY_FILTERS,
      selection: { ids: new Set() },
      treeMode: 'asset',
      expanded: new Set(),
      applying: false,

      async load() {
        set({ status: get().project === undefined ? 'loading' : get().status });
        const answer = await api.getProject({});
        if (!answer.ok) {
          set({ status: 'error', loadError: answer.error });
          return;
        }
        const { rows, issues } = rowsFromProject(answer.result);
        const baseById = new Map(rows.map((r) => [r.id, r]));
        const origins = new Map<string, TagOrigin>();
        for (const r of rows) if (r.origin !== undefined) origins.set(r.id, r.origin);
        // Staged edits of tags that are gone are dropped; the rest stay staged.
        const history = get().history;
        const staged = new Map([...history.staged].filter(([id]) => baseById.has(id)));
        const kept: History = staged.size === history.staged.size ? history : { staged, undo: [], redo: [] };
        // First visit: open the top two levels of the asset tree.
        const expanded = get().status === 'ready' ? get().expanded : new Set(rows.flatMap((r) => { const p = (r.tag.assetPath ?? r.deviceAssetPath ?? '').split('/'); return p.length > 1 ? [p[0] as string, `${p[0]}/${p[1]}`] : []; }));
        set({ status: 'ready', loadError: undefined, project: answer.result, base: rows, baseById, origins, expansionIssues: issues, history: kept, rows: stagedRows(rows, kept.staged), expanded });
      },
      setFilters: (patch) => set({ filters: { ...get().filters, ...patch } }),
      clearFilters: () => set({ filters: EMPTY_FILTERS }),
      select: (id, mode, shown) => set({ selection: selectClick(get().selection, shown, id, mode) }),
      selectAll: (ids) => set({ selection: { ids: new Set(ids), anchor: ids[0] } }),
      clearSelection: () => set({ selection: { ids: new Set() } }),
      editCell(id, field, text) {
        const row = get().rows.find((r) => r.id === id);
        if (row === undefined) return { ok: false, message: 'this tag is no longer in the project' };
        const result = editCell(row, field, text);
        if (result.ok) {
          const history = get().history;
          set({ ...withHistory(commit(history, setTagsPatches(history, get().baseById, [{ id, tag: result.tag }]))), notice: undefined });
        }
        return result;
      },
      bulkEdit(ids, field, text) {
        const wanted = new Set(ids);
        const rows = get().rows.filter((r) => wanted.has(r.id));
        const history = get().history;
        const result = bulkEdit(history, get().baseById, rows, field, text);
        if (result.errors.length === 0) set(withHistory(commit(history, result.patches)));
        return result;
      },
      deleteTags(ids) {
        const history = get().history;
        set(withHistory(commit(history, deletePatches(history, ids))));
      },
      restoreTags(ids) {
        const history = get().history;
        set(withHistory(commit(history, restorePatches(history, ids))));
      },
      undo: () => set({ ...withHistory(undo(get().history)), notice: undefined }),
      redo: () => set({ ...withHistory(redo(get().history)), notice: undefined }),
      discard: () => set({ ...withHistory(emptyHistory()), notice: 'Staged changes discarded; the table shows the project as it runs.' }),
      async apply() {
        const { history, project, origins } = get();
        if (history.staged.size === 0 || project === undefined || get().applying) return false;
        const changes = toChanges(history.staged);
        set({ applying: true, applyIssues: undefined, applyError: undefined, notice: undefined });
        const answer = await api.applyTagChanges(changes);
        if (!answer.ok) {
          set({ applying: false, applyError: answer.error });
          return false;
        }
        if (!answer.result.applied || answer.result.issues.length > 0) {
          set({ applying: false, applyIssues: mapIssues(answer.result.issues, project, changes, origins) });
          return false;
        }
        const count = changes.upserts.length + changes.deletes.length;
        set({ history: emptyHistory(), applying: false });
        await get().load();
        options.afterApply();
        set({ notice: `Applied ${count.toLocaleString('en-US')} tag change${count === 1 ? '' : 's'}${answer.result.savedTo === null ? ' (no project file: the change lasts until the host stops)' : `; saved to ${answer.result.savedTo}`}.` });
        return true;
      },
      setTreeMode: (treeMode) => set({ treeMode }),
      toggleExpanded(key) {
        const expanded = new Set(get().expanded);
        if (expanded.has(key)) expanded.delete(key);
        else expanded.add(key);
        set({ expanded });
      },
      setNotice: (notice) => set({ notice }),
    };
  });
  return store;
}
