import { useMemo, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import { type Issue, issuesByTagRow, newTagIdProblem, type TagDraft, tagBlock } from '../forms/project-edits.js';
import { formatCount } from '../format/format.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import { pollGroupsOf } from '../state/editor.js';
import { savedNotice } from './edit-notices.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';
import { VirtualRows } from './VirtualRows.js';

interface Row extends TagDraft {
  include: boolean;
}

const ROW_HEIGHT = 40;

/** Local checks before the host sees the list: ids well formed and unique, names and addresses present. */
function localProblems(rows: readonly Row[], taken: ReadonlySet<string>): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    if (!row.include) return;
    const id = row.id.trim();
    const idProblem = newTagIdProblem(id, taken);
    if (idProblem !== undefined) problems.set(index, `id: ${idProblem}`);
    else if (seen.has(id)) problems.set(index, `id: "${id}" appears twice in this list`);
    else if (row.name.trim() === '') problems.set(index, 'name: required');
    else if (row.address.trim() === '') problems.set(index, 'address: required');
    seen.add(id);
  });
  return problems;
}

/** Review of tags about to be added: every field editable, then one addTags call. */
export function TagReviewDialog({ deviceId, drafts, note, onClose, onAdded }: { deviceId: string; drafts: readonly TagDraft[]; note?: string; onClose(): void; onAdded(): void }) {
  const session = useSession();
  const editor = session.editor;
  const tagIds = useSessionStore('catalog', (s) => s.tags);
  const taken = useMemo(() => new Set(tagIds.map((t) => t.tagId)), [tagIds]);
  const pollGroups = useEditorStore('project', (s) => pollGroupsOf(s, deviceId));
  const [rows, setRows] = useState<Row[]>(() => drafts.map((d) => ({ ...d, include: true })));
  const [problems, setProblems] = useState<Map<number, string>>(new Map());
  const [issues, setIssues] = useState<Issue[]>([]);
  const [failure, setFailure] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const [bulkGroup, setBulkGroup] = useState(pollGroups[0]?.id ?? '');
  const included = rows.filter((r) => r.include).length;

  const update = (index: number, patch: Partial<Row>) => {
    setRows((list) => list.map((r, i) => (i === index ? { ...r, ...patch } : r)));
    if (problems.has(index)) setProblems((p) => new Map([...p].filter(([i]) => i !== index)));
  };

  async function confirm() {
    setIssues([]);
    setFailure(undefined);
    const local = localProblems(rows, taken);
    setProblems(local);
    if (local.size > 0 || included === 0) return;
    const submitted = rows.map((row, index) => ({ row, index })).filter((entry) => entry.row.include);
    setSaving(true);
    const outcome = await editor.addTags(
      deviceId,
      submitted.map((entry) => tagBlock(entry.row)),
    );
    setSaving(false);
    if (outcome.kind === 'error') setFailure(outcome.error);
    else if (outcome.kind === 'issues') {
      const { rows: byRow, other } = issuesByTagRow(outcome.issues, outcome.deviceIndex, outcome.tagBase);
      const next = new Map<number, string>();
      const listed: Issue[] = [...other];
      for (const [position, list] of byRow) {
        const entry = submitted[position];
        if (entry === undefined) continue;
        next.set(entry.index, list.map((i) => `${i.path === '' ? 'tag' : i.path}: ${i.message}`).join('; '));
        for (const issue of list) listed.push({ path: `${entry.row.name} (${entry.row.id}).${issue.path}`, message: issue.message });
      }
      setProblems(next);
      setIssues(listed);
    } else {
      editor.navigation.getState().setNotice(`${formatCount(submitted.length)} tag${submitted.length === 1 ? '' : 's'} added to ${deviceId}. ${savedNotice(outcome.savedTo)}`);
      onAdded();
      onClose();
    }
  }

  return (
    <Modal
      title={`Review ${formatCount(rows.length)} tag${rows.length === 1 ? '' : 's'} for ${deviceId}`}
      size="large"
      onClose={onClose}
      testId="review-dialog"
      footer={
        <>
          <span className="muted foot-note">Stored readings of other tags are not touched. With any problem nothing is added.</span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button-primary" data-testid="confirm-add-tags" disabled={saving || included === 0} onClick={() => void confirm()}>
            {saving ? 'Adding…' : `Add ${formatCount(included)} tag${included === 1 ? '' : 's'}`}
          </button>
        </>
      }
    >
      {note !== undefined && <div className="info-note">{note}</div>}
      {failure !== undefined && <ErrorNotice what="Could not add the tags" error={failure} />}
      {(issues.length > 0 || problems.size > 0) && (
        <div className="issue-list" role="alert" data-testid="issue-list">
          <strong>
            {issues.length > 0 ? `The host refused the tags (${issues.length} problem${issues.length === 1 ? '' : 's'}).` : `${problems.size} row${problems.size === 1 ? '' : 's'} need fixing.`} Fix the rows marked in red, or untick them, then add again:
          </strong>
          <ul>
            {(issues.length > 0 ? issues : [...problems].map(([index, message]) => ({ path: `${rows[index]?.name ?? ''} (row ${index + 1})`, message }))).slice(0, 8).map((issue, i) => (
              <li key={i}>
                <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
            {Math.max(issues.length, problems.size) > 8 && <li>… and {Math.max(issues.length, problems.size) - 8} more (scroll the table)</li>}
          </ul>
        </div>
      )}
      <div className="review-toolbar">
        <span className="panel-count">
          {formatCount(included)} of {formatCount(rows.length)} ticked
        </span>
        <button type="button" className="button button-small" onClick={() => setRows((list) => list.map((r) => ({ ...r, include: true })))}>
          Tick all
        </button>
        <button type="button" className="button button-small" onClick={() => setRows((list) => list.map((r) => ({ ...r, include: false })))}>
          Untick all
        </button>
        <label>
          Poll group for all ticked:{' '}
          <select value={bulkGroup} onChange={(e) => setBulkGroup(e.target.value)}>
            {pollGroups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.id} ({formatCount(g.intervalMs)} ms)
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-small" onClick={() => setRows((list) => list.map((r) => (r.include ? { ...r, pollGroup: bulkGroup } : r)))}>
          Apply
        </button>
      </div>
      <div className="review-table" role="table" aria-label="Tags to add" data-testid="review-table">
        <div className="review-row review-head" role="row">
          <div role="columnheader">Add</div>
          <div role="columnheader">Tag id</div>
          <div role="columnheader">Name</div>
          <div role="columnheader">Unit</div>
          <div role="columnheader">Poll group</div>
          <div role="columnheader">Address</div>
          <div role="columnheader">Description</div>
        </div>
        <VirtualRows
          className="review-scroll"
          count={rows.length}
          rowHeight={ROW_HEIGHT}
          rowKey={(index) => index}
          renderRow={(index, style) => {
            const row = rows[index];
            if (row === undefined) return null;
            const problem = problems.get(index);
            return (
              <div key={index} className={`review-row${problem !== undefined ? ' has-error' : ''}${row.include ? '' : ' excluded'}`} role="row" style={style} data-testid="review-row" title={problem}>
                <div role="cell">
                  <input type="checkbox" aria-label={`Add ${row.name}`} checked={row.include} onChange={(e) => update(index, { include: e.target.checked })} />
                </div>
                <div role="cell">
                  <input className="mono" aria-label="Tag id" aria-invalid={problem?.startsWith('id') === true} value={row.id} onChange={(e) => update(index, { id: e.target.value })} />
                </div>
                <div role="cell">
                  <input aria-label="Name" value={row.name} onChange={(e) => update(index, { name: e.target.value })} />
                </div>
                <div role="cell">
                  <input aria-label="Unit" value={row.unit} placeholder="none" onChange={(e) => update(index, { unit: e.target.value })} />
                </div>
                <div role="cell">
                  <select aria-label="Poll group" value={row.pollGroup} onChange={(e) => update(index, { pollGroup: e.target.value })}>
                    {pollGroups.map((g) => (
                      <option key={g.id} value={g.id}>
                        {g.id} ({formatCount(g.intervalMs)} ms)
                      </option>
                    ))}
                  </select>
                </div>
                <div role="cell">
                  <input className="mono" aria-label="Address" aria-invalid={problem?.startsWith('address') === true} value={row.address} onChange={(e) => update(index, { address: e.target.value })} />
                </div>
                <div role="cell" className="review-desc">
                  {problem !== undefined ? (
                    <span className="field-error">{problem}</span>
                  ) : (
                    <input aria-label="Description" value={row.description} placeholder={row.range === undefined ? '' : `range ${row.range}`} onChange={(e) => update(index, { description: e.target.value })} />
                  )}
                </div>
              </div>
            );
          }}
          empty={<div className="empty-state">Nothing to add: the selection held no points with an address.</div>}
        />
      </div>
    </Modal>
  );
}
