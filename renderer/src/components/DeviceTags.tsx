import { useDeferredValue, useMemo, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import { formatCount } from '../format/format.js';
import { useSession, useSessionStore } from '../session-context.js';
import { savedNotice } from './edit-notices.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ConfirmDialog } from './Modal.js';
import { VirtualRows } from './VirtualRows.js';

/** The tags configured on one device, with multi-select removal. */
export function DeviceTags({ deviceId, deviceName, canBrowse }: { deviceId: string; deviceName: string; canBrowse: boolean }) {
  const session = useSession();
  const allTags = useSessionStore('catalog', (s) => s.tags);
  const dbPath = useSessionStore('system', (s) => s.info?.dbPath);
  const tags = useMemo(() => allTags.filter((t) => t.deviceId === deviceId), [allTags, deviceId]);
  const [filter, setFilter] = useState('');
  const needle = useDeferredValue(filter.trim().toLowerCase());
  const shown = useMemo(() => (needle === '' ? tags : tags.filter((t) => `${t.name}\n${t.tagId}\n${t.address}`.toLowerCase().includes(needle))), [tags, needle]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError>();
  const live = new Set(tags.map((t) => t.tagId));
  const ticked = [...selected].filter((id) => live.has(id));

  const toggle = (tagId: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(tagId);
      else next.delete(tagId);
      return next;
    });

  async function remove() {
    setBusy(true);
    setFailure(undefined);
    const outcome = await session.editor.removeTags(ticked);
    setBusy(false);
    setConfirming(false);
    if (outcome.kind === 'error') setFailure(outcome.error);
    else if (outcome.kind === 'issues') setFailure({ code: 'project-invalid', message: outcome.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
    else {
      session.editor.navigation.getState().setNotice(`${formatCount(ticked.length)} tag${ticked.length === 1 ? '' : 's'} removed from ${deviceName}; their stored readings stay. ${savedNotice(outcome.savedTo)}`);
      setSelected(new Set());
    }
  }

  const allShownTicked = shown.length > 0 && shown.every((t) => selected.has(t.tagId));
  return (
    <section className="panel device-tags" aria-labelledby="device-tags-title">
      <div className="panel-toolbar">
        <h3 id="device-tags-title" className="panel-title">
          Tags on this device <span className="panel-count">{formatCount(tags.length)}</span>
        </h3>
        <input className="filter" type="search" placeholder="Filter by name, id or address" aria-label="Filter this device's tags" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <button type="button" className="button button-danger" data-testid="remove-tags" disabled={ticked.length === 0} onClick={() => setConfirming(true)}>
          Remove {ticked.length > 0 ? formatCount(ticked.length) : ''} selected…
        </button>
      </div>
      {failure !== undefined && <ErrorNotice what="Could not remove the tags" error={failure} />}
      <div className="tag-table" role="table" aria-label={`Tags of ${deviceName}`}>
        <div className="tag-row tag-head" role="row">
          <div role="columnheader">
            <input
              type="checkbox"
              aria-label="Tick all shown tags"
              checked={allShownTicked}
              onChange={(e) =>
                setSelected((s) => {
                  const next = new Set(s);
                  for (const t of shown) {
                    if (e.target.checked) next.add(t.tagId);
                    else next.delete(t.tagId);
                  }
                  return next;
                })
              }
            />
          </div>
          <div role="columnheader">Name</div>
          <div role="columnheader">Tag id</div>
          <div role="columnheader">Address</div>
          <div role="columnheader">Unit</div>
          <div role="columnheader">Poll group</div>
        </div>
        <VirtualRows
          count={shown.length}
          rowHeight={32}
          rowKey={(index) => shown[index]?.tagId ?? index}
          renderRow={(index, style) => {
            const tag = shown[index];
            if (tag === undefined) return null;
            return (
              <div key={tag.tagId} className={`tag-row${index % 2 === 1 ? ' odd' : ''}`} role="row" style={style} data-testid="device-tag-row" data-tag-id={tag.tagId}>
                <div role="cell">
                  <input type="checkbox" aria-label={`Select ${tag.name}`} data-testid="device-tag-checkbox" checked={selected.has(tag.tagId)} onChange={(e) => toggle(tag.tagId, e.target.checked)} />
                </div>
                <div role="cell" className="tag-name" title={tag.description}>
                  {tag.name}
                </div>
                <div role="cell">
                  <code>{tag.tagId}</code>
                </div>
                <div role="cell">
                  <code>{tag.address}</code>
                </div>
                <div role="cell">{tag.unit === '' ? <span className="muted">none</span> : tag.unit}</div>
                <div role="cell">
                  {tag.pollGroup} <span className="muted">({formatCount(tag.intervalMs)} ms)</span>
                </div>
              </div>
            );
          }}
          empty={<div className="empty-state">{tags.length === 0 ? canBrowse ? 'No tags yet. Add them from the browse tree or by address above.' : 'No tags yet. Add them by address above.' : `No tag matches “${filter}”.`}</div>}
        />
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Remove ${formatCount(ticked.length)} tag${ticked.length === 1 ? '' : 's'}?`}
          confirmLabel={`Remove ${formatCount(ticked.length)} tag${ticked.length === 1 ? '' : 's'}`}
          danger
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void remove()}
          testId="confirm-remove-tags"
        >
          <p>
            SensorVault stops acquiring{' '}
            {ticked.length <= 5
              ? ticked.map((id) => `“${tags.find((t) => t.tagId === id)?.name ?? id}”`).join(', ')
              : `${formatCount(ticked.length)} tags`}{' '}
            from {deviceName}.
          </p>
          <p>
            <strong>Their stored readings stay</strong> in the database{dbPath === undefined ? '' : ` (${dbPath})`}.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
