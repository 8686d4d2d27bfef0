import { memo, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { TAG_DATA_TYPES } from '../../../shared/project.js';
import { unitSymbol } from '../../../shared/mapping/units.js';
import {
  CLASSIFICATION_OPTIONS,
  type Field,
  FIELD_LABELS,
  type Row,
  cellText,
  classificationText,
  deadbandText,
  effectiveAssetPath,
  scalingText,
} from '../state/mapping-logic.js';
import { useSession, useSessionStore } from '../session-context.js';

/** Two lines: the id over its profile, names that wrap, so similar rows (`Building A main meter Current A`, `… Current B`) read apart. */
const ROW_HEIGHT = 46;

/**
 * Column order and widths (px): readable at arm's length; the id column stays put when
 * scrolling sideways. Ids fit whole up to about 30 characters (longer ones lose their start,
 * not the point name at the end); names and device names wrap onto two lines; asset paths
 * keep their last levels. The full text of every cell is its tooltip.
 */
const COLUMNS: ReadonlyArray<{ key: Field | 'id' | 'device' | 'quality'; width: number; align?: 'right' }> = [
  { key: 'id', width: 250 },
  { key: 'name', width: 230 },
  { key: 'device', width: 130 },
  { key: 'assetPath', width: 210 },
  { key: 'address', width: 140 },
  { key: 'dataType', width: 86 },
  { key: 'unit', width: 64 },
  { key: 'scaling', width: 170 },
  { key: 'deadband', width: 84, align: 'right' },
  { key: 'pollGroup', width: 134 },
  { key: 'classification', width: 130 },
  { key: 'description', width: 200 },
  { key: 'quality', width: 116 },
];
/** Cells whose text is cut at the start (the end tells rows apart). */
const TAIL_FIELDS: ReadonlySet<Field> = new Set(['assetPath']);
const GRID_TEMPLATE = `40px ${COLUMNS.map((c) => `${c.width}px`).join(' ')}`;
const TOTAL_WIDTH = 40 + COLUMNS.reduce((a, c) => a + c.width, 0);

const HINTS: Partial<Record<Field, string>> = {
  scaling: 'e.g. linear factor=0.1 offset=0 · range rawLow=0 rawHigh=27648 low=0 high=100 · ma4-20 rawAt4mA=5530 rawAt20mA=27648 low=0 high=10 · none',
  deadband: '0.5 (in the tag unit) or 2% (of the span); empty for none',
  assetPath: 'enterprise/site/area/line/cell/equipment; empty to use the device’s',
  dataType: 'empty follows the address type',
};

export type SelectMode = 'single' | 'toggle' | 'range';

const modeOf = (e: MouseEvent): SelectMode => (e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'single');

export interface EditingCell {
  id: string;
  field: Field;
  text: string;
  error?: string;
}

interface RowProps {
  row: Row;
  start: number;
  odd: boolean;
  selected: boolean;
  issues: readonly string[] | undefined;
  editing: EditingCell | undefined;
  onSelect(id: string, mode: SelectMode): void;
  onEdit(id: string, field: Field): void;
  onEditChange(text: string): void;
  onEditCommit(text?: string): void;
  onEditCancel(): void;
  onRestore(id: string): void;
}

function QualityCell({ id }: { id: string }) {
  const quality = useSessionStore('live', (s) => s.readings.get(id)?.quality);
  const status = useSessionStore('live', (s) => s.readings.get(id)?.status);
  return (
    <div className="mcell mcell-quality" role="cell" data-testid="mapping-quality" title={status}>
      <span className={`badge badge-${quality ?? 'none'}`}>{quality ?? 'no reading'}</span>
    </div>
  );
}

function display(row: Row, field: Field): { text: string; muted?: boolean; title?: string } {
  const tag = row.tag;
  switch (field) {
    case 'assetPath':
      if (tag.assetPath === undefined) {
        const inherited = effectiveAssetPath(row);
        return inherited === undefined ? { text: '—', muted: true, title: 'No asset path: shown under “(no asset path)” in the asset tree' } : { text: inherited, muted: true, title: `From the device ${row.deviceName}` };
      }
      return { text: tag.assetPath };
    case 'unit':
      return tag.unit === '' ? { text: 'none', muted: true } : { text: unitSymbol(tag.unit), title: `UCUM code ${tag.unit}` };
    case 'dataType':
      return tag.dataType === undefined ? { text: 'auto', muted: true, title: 'Follows the type in the address' } : { text: tag.dataType };
    case 'scaling':
      return tag.scaling.kind === 'none' ? { text: 'none', muted: true } : { text: scalingText(tag.scaling) };
    case 'deadband':
      if (tag.deadband === undefined) return { text: 'none', muted: true };
      return { text: tag.deadband.kind === 'percent' ? `${deadbandText(tag.deadband)}` : `${tag.deadband.value} ${tag.unit === '' ? '(raw)' : unitSymbol(tag.unit)}` };
    case 'pollGroup': {
      const group = row.pollGroups.find((g) => g.id === tag.pollGroup);
      return { text: group === undefined ? tag.pollGroup : `${tag.pollGroup} (${group.intervalMs.toLocaleString('en-US')} ms)` };
    }
    case 'classification':
      return { text: classificationText(tag.classification) };
    case 'description':
      return tag.description === undefined ? { text: '—', muted: true } : { text: tag.description };
    default:
      return { text: String(tag[field]) };
  }
}

function CellEditor({ row, editing, onChange, onCommit, onCancel }: { row: Row; editing: EditingCell; onChange(text: string): void; onCommit(text?: string): void; onCancel(): void }) {
  const ref = useRef<HTMLInputElement & HTMLSelectElement>(null);
  useEffect(() => {
    ref.current?.focus();
    if (ref.current instanceof HTMLInputElement) ref.current.select();
  }, []);
  const onKey = (event: KeyboardEvent) => {
    event.stopPropagation();
    if (event.key === 'Enter') onCommit();
    else if (event.key === 'Escape') onCancel();
  };
  const options = editing.field === 'dataType' ? ['', ...TAG_DATA_TYPES] : editing.field === 'pollGroup' ? row.pollGroups.map((g) => g.id) : editing.field === 'classification' ? CLASSIFICATION_OPTIONS : undefined;
  const label = `${FIELD_LABELS[editing.field]} of ${row.id}`;
  return (
    <>
      {options !== undefined ? (
        <select ref={ref} className="cell-input" aria-label={label} data-testid="cell-input" value={editing.text} onChange={(e) => onCommit(e.target.value)} onKeyDown={onKey} onBlur={onCancel}>
          {options.map((o) => (
            <option key={o} value={o}>
              {o === '' ? 'auto (from address)' : editing.field === 'pollGroup' ? `${o} (${row.pollGroups.find((g) => g.id === o)?.intervalMs.toLocaleString('en-US')} ms)` : o}
            </option>
          ))}
        </select>
      ) : (
        <input
          ref={ref}
          className="cell-input"
          aria-label={label}
          aria-invalid={editing.error !== undefined}
          data-testid="cell-input"
          value={editing.text}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKey}
          onBlur={() => onCommit()}
        />
      )}
      {(editing.error !== undefined || HINTS[editing.field] !== undefined) && (
        <div className={editing.error !== undefined ? 'cell-error' : 'cell-hint'} role={editing.error !== undefined ? 'alert' : undefined} data-testid={editing.error !== undefined ? 'cell-error' : 'cell-hint'}>
          {editing.error !== undefined ? (
            <>
              <strong>Not applied:</strong> {editing.error}. Fix the value and press Enter, or Esc to keep the old one.
            </>
          ) : (
            HINTS[editing.field]
          )}
        </div>
      )}
    </>
  );
}

