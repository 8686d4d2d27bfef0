import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import type { BrowsedNode, BrowseNode } from '../../../shared/api/types.js';
import { draftsFromNodes, type TagDraft } from '../forms/project-edits.js';
import { formatCount } from '../format/format.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import { type BrowseState, ROOT } from '../state/editor.js';
import { AddByAddress } from './AddByAddress.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';
import { OperationProgress } from './OperationProgress.js';
import { TagReviewDialog } from './TagReviewDialog.js';
import { VirtualRows } from './VirtualRows.js';

const ROW_HEIGHT = 30;

type TreeRow =
  | { kind: 'node'; ref: string; node: BrowseNode; depth: number; expanded: boolean }
  | { kind: 'loading' | 'empty'; parent: string; depth: number }
  | { kind: 'error'; parent: string; depth: number; error: ApiError };

/** The rows on screen: loaded nodes below expanded ones, or (filtering) every loaded match with its ancestors. */
function flatten(tree: BrowseState, needle: string): { rows: TreeRow[]; matches: string[] } {
  const rows: TreeRow[] = [];
  const matches: string[] = [];
  let keep: Set<string> | undefined;
  if (needle !== '') {
    keep = new Set();
    for (const [ref, node] of tree.nodes) {
      if (!node.name.toLowerCase().includes(needle) && !(node.address ?? '').toLowerCase().includes(needle)) continue;
      matches.push(ref);
      for (let at: string | undefined = ref; at !== undefined && at !== ROOT && !keep.has(at); at = tree.parents.get(at)) keep.add(at);
    }
  }
  const walk = (parent: string, depth: number) => {
    const list = tree.children.get(parent);
    if (list === undefined) return;
    if (keep === undefined) {
      if (list.status === 'loading' && list.refs.length === 0) rows.push({ kind: 'loading', parent, depth });
      if (list.status === 'error' && list.error !== undefined) rows.push({ kind: 'error', parent, depth, error: list.error });
      if (list.status === 'ready' && list.refs.length === 0 && parent !== ROOT) rows.push({ kind: 'empty', parent, depth });
    }
    for (const ref of list.refs) {
      const node = tree.nodes.get(ref);
      if (node === undefined || (keep !== undefined && !keep.has(ref))) continue;
      const expanded = keep !== undefined ? tree.children.has(ref) : tree.expanded.has(ref);
      rows.push({ kind: 'node', ref, node, depth, expanded });
      if (expanded) walk(ref, depth + 1);
    }
  };
  walk(ROOT, 0);
  return { rows, matches };
}

const kindLabel: Record<BrowseNode['kind'], string> = { folder: 'folder', object: 'object', point: 'point' };

function TreeNodeRow({ row, style, checked, focused }: { row: Extract<TreeRow, { kind: 'node' }>; style: { transform: string; height: number }; checked: boolean; focused: boolean }) {
  const editor = useSession().editor;
  const { node } = row;
  return (
    <div
      className={`tree-row${focused ? ' focused' : ''}${checked ? ' checked' : ''}`}
      style={style}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={node.hasChildren ? row.expanded : undefined}
      aria-selected={focused}
      data-testid="browse-node"
      data-ref={row.ref}
      data-kind={node.kind}
      tabIndex={0}
      onClick={() => editor.focusNode(row.ref)}
      onKeyDown={(event) => {
        // Tree keys: Enter shows the details, arrows open and close, Space ticks a point.
        if (event.target !== event.currentTarget) return;
        if (event.key === 'Enter') editor.focusNode(row.ref);
        else if (event.key === 'ArrowRight' && node.hasChildren && !row.expanded) editor.toggleExpanded(row.ref);
        else if (event.key === 'ArrowLeft' && row.expanded) editor.toggleExpanded(row.ref);
        else if (event.key === ' ' && node.address !== undefined) editor.toggleChecked([row.ref], !checked);
        else return;
        event.preventDefault();
      }}
    >
      <span className="tree-indent" style={{ width: row.depth * 20 }} />
      {node.hasChildren ? (
        <button
          type="button"
          className="tree-toggle"
          aria-label={row.expanded ? `Collapse ${node.name}` : `Expand ${node.name}`}
          data-testid="browse-node-toggle"
          onClick={(event) => {
            event.stopPropagation();
            editor.toggleExpanded(row.ref);
          }}
        >
          {row.expanded ? '▾' : '▸'}
        </button>
      ) : (
        <span className="tree-toggle-space" />
      )}
      {node.address !== undefined ? (
        <input
          type="checkbox"
          className="tree-check"
          aria-label={`Select ${node.name}`}
          data-testid="browse-node-checkbox"
          checked={checked}
          onClick={(event) => event.stopPropagation()}
          onChange={(event) => editor.toggleChecked([row.ref], event.target.checked)}
        />
      ) : (
        <span className="tree-check-space" />
      )}
      <span className={`kind kind-${node.kind}`}>{kindLabel[node.kind]}</span>
      <span className="tree-name">{node.name}</span>
      {node.suggestion?.unit !== undefined && node.suggestion.unit !== '' && <span className="tree-unit">{node.suggestion.unit}</span>}
      {node.address !== undefined && <code className="tree-address">{node.address}</code>}
    </div>
  );
}

