import { Fragment, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { formatCount } from '../format/format.js';
import { unitSymbol } from '../../../shared/mapping/units.js';
import { useMapping, useSession, useSessionStore } from '../session-context.js';
import {
  BULK_FIELDS,
  type BulkField,
  FIELD_LABELS,
  NO_ASSET_PATH,
  type QualityFilter,
  type Row,
  type TreeNode,
  assetTree,
  deviceTree,
  filterRows,
  flattenTree,
  groupBulkErrors,
  scalingTemplate,
  summarize,
} from '../state/mapping-logic.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ExportCsvDialog, ImportCsvDialog } from './MappingCsv.js';
import { MappingTable } from './MappingTable.js';
import { Modal } from './Modal.js';
import { ProfileEditor } from './ProfileEditor.js';
import { VirtualRows } from './VirtualRows.js';

type Pane = 'tags' | 'profiles';

/** The "Mapping" screen: every tag of the project in one editable table, the asset tree beside it, profiles and CSV. */
export function MappingView() {
  const session = useSession();
  const [pane, setPane] = useState<Pane>('tags');
  const [dialog, setDialog] = useState<'import' | 'export'>();
  useEffect(() => {
    void session.mapping.getState().load();
  }, [session]);
  return (
    <div className="mapping-view" data-testid="mapping-view">
      <div className="mapping-bar">
        <div className="segmented" role="tablist" aria-label="Mapping pane">
          <button type="button" role="tab" aria-selected={pane === 'tags'} className={pane === 'tags' ? 'active' : undefined} data-testid="pane-tags" onClick={() => setPane('tags')}>
            Tag mapping
          </button>
          <button type="button" role="tab" aria-selected={pane === 'profiles'} className={pane === 'profiles' ? 'active' : undefined} data-testid="pane-profiles" onClick={() => setPane('profiles')}>
            Device profiles
          </button>
        </div>
        <span className="mapping-bar-spacer" />
        <button type="button" className="button" data-testid="import-csv" onClick={() => setDialog('import')}>
          Import CSV…
        </button>
        <button type="button" className="button" data-testid="export-csv" onClick={() => setDialog('export')}>
          Export CSV…
        </button>
      </div>
      {pane === 'tags' ? <TagMapping /> : <ProfileEditor />}
      {dialog === 'import' && <ImportCsvDialog onClose={() => setDialog(undefined)} />}
      {dialog === 'export' && <ExportCsvDialog onClose={() => setDialog(undefined)} />}
    </div>
  );
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable);
}