const MappingRow = memo(function MappingRow({ row, start, odd, selected, issues, editing, onSelect, onEdit, onEditChange, onEditCommit, onEditCancel, onRestore }: RowProps) {
  const overridden = new Set(row.origin?.overridden ?? []);
  const deleted = row.status === 'deleted';
  const classes = ['mrow', odd ? 'odd' : '', selected ? 'selected' : '', deleted ? 'deleted' : '', row.status === 'changed' ? 'changed' : '', issues !== undefined ? 'has-issue' : '', editing !== undefined ? 'editing' : ''].filter(Boolean).join(' ');
  const cell = (field: Field, extra = '') => {
    const isEditing = editing?.field === field;
    const shown = display(row, field);
    const isChanged = row.changed.has(field);
    const isOverridden = overridden.has(field);
    const titles = [shown.title ?? shown.text];
    if (isChanged) titles.push(`Staged change; the project has: ${cellText(row.original, field) || '(empty)'}`);
    if (isOverridden) titles.push(`Overridden on this instance of profile “${row.origin?.profile}”`);
    return (
      <div
        key={field}
        className={`mcell mcell-${field}${isChanged ? ' cell-changed' : ''}${isOverridden ? ' cell-overridden' : ''}${isEditing ? ' cell-editing' : ''}${extra}`}
        role="cell"
        data-field={field}
        title={isEditing ? undefined : titles.join('\n')}
        onDoubleClick={(e) => {
          e.stopPropagation();
          if (!deleted) onEdit(row.id, field);
        }}
      >
        {isEditing && editing !== undefined ? (
          <CellEditor row={row} editing={editing} onChange={onEditChange} onCommit={onEditCommit} onCancel={onEditCancel} />
        ) : (
          <>
            {TAIL_FIELDS.has(field) ? (
              <span className={`mcell-text mcell-tail${shown.muted === true ? ' muted-value' : ''}`}>
                <span dir="ltr">{shown.text}</span>
              </span>
            ) : (
              <span className={`mcell-text${shown.muted === true ? ' muted-value' : ''}`}>{shown.text}</span>
            )}
            {isOverridden && <span className="override-mark" aria-label="overridden">OVR</span>}
          </>
        )}
      </div>
    );
  };
  return (
    <div
      className={classes}
      role="row"
      aria-selected={selected}
      data-testid="mapping-row"
      data-tag-id={row.id}
      data-status={row.status}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT, gridTemplateColumns: GRID_TEMPLATE }}
      onClick={(e) => onSelect(row.id, modeOf(e))}
    >
      <div className="mcell mcell-select" role="cell">
        <input type="checkbox" checked={selected} aria-label={`Select ${row.id}`} data-testid="row-select" onChange={() => undefined} onClick={(e) => { e.stopPropagation(); onSelect(row.id, e.shiftKey ? 'range' : 'toggle'); }} />
      </div>
      <div className="mcell mcell-id" role="cell" title={[row.id, row.origin === undefined ? 'Own tag of the device' : `From profile “${row.origin.profile}” (point ${row.origin.point}); overridden: ${row.origin.overridden.join(', ') || 'nothing'}`, ...(issues ?? [])].join('\n')}>
        <code className="mcell-text mcell-tail">
          <span dir="ltr">{row.id}</span>
        </code>
        {row.origin !== undefined && <span className="profile-badge" data-testid="profile-badge">{row.origin.profile}</span>}
        {deleted && (
          <button type="button" className="link-button restore" data-testid="restore-tag" onClick={(e) => { e.stopPropagation(); onRestore(row.id); }}>
            restore
          </button>
        )}
      </div>
      {cell('name')}
      <div className="mcell mcell-device" role="cell" title={`${row.deviceName} (${row.deviceId})`}>
        <span className="mcell-text">{row.deviceName}</span>
      </div>
      {cell('assetPath')}
      {cell('address', ' mono')}
      {cell('dataType')}
      {cell('unit')}
      {cell('scaling', ' mono')}
      {cell('deadband')}
      {cell('pollGroup')}
      {cell('classification')}
      {cell('description')}
      <QualityCell id={row.id} />
      {issues !== undefined && (
        <div className="row-issues" data-testid="row-issues" role="alert">
          {issues.join(' · ')}
        </div>
      )}
    </div>
  );
});

