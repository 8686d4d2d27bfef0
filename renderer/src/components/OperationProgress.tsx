import type { Operation } from '../../../shared/api/types.js';
import { formatCount, formatDuration } from '../format/format.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';

const stateLabel: Record<Operation['state'], string> = { running: 'running', done: 'done', cancelled: 'cancelled', failed: 'failed' };

/** Progress of one long operation (done count, total, message) with a Cancel button while it runs. */
export function OperationProgress({ operationId, unit }: { operationId: string; unit: string }) {
  const session = useSession();
  const operation = useEditorStore('operations', (s) => s.byId.get(operationId));
  const now = useSessionStore('clock', (s) => Math.floor(s.now / 1000) * 1000);
  if (operation === undefined) return <div className="operation-progress muted">Starting…</div>;
  const running = operation.state === 'running';
  const fraction = operation.total !== undefined && operation.total > 0 ? Math.min(1, operation.done / operation.total) : undefined;
  return (
    <div className={`operation-progress op-${operation.state}`} data-testid="operation-progress" data-state={operation.state} role="status">
      <div className="operation-line">
        <span className={`badge badge-op-${operation.state}`}>{stateLabel[operation.state]}</span>
        <strong>{operation.title}</strong>
        <span className="operation-count">
          {formatCount(operation.done)}
          {operation.total !== undefined && ` of ${formatCount(operation.total)}`} {unit}
        </span>
        {running && <span className="muted">running for {formatDuration(Math.max(0, now - operation.startedAt))}</span>}
        {running && (
          <button type="button" className="button" data-testid="cancel-operation" onClick={() => void session.editor.cancelOperation(operationId)}>
            Cancel
          </button>
        )}
      </div>
      <div className={`progress-bar${fraction === undefined && running ? ' indeterminate' : ''}`} aria-hidden="true">
        <div style={{ width: fraction === undefined ? (running ? '30%' : '100%') : `${Math.round(fraction * 100)}%` }} />
      </div>
      {operation.message !== undefined && <div className="operation-message">{operation.message}</div>}
      {operation.state === 'failed' && (
        <div className="operation-error">
          Failed: {operation.error ?? 'no reason given'}. Check the device status and its last error, then try again.
        </div>
      )}
      {operation.state === 'cancelled' && <div className="muted">Cancelled: what was found before the cancel is kept below.</div>}
    </div>
  );
}