function TagMapping() {
  const session = useSession();
  const mapping = session.mapping;
  const status = useMapping((s) => s.status);
  const loadError = useMapping((s) => s.loadError);
  const rows = useMapping((s) => s.rows);
  const filters = useMapping((s) => s.filters);
  const selection = useMapping((s) => s.selection);
  const history = useMapping((s) => s.history);
  const applying = useMapping((s) => s.applying);
  const applyIssues = useMapping((s) => s.applyIssues);
  const applyError = useMapping((s) => s.applyError);
  const notice = useMapping((s) => s.notice);
  const expansionIssues = useMapping((s) => s.expansionIssues);
  const [bulkOpen, setBulkOpen] = useState(false);
  // Quality filtering follows the live readings; without that filter the table ignores them.
  const readings = useSessionStore('live', (s) => (filters.quality === undefined ? undefined : s.readings));
  const text = useDeferredValue(filters.text);
  const shown = useMemo(() => filterRows(rows, { ...filters, text }, readings === undefined ? undefined : (id) => readings.get(id)?.quality), [rows, filters, text, readings]);
  const summary = summarize(history.staged);
  const selectedShown = useMemo(() => shown.filter((r) => selection.ids.has(r.id)), [shown, selection]);
  const selectedAll = useMemo(() => rows.filter((r) => selection.ids.has(r.id)), [rows, selection]);
  const devices = useMemo(() => [...new Map(rows.map((r) => [r.deviceId, r.deviceName]))], [rows]);
  // The filtered unit stays listed even when no tag has it any more (a bulk edit moved them all), so the
  // drop-down and the "0 of N tags" below agree.
  const units = useMemo(() => [...new Set([...rows.map((r) => r.tag.unit), ...(filters.unit === undefined ? [] : [filters.unit])])].sort(), [rows, filters.unit]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || isTyping(event.target) || document.querySelector('.modal') !== null) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        mapping.getState().undo();
      } else if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        mapping.getState().redo();
      } else if (key === 'a') {
        event.preventDefault();
        mapping.getState().selectAll(shown.map((r) => r.id));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [mapping, shown]);

  if (status === 'error' && loadError !== undefined) return <ErrorNotice what="Could not read the project" error={loadError} />;
  const filtered = filters.deviceId !== undefined || filters.assetPrefix !== undefined || filters.quality !== undefined || filters.unit !== undefined || filters.text.trim() !== '';
  const issueCount = applyIssues === undefined ? 0 : [...applyIssues.byTag.values()].reduce((a, l) => a + l.length, 0) + applyIssues.general.length;
  return (
    <div className="tag-mapping">
      <AssetTreePanel rows={rows} />
      <section className="panel mapping-panel" aria-labelledby="mapping-title">
        <div className="panel-toolbar mapping-filters">
          <h2 id="mapping-title" className="panel-title">
            Tags
          </h2>
          <input className="filter" type="search" placeholder="Search id, name, address, description, profile" aria-label="Search tags" data-testid="mapping-search" value={filters.text} onChange={(e) => mapping.getState().setFilters({ text: e.target.value })} />
          <label className="filter-field">
            Device
            <select data-testid="filter-device" value={filters.deviceId ?? ''} onChange={(e) => mapping.getState().setFilters({ deviceId: e.target.value === '' ? undefined : e.target.value })}>
              <option value="">all</option>
              {devices.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label className="filter-field">
            Asset path
            <input
              type="text"
              placeholder="prefix, e.g. acme/site-1"
              data-testid="filter-asset"
              value={filters.assetPrefix === NO_ASSET_PATH ? '(no asset path)' : (filters.assetPrefix ?? '')}
              onChange={(e) => mapping.getState().setFilters({ assetPrefix: e.target.value.trim() === '' ? undefined : e.target.value === '(no asset path)' ? NO_ASSET_PATH : e.target.value })}
            />
          </label>
          <label className="filter-field">
            Quality
            <select data-testid="filter-quality" value={filters.quality ?? ''} onChange={(e) => mapping.getState().setFilters({ quality: e.target.value === '' ? undefined : (e.target.value as QualityFilter) })}>
              <option value="">any</option>
              <option value="good">good</option>
              <option value="uncertain">uncertain</option>
              <option value="bad">bad</option>
              <option value="none">no reading</option>
            </select>
          </label>
          <label className="filter-field">
            Unit
            <select data-testid="filter-unit" value={filters.unit ?? '\u0000'} onChange={(e) => mapping.getState().setFilters({ unit: e.target.value === '\u0000' ? undefined : e.target.value })}>
              <option value={'\u0000'}>any</option>
              {units.map((u) => (
                <option key={u} value={u}>
                  {u === '' ? '(none)' : `${unitSymbol(u)}${unitSymbol(u) === u ? '' : ` (${u})`}`}
                </option>
              ))}
            </select>
          </label>
          {filtered && (
            <button type="button" className="link-button" data-testid="clear-filters" onClick={() => mapping.getState().clearFilters()}>
              clear filters
            </button>
          )}
          <span className="panel-count" data-testid="mapping-count">
            {shown.length === rows.length ? `${formatCount(rows.length)} tags` : `${formatCount(shown.length)} of ${formatCount(rows.length)} tags`}
          </span>
        </div>
        <div className="panel-toolbar mapping-actions">
          <span className="selection-count" data-testid="selection-count">
            {formatCount(selectedAll.length)} selected{selectedAll.length !== selectedShown.length ? ` (${formatCount(selectedShown.length)} shown)` : ''}
            {selectedAll.length > 0 && (
              <button type="button" className="link-button" data-testid="select-none" onClick={() => mapping.getState().clearSelection()}>
                clear
              </button>
            )}
          </span>
          <button type="button" className="button button-small" data-testid="select-all" disabled={shown.length === 0} onClick={() => mapping.getState().selectAll(shown.map((r) => r.id))}>
            Select all {filtered ? 'filtered' : ''} ({formatCount(shown.length)})
          </button>
          <button type="button" className="button" data-testid="bulk-edit" disabled={selectedAll.length === 0} onClick={() => setBulkOpen(true)}>
            {selectedAll.length > 0 ? `Bulk edit ${formatCount(selectedAll.length)}…` : 'Bulk edit…'}
          </button>
          <button type="button" className="button button-small button-danger" data-testid="delete-selected" disabled={selectedAll.length === 0} onClick={() => mapping.getState().deleteTags(selectedAll.filter((r) => r.status !== 'deleted').map((r) => r.id))}>
            Delete
          </button>
          <span className="mapping-bar-spacer" />
          <span className="mapping-commit">
          <button type="button" className="button button-small" data-testid="undo" disabled={history.undo.length === 0} title="Undo (Ctrl+Z)" onClick={() => mapping.getState().undo()}>
            ↶ Undo
          </button>
          <button type="button" className="button button-small" data-testid="redo" disabled={history.redo.length === 0} title="Redo (Ctrl+Shift+Z)" onClick={() => mapping.getState().redo()}>
            ↷ Redo
          </button>
          <span className={`staged-summary${summary.changed + summary.deleted > 0 ? ' has-changes' : ''}`} data-testid="staged-summary" role="status">
            {summary.text}
          </span>
          <button type="button" className="button" data-testid="discard" disabled={history.staged.size === 0 || applying} onClick={() => mapping.getState().discard()}>
            Discard
          </button>
          <button type="button" className="button button-primary" data-testid="apply" disabled={history.staged.size === 0 || applying} onClick={() => void mapping.getState().apply()}>
            {applying ? 'Applying…' : 'Apply'}
          </button>
          </span>
        </div>
        {notice !== undefined && (
          <div className="success-note" role="status" data-testid="mapping-notice">
            {notice}
          </div>
        )}
        {applyError !== undefined && <ErrorNotice what="Could not apply the changes (nothing was changed)" error={applyError} />}
        {applyIssues !== undefined && (
          <div className="error-notice" role="alert" data-testid="apply-issues">
            <div className="error-title">
              Apply refused: {formatCount(issueCount)} problem{issueCount === 1 ? '' : 's'}. Nothing was changed; your edits are still staged.
            </div>
            <ul className="issue-lines">
              {[...applyIssues.byTag].slice(0, 8).map(([id, messages]) => (
                <li key={id}>
                  <button type="button" className="link-button" onClick={() => mapping.getState().setFilters({ text: id })}>
                    {id}
                  </button>
                  : {messages.join('; ')}
                </li>
              ))}
              {applyIssues.general.slice(0, 5).map((g) => (
                <li key={g}>{g}</li>
              ))}
            </ul>
            <div className="error-advice">Fix the cells of the rows marked in red (double-click a cell to edit it), then Apply again.</div>
          </div>
        )}
        {expansionIssues.length > 0 && (
          <div className="notice" role="status">
            Some profile tags could not be generated: {expansionIssues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}
          </div>
        )}
        <MappingTable
          rows={shown}
          selected={selection.ids}
          issues={applyIssues?.byTag}
          empty={status !== 'ready' ? 'Loading the project…' : rows.length === 0 ? 'The project has no tags yet. Add devices and tags on “Devices & tags”, apply a profile, or import a CSV.' : 'No tag matches these filters. Clear the filters to see all tags.'}
          onSelect={(id, mode) => mapping.getState().select(id, mode, shown)}
        />
        <div className="panel-footnote">
          Double-click a cell to edit it (Enter applies to the staged edits, Esc cancels). Click, Shift-click and Ctrl-click select rows. <span className="legend-changed">changed</span> staged, not applied yet ·{' '}
          <span className="override-mark">OVR</span> overridden on a profile instance · grey: inherited or empty.
        </div>
      </section>
      {bulkOpen && <BulkEditDialog rows={selectedAll} onClose={() => setBulkOpen(false)} />}
    </div>
  );
}