function Details({ node, onRecursive, recursiveBusy }: { node: BrowseNode | undefined; onRecursive(ref: string): void; recursiveBusy: boolean }) {
  const editor = useSession().editor;
  const checked = useEditorStore('browse', (s) => (node === undefined ? false : s.checked.has(node.ref)));
  if (node === undefined) return <div className="browse-details empty-state muted">Click a node to see its attributes.</div>;
  const suggestion = node.suggestion;
  return (
    <div className="browse-details" data-testid="browse-details">
      <h3 className="details-title">{node.name}</h3>
      <dl className="details-list">
        <dt>Kind</dt>
        <dd>{kindLabel[node.kind]}</dd>
        <dt>Reference</dt>
        <dd>
          <code>{node.ref}</code>
        </dd>
        {node.address !== undefined && (
          <>
            <dt>Tag address</dt>
            <dd>
              <code>{node.address}</code>
            </dd>
          </>
        )}
        {suggestion !== undefined && (
          <>
            <dt>Suggested name</dt>
            <dd>{suggestion.name}</dd>
            {suggestion.unit !== undefined && (
              <>
                <dt>Unit</dt>
                <dd>{suggestion.unit === '' ? '(none)' : suggestion.unit}</dd>
              </>
            )}
            {(suggestion.low !== undefined || suggestion.high !== undefined) && (
              <>
                <dt>Range</dt>
                <dd>
                  {suggestion.low ?? '…'} … {suggestion.high ?? '…'} {suggestion.unit ?? ''}
                </dd>
              </>
            )}
            {suggestion.description !== undefined && (
              <>
                <dt>Description</dt>
                <dd>{suggestion.description}</dd>
              </>
            )}
          </>
        )}
        {Object.entries(node.attributes).map(([key, value]) => (
          <div key={key} className="details-attr">
            <dt>{key}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="details-actions">
        {node.address !== undefined && (
          <button type="button" className="button" onClick={() => editor.toggleChecked([node.ref], !checked)}>
            {checked ? 'Untick this point' : 'Tick this point'}
          </button>
        )}
        {node.hasChildren && (
          <button type="button" className="button" data-testid="browse-recursive" disabled={recursiveBusy} onClick={() => onRecursive(node.ref)}>
            Add folder recursively…
          </button>
        )}
      </div>
      {node.hasChildren && <p className="field-help">Browses everything below this node (up to 16 levels, 100,000 nodes) and lets you review the points found before adding them.</p>}
    </div>
  );
}

/** Points found by a recursive browse, as review rows; says when the browse stopped early. */
function recursiveNote(nodes: readonly BrowsedNode[], truncated: boolean, state: string): string {
  const points = nodes.filter((n) => n.address !== undefined).length;
  const parts = [`The browse found ${formatCount(nodes.length)} nodes, ${formatCount(points)} of them points with an address.`];
  if (state === 'cancelled') parts.push('It was cancelled: only what was found before the cancel is listed.');
  if (state === 'failed') parts.push('It failed midway: only what was found before the failure is listed.');
  if (truncated && state === 'done') parts.push('It stopped at its limit (16 levels or 100,000 nodes): browse deeper folders one by one for the rest.');
  return parts.join(' ');
}

/** A device's address space: lazy tree, filter over loaded nodes, ticks, review, recursive add. */
export function BrowsePanel({ deviceId, driverId }: { deviceId: string; driverId: string }) {
  const session = useSession();
  const editor = session.editor;
  const treeDevice = useEditorStore('browse', (s) => s.deviceId);
  const version = useEditorStore('browse', (s) => s.version);
  const focusedRef = useEditorStore('browse', (s) => s.focused);
  const tree = editor.browse.getState();
  const root = tree.deviceId === deviceId ? tree.children.get(ROOT) : undefined;
  const deviceState = useSessionStore('devices', (s) => s.devices.find((d) => d.deviceId === deviceId)?.state);
  const tags = useSessionStore('catalog', (s) => s.tags);
  const pollGroup = useEditorStore('project', (s) => s.project?.devices.find((d) => d.id === deviceId)?.pollGroups[0]?.id ?? '');
  const [filter, setFilter] = useState('');
  const needle = useDeferredValue(filter.trim().toLowerCase());
  const [review, setReview] = useState<{ drafts: TagDraft[]; note?: string; fromTicks: boolean }>();
  const [recursive, setRecursive] = useState<{ operationId?: string; error?: ApiError; opened: boolean }>();
  const [addressOpen, setAddressOpen] = useState(false);
  const operation = useEditorStore('operations', (s) => (recursive?.operationId === undefined ? undefined : s.byId.get(recursive.operationId)));
  // Known from the driver list without asking the device; undefined until the list is loaded.
  const canBrowse = useEditorStore('drivers', (s) => s.drivers.find((d) => d.id === driverId)?.capabilities.browse);

  useEffect(() => {
    if (canBrowse === true) editor.openBrowse(deviceId);
  }, [editor, deviceId, canBrowse]);

  // A device that was not connected when the panel opened: try again once it is.
  useEffect(() => {
    if (deviceState === 'connected' && root?.status === 'error' && root.error?.code === 'unavailable') editor.loadChildren(ROOT, true);
  }, [editor, deviceState, root?.status, root?.error?.code]);

  const { rows, matches } = useMemo(() => (treeDevice === deviceId ? flatten(editor.browse.getState(), needle) : { rows: [], matches: [] }), [editor, treeDevice, deviceId, needle, version]);
  const matchedPoints = matches.filter((ref) => tree.nodes.get(ref)?.address !== undefined);
  const checkedCount = tree.checked.size;
  const taken = useMemo(() => new Set(tags.map((t) => t.tagId)), [tags]);

  // When the recursive browse ends with a result, its points go to the review (once).
  useEffect(() => {
    if (recursive === undefined || recursive.opened || operation === undefined || operation.state === 'running') return;
    if (operation.result?.kind !== 'browse') return;
    const { nodes, truncated } = operation.result;
    setRecursive({ ...recursive, opened: true });
    if (nodes.some((n) => n.address !== undefined)) {
      setReview({ drafts: draftsFromNodes(nodes, taken, pollGroup), note: recursiveNote(nodes, truncated, operation.state), fromTicks: false });
    }
  }, [operation, recursive, taken, pollGroup]);

  async function startRecursive(ref: string) {
    setRecursive({ opened: false });
    const answer = await editor.startBrowse(deviceId, ref);
    setRecursive(answer.ok ? { operationId: answer.result.operationId, opened: false } : { error: answer.error, opened: true });
  }

  function reviewTicked() {
    const nodes = [...tree.checked].map((ref) => tree.nodes.get(ref)).filter((n): n is BrowseNode => n !== undefined);
    setReview({ drafts: draftsFromNodes(nodes, taken, pollGroup), fromTicks: true });
  }

  if (canBrowse === false || (root?.status === 'error' && root.error?.code === 'unsupported')) {
    return (
      <div className="browse-panel browse-unsupported" data-testid="browse-unsupported">
        <p className="info-note">
          <strong>This driver has no address space to browse — add tags by address.</strong>
        </p>
        <AddByAddress deviceId={deviceId} driverId={driverId} />
      </div>
    );
  }
  if (root === undefined || (root.status === 'loading' && root.refs.length === 0)) {
    return <div className="browse-panel empty-state">Reading the device’s address space…</div>;
  }
  if (root.status === 'error' && root.error !== undefined) {
    return (
      <div className="browse-panel">
        <ErrorNotice
          what="Could not browse the device"
          error={root.error}
          advice={
            root.error.code === 'unavailable'
              ? 'Browsing needs a live connection to the device. Check its state and last error above; the tree loads on its own once the device is connected.'
              : undefined
          }
        />
        <button type="button" className="button" onClick={() => editor.loadChildren(ROOT, true)}>
          Try again
        </button>
      </div>
    );
  }

  const focused = focusedRef === undefined ? undefined : tree.nodes.get(focusedRef);
  return (
    <div className="browse-panel">
      <div className="panel-toolbar">
        <input className="filter" type="search" placeholder="Find loaded nodes by name or address" aria-label="Find nodes" data-testid="browse-filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="panel-count">
          {formatCount(tree.nodes.size)} nodes loaded{needle !== '' && ` · ${formatCount(matches.length)} match`}
        </span>
        {needle !== '' && matchedPoints.length > 0 && (
          <button type="button" className="button" data-testid="tick-matches" onClick={() => editor.toggleChecked(matchedPoints, true)}>
            Tick {formatCount(matchedPoints.length)} matching point{matchedPoints.length === 1 ? '' : 's'}
          </button>
        )}
        <span className="panel-count">{formatCount(checkedCount)} ticked</span>
        <button type="button" className="button button-primary" data-testid="add-selected-tags" disabled={checkedCount === 0} onClick={reviewTicked}>
          Add selected as tags…
        </button>
        {checkedCount > 0 && (
          <button type="button" className="link-button" onClick={() => editor.clearChecked()}>
            untick all
          </button>
        )}
        <button type="button" className="button" data-testid="open-add-by-address" onClick={() => setAddressOpen(true)}>
          Add by address…
        </button>
        {/* Some address spaces grow while you look (MQTT: topics seen so far). */}
        <button type="button" className="button" data-testid="browse-reload" title="Read the top level again" onClick={() => editor.loadChildren(ROOT, true)}>
          Reload
        </button>
      </div>
      {recursive?.error !== undefined && <ErrorNotice what="Could not start the recursive browse" error={recursive.error} />}
      {recursive?.operationId !== undefined && (
        <div className="browse-operation">
          <OperationProgress operationId={recursive.operationId} unit="nodes" />
          {operation !== undefined && operation.state !== 'running' && operation.result?.kind === 'browse' && review === undefined && (
            <div className="muted">
              {recursiveNote(operation.result.nodes, operation.result.truncated, operation.state)}{' '}
              {operation.result.nodes.some((n) => n.address !== undefined) && (
                <button type="button" className="link-button" onClick={() => operation.result?.kind === 'browse' && setReview({ drafts: draftsFromNodes(operation.result.nodes, taken, pollGroup), note: recursiveNote(operation.result.nodes, operation.result.truncated, operation.state), fromTicks: false })}>
                  review them again
                </button>
              )}
            </div>
          )}
        </div>
      )}
      <div className="browse-body">
        <div className="browse-tree" role="tree" aria-label="Device address space" aria-multiselectable="true" data-testid="browse-tree">
          <VirtualRows
            count={rows.length}
            rowHeight={ROW_HEIGHT}
            rowKey={(index) => {
              const row = rows[index];
              return row === undefined ? index : row.kind === 'node' ? row.ref : `${row.kind}\u0000${row.parent}`;
            }}
            renderRow={(index, style) => {
              const row = rows[index];
              if (row === undefined) return null;
              if (row.kind === 'node') return <TreeNodeRow key={row.ref} row={row} style={style} checked={tree.checked.has(row.ref)} focused={row.ref === focusedRef} />;
              return (
                <div key={`${row.kind}\u0000${row.parent}`} className={`tree-row tree-${row.kind}`} style={style}>
                  <span className="tree-indent" style={{ width: row.depth * 20 + 28 }} />
                  {row.kind === 'loading' && 'Loading…'}
                  {row.kind === 'empty' && <span className="muted">(nothing below)</span>}
                  {row.kind === 'error' && (
                    <span className="tree-error" title={`${row.error.message} (${row.error.code})`}>
                      Could not browse: {row.error.message} ({row.error.code}){' '}
                      <button type="button" className="link-button" onClick={() => editor.loadChildren(row.parent, true)}>
                        try again
                      </button>
                    </span>
                  )}
                </div>
              );
            }}
            empty={<div className="empty-state">{needle !== '' ? `No loaded node matches “${filter}”. Expand more folders, or clear the search.` : 'Nothing to show yet. An MQTT broker’s tree fills with the topics seen since connecting: press Reload in a moment.'}</div>}
          />
        </div>
        <Details node={focused} onRecursive={(ref) => void startRecursive(ref)} recursiveBusy={operation?.state === 'running'} />
      </div>
      {review !== undefined && (
        <TagReviewDialog
          deviceId={deviceId}
          drafts={review.drafts}
          note={review.note}
          onClose={() => setReview(undefined)}
          onAdded={() => {
            if (review.fromTicks) editor.clearChecked();
          }}
        />
      )}
      {addressOpen && (
        <Modal title={`Add a tag to ${deviceId} by address`} size="large" onClose={() => setAddressOpen(false)}>
          <AddByAddress deviceId={deviceId} driverId={driverId} />
        </Modal>
      )}
    </div>
  );
}