interface TableProps {
  rows: readonly Row[];
  selected: ReadonlySet<string>;
  issues: ReadonlyMap<string, string[]> | undefined;
  empty: string;
  onSelect(id: string, mode: SelectMode): void;
}

/** The virtualized tag table: only rows on screen are in the DOM; a header that scrolls sideways with them. */
export function MappingTable({ rows, selected, issues, empty, onSelect }: TableProps) {
  const session = useSession();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [editing, setEditing] = useState<EditingCell>();
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => rows[index]?.id ?? index,
  });
  const onEdit = (id: string, field: Field) => {
    const row = rows.find((r) => r.id === id);
    if (row !== undefined) setEditing({ id, field, text: cellText(row.tag, field) });
  };
  const commitEdit = (text?: string) => {
    const current = editing;
    if (current === undefined) return;
    const value = text ?? current.text;
    const row = rows.find((r) => r.id === current.id);
    if (row !== undefined && value === cellText(row.tag, current.field)) {
      setEditing(undefined);
      return;
    }
    const result = session.mapping.getState().editCell(current.id, current.field, value);
    setEditing(result.ok ? undefined : { ...current, text: value, error: result.message });
  };
  return (
    <div className="mapping-scroll" ref={scrollRef} data-testid="mapping-scroll" role="table" aria-label="Tags of the project" aria-rowcount={rows.length}>
      <div className="mrow mhead" role="row" style={{ width: TOTAL_WIDTH, gridTemplateColumns: GRID_TEMPLATE }}>
        <div className="mcell mcell-select" role="columnheader" />
        {COLUMNS.map((c) => (
          <div key={c.key} className={`mcell mcell-${c.key}`} role="columnheader">
            {c.key === 'quality' ? 'Quality' : FIELD_LABELS[c.key]}
          </div>
        ))}
      </div>
      <div className="mapping-canvas" style={{ height: virtualizer.getTotalSize(), width: TOTAL_WIDTH }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (row === undefined) return null;
          return (
            <MappingRow
              key={row.id}
              row={row}
              start={item.start}
              odd={item.index % 2 === 1}
              selected={selected.has(row.id)}
              issues={issues?.get(row.id)}
              editing={editing?.id === row.id ? editing : undefined}
              onSelect={onSelect}
              onEdit={onEdit}
              onEditChange={(text) => setEditing((e) => (e === undefined ? e : { ...e, text }))}
              onEditCommit={commitEdit}
              onEditCancel={() => setEditing(undefined)}
              onRestore={(id) => session.mapping.getState().restoreTags([id])}
            />
          );
        })}
      </div>
      {rows.length === 0 && <div className="empty-state">{empty}</div>}
    </div>
  );
}