function AssetTreePanel({ rows }: { rows: readonly Row[] }) {
  const session = useSession();
  const mapping = session.mapping;
  const mode = useMapping((s) => s.treeMode);
  const expanded = useMapping((s) => s.expanded);
  const filters = useMapping((s) => s.filters);
  const tree = useMemo(() => (mode === 'asset' ? assetTree(rows) : deviceTree(rows)), [rows, mode]);
  const flat = useMemo(() => flattenTree(tree, expanded), [tree, expanded]);
  const isActive = (node: TreeNode) => ('assetPrefix' in node.filter ? filters.assetPrefix === node.filter.assetPrefix : filters.deviceId === node.filter.deviceId);
  const choose = (node: TreeNode) => {
    if (isActive(node)) mapping.getState().setFilters('assetPrefix' in node.filter ? { assetPrefix: undefined } : { deviceId: undefined });
    else mapping.getState().setFilters('assetPrefix' in node.filter ? { assetPrefix: node.filter.assetPrefix, deviceId: undefined } : { deviceId: node.filter.deviceId, assetPrefix: undefined });
  };
  const all = filters.assetPrefix === undefined && filters.deviceId === undefined;
  return (
    <section className="panel asset-tree" aria-labelledby="asset-tree-title" data-testid="asset-tree">
      <div className="panel-toolbar">
        <h2 id="asset-tree-title" className="panel-title">
          {mode === 'asset' ? 'Assets (ISA-95)' : 'Devices'}
        </h2>
        <div className="segmented" role="group" aria-label="Group tags">
          <button type="button" className={mode === 'asset' ? 'active' : undefined} data-testid="tree-by-asset" onClick={() => mapping.getState().setTreeMode('asset')}>
            by asset
          </button>
          <button type="button" className={mode === 'device' ? 'active' : undefined} data-testid="tree-by-device" onClick={() => mapping.getState().setTreeMode('device')}>
            by device
          </button>
        </div>
      </div>
      <button type="button" className={`tree-all${all ? ' active' : ''}`} data-testid="tree-all" onClick={() => mapping.getState().setFilters({ assetPrefix: undefined, deviceId: undefined })}>
        <span>All tags</span>
        <span className="tree-count">{formatCount(rows.length)}</span>
      </button>
      <VirtualRows
        className="asset-tree-scroll"
        count={flat.length}
        rowHeight={32}
        rowKey={(i) => flat[i]?.key ?? i}
        renderRow={(i, style) => {
          const node = flat[i];
          if (node === undefined) return null;
          const open = expanded.has(node.key);
          return (
            <div key={node.key} className={`asset-node${isActive(node) ? ' active' : ''}${node.key === NO_ASSET_PATH ? ' no-path' : ''}`} style={style} role="treeitem" aria-expanded={node.children.length > 0 ? open : undefined} aria-selected={isActive(node)} data-testid="tree-node" data-key={node.key === NO_ASSET_PATH ? '(none)' : node.key}>
              <span className="tree-indent" style={{ width: node.depth * 16 }} />
              {node.children.length > 0 ? (
                <button type="button" className="tree-toggle" aria-label={open ? `Collapse ${node.label}` : `Expand ${node.label}`} data-testid="tree-toggle" onClick={() => mapping.getState().toggleExpanded(node.key)}>
                  {open ? '▾' : '▸'}
                </button>
              ) : (
                <span className="tree-toggle-space" />
              )}
              <button type="button" className="asset-node-label" title={`${node.level === '' ? '' : `${node.level}: `}${'assetPrefix' in node.filter && node.filter.assetPrefix !== NO_ASSET_PATH ? node.filter.assetPrefix : node.label}\n${node.count} tags — click to show only these`} onClick={() => choose(node)}>
                <span className="asset-name">{node.label}</span>
                {node.level !== '' && node.level !== 'device' && <span className="asset-level">{node.level}</span>}
              </button>
              <span className="tree-count">{formatCount(node.count)}</span>
            </div>
          );
        }}
        empty={<div className="empty-state">No tags.</div>}
      />
    </section>
  );
}

