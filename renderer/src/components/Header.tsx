import { formatBytes, formatCount, formatDuration } from '../format/format.js';
import { isTimeZoneChoice, machineTimeZone } from '../format/time.js';
import { useTimeFormats } from '../format/use-time-format.js';
import { useSession, useSessionStore } from '../session-context.js';
import { ErrorNotice } from './ErrorNotice.js';

function StoreStatsView() {
  const stats = useSessionStore('system', (s) => s.stats);
  const statsError = useSessionStore('system', (s) => s.statsError);
  const now = useSessionStore('clock', (s) => s.now);
  if (stats === undefined) {
    return (
      <div className="store-stats" data-testid="store-stats">
        {statsError !== undefined ? `store stats unavailable (${statsError.code}): ${statsError.message}` : 'store stats: loading…'}
      </div>
    );
  }
  const lastCommit = stats.lastCommitAt === undefined ? 'no commit yet' : `${formatDuration(now - stats.lastCommitAt)} ago`;
  return (
    <dl className="store-stats" data-testid="store-stats" title={statsError !== undefined ? `last refresh failed: ${statsError.message}` : undefined}>
      <div>
        <dt>Readings stored</dt>
        <dd data-testid="readings-committed">{formatCount(stats.readingsCommitted)}</dd>
      </div>
      <div>
        <dt>Last commit</dt>
        <dd>{lastCommit}</dd>
      </div>
      <div>
        <dt>Pending</dt>
        <dd>{formatCount(stats.pendingReadings)}</dd>
      </div>
      <div>
        <dt>Database size</dt>
        <dd>{formatBytes(stats.bytesUsed)}</dd>
      </div>
      {stats.prunedReadings > 0 && (
        <div>
          <dt>Pruned (retention)</dt>
          <dd>{formatCount(stats.prunedReadings)}</dd>
        </div>
      )}
    </dl>
  );
}

/** One time zone for every timestamp on screen; the other one is on hover. */
function TimeZoneSetting() {
  const session = useSession();
  const choice = useSessionStore('settings', (s) => s.timeZone);
  const now = useSessionStore('clock', (s) => s.now);
  const { shown, other } = useTimeFormats();
  const machine = machineTimeZone();
  const localLabel = choice === 'local' ? shown.label(now) : other.label(now);
  return (
    <label className="time-zone-setting" title={`Every time on screen is shown in this zone; hover a time for ${other.zone === 'UTC' ? 'UTC' : `${other.zone} (${other.label(now)})`}. Saved in this browser.`}>
      <span>Time zone</span>
      <select
        data-testid="time-zone-setting"
        value={choice}
        onChange={(event) => {
          if (isTimeZoneChoice(event.target.value)) session.settings.getState().setTimeZone(event.target.value);
        }}
      >
        <option value="local">This computer ({machine === 'UTC' ? 'UTC' : `${machine}, ${localLabel}`})</option>
        <option value="utc">UTC</option>
      </select>
    </label>
  );
}

export function Header() {
  const session = useSession();
  const info = useSessionStore('system', (s) => s.info);
  const infoError = useSessionStore('system', (s) => s.infoError);
  const hostLabel = (info?.host ?? session.kind) === 'electron' ? 'Desktop app' : 'Gateway (browser)';
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">SensorVault</span>
        <span className="host-kind">{hostLabel}</span>
      </div>
      <div className="project">
        <div className="project-name" data-testid="project-name">
          {info?.projectName ?? (infoError === undefined ? 'loading project…' : 'project unknown')}
        </div>
        {info !== undefined && (
          <div className="db-path" title="Where readings are stored (SQLite)">
            DB: <code>{info.dbPath}</code> · v{info.version}
          </div>
        )}
        {infoError !== undefined && <ErrorNotice what="Could not read system info" error={infoError} />}
      </div>
      <TimeZoneSetting />
      <StoreStatsView />
    </header>
  );
}
