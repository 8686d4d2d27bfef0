import { formatDuration } from '../format/format.js';
import { useSessionStore } from '../session-context.js';

export function ConnectionBanner() {
  const link = useSessionStore('system', (s) => s.link);
  const now = useSessionStore('clock', (s) => s.now);
  if (link.kind !== 'lost') return null;
  const wait = Math.max(0, link.retryAt - now);
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      <strong>Connection to SensorVault host lost — reconnecting</strong>
      <span>
        {wait > 0 ? `next attempt in ${formatDuration(wait)}` : 'trying now'} (attempt {link.attempts}; {link.reason}). Values below are frozen and
        may be stale. Check that the host process is still running.
      </span>
    </div>
  );
}