function BulkEditDialog({ rows, onClose }: { rows: readonly Row[]; onClose(): void }) {
  const session = useSession();
  const [field, setField] = useState<BulkField>('unit');
  const [value, setValue] = useState('');
  const [errors, setErrors] = useState<Array<{ id: string; message: string }>>([]);
  const groups = useMemo(() => [...new Set(rows.flatMap((r) => r.pollGroups.map((g) => g.id)))], [rows]);
  const live = rows.filter((r) => r.status !== 'deleted');
  const submit = () => {
    const result = session.mapping.getState().bulkEdit(live.map((r) => r.id), field, value);
    if (result.errors.length > 0) {
      setErrors(result.errors);
      return;
    }
    const set = result.patches.length;
    session.mapping.getState().setNotice(`${FIELD_LABELS[field]} set on ${formatCount(set)} tag${set === 1 ? '' : 's'}${result.unchanged > 0 ? ` (${formatCount(result.unchanged)} already had it)` : ''} — staged as one step; Undo takes it back, Apply makes it real.`);
    onClose();
  };
  return (
    <Modal
      title={`Bulk edit ${formatCount(live.length)} tag${live.length === 1 ? '' : 's'}`}
      onClose={onClose}
      testId="bulk-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button-primary" data-testid="bulk-apply" onClick={submit}>
            Set on {formatCount(live.length)} tags
          </button>
        </>
      }
    >
      <div className="form-row">
        <label className="form-label" htmlFor="bulk-field">
          Field
        </label>
        <select id="bulk-field" data-testid="bulk-field" value={field} onChange={(e) => { setField(e.target.value as BulkField); setErrors([]); setValue(e.target.value === 'scaling' ? 'linear factor=1 offset=0' : ''); }}>
          {BULK_FIELDS.map((f) => (
            <option key={f} value={f}>
              {FIELD_LABELS[f]}
            </option>
          ))}
        </select>
      </div>
      <div className={`form-row${errors.length > 0 ? ' has-error' : ''}`}>
        <label className="form-label" htmlFor="bulk-value">
          New {FIELD_LABELS[field].toLowerCase()}
        </label>
        <input id="bulk-value" data-testid="bulk-value" list={field === 'pollGroup' ? 'bulk-groups' : undefined} value={value} onChange={(e) => { setValue(e.target.value); setErrors([]); }} onKeyDown={(e) => e.key === 'Enter' && submit()} />
        {field === 'pollGroup' && (
          <datalist id="bulk-groups">
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        )}
        <div className="field-help">
          {field === 'unit' && 'A UCUM code such as Cel, bar, kW, m3/h; empty for none.'}
          {field === 'pollGroup' && `A poll group every selected tag's device has (${groups.join(', ')}).`}
          {field === 'assetPath' && 'enterprise/site/area/line/cell/equipment (1–6 levels); empty: the device’s path.'}
          {field === 'scaling' && `One of: ${['linear', 'range', 'ma4-20', 'two-point', 'sqrt', 'clamp'].map((k) => scalingTemplate(k as 'linear')).join(' · ')} · none`}
        </div>
      </div>
      {errors.length > 0 && (
        <div className="error-notice" role="alert" data-testid="bulk-errors">
          <div className="error-title">
            Nothing was staged: the value does not fit {formatCount(errors.length)} of the {formatCount(live.length)} tags.
          </div>
          <ul className="issue-lines">
            {groupBulkErrors(errors)
              .slice(0, 6)
              .map((g) => (
                <li key={g.message} data-testid="bulk-error-group">
                  {formatCount(g.ids.length)} tag{g.ids.length === 1 ? '' : 's'}: {g.message}{' '}
                  <span className="muted">
                    ({g.ids.slice(0, 3).map((id, n) => (
                      <Fragment key={id}>
                        {n > 0 && ', '}
                        <code>{id}</code>
                      </Fragment>
                    ))}
                    {g.ids.length > 3 && ` and ${formatCount(g.ids.length - 3)} more`})
                  </span>
                </li>
              ))}
            {groupBulkErrors(errors).length > 6 && <li>… and {formatCount(groupBulkErrors(errors).length - 6)} other reasons</li>}
          </ul>
          <div className="error-advice">Change the value, or narrow the selection (e.g. filter by device) and try again.</div>
        </div>
      )}
    </Modal>
  );
}
