import { useState } from 'react';
import type { ConnectionState, DeviceStatus } from '../../../shared/api/types.js';
import { savedNotice } from './edit-notices.js';
import { formatCount, formatDuration } from '../format/format.js';
import { useSession, useSessionStore } from '../session-context.js';
import { CertificateLink } from './DevicesView.js';
import { ErrorNotice } from './ErrorNotice.js';

const stateLabel: Record<ConnectionState, string> = {
  connected: 'connected',
  connecting: 'connecting',
  'backing-off': 'backing off',
  disabled: 'disabled',
  stopped: 'stopped',
};

function RetryCountdown({ retryAt }: { retryAt: number }) {
  const now = useSessionStore('clock', (s) => s.now);
  const wait = retryAt - now;
  return <>{wait > 0 ? `retry in ${formatDuration(wait)}` : 'retrying now'}</>;
}

function SinceLabel({ state, since }: { state: ConnectionState; since: number }) {
  const now = useSessionStore('clock', (s) => Math.floor(s.now / 1000) * 1000);
  return (
    <>
      {stateLabel[state]} for {formatDuration(now - since)}
    </>
  );
}

function DeviceRow({ device }: { device: DeviceStatus }) {
  const session = useSession();
  const filtering = useSessionStore('selection', (s) => s.deviceId === device.deviceId);
  const toggleFilter = () => session.selection.getState().filterDevice(device.deviceId);
  const [skewNotice, setSkewNotice] = useState<string>();
  return (
    <li
      className={`device-row state-${device.state}${filtering ? ' filtering' : ''}`}
      data-testid="device-row"
      data-device-id={device.deviceId}
      data-state={device.state}
      data-since={device.since}
      onClick={(event) => {
        // The whole card filters; links and buttons inside it keep their own action.
        if ((event.target as HTMLElement).closest('button, a') === null) toggleFilter();
      }}
    >
      <div className="device-head">
        <button type="button" className="device-name" data-testid="device-filter" aria-pressed={filtering} title={filtering ? 'Show all devices in the live table' : `Show only ${device.name}'s tags in the live table (${device.deviceId})`} onClick={toggleFilter}>
          {device.name}
        </button>
        <span className={`badge badge-${device.state}`} data-testid="device-state">
          {stateLabel[device.state]}
        </span>
      </div>
      <div className="device-endpoint" title={`driver ${device.driver}`}>
        <code>{device.endpoint}</code>
      </div>
      <div className="device-meta">
        <span>{formatCount(device.tagCount)} tags</span>
        <span data-testid="device-requests" className={device.failures > 0 ? 'has-failures' : undefined}>
          Requests: {formatCount(device.requests)} sent, {formatCount(device.failures)} failed
        </span>
        {/* While backing off, the one time figure is the supervisor's retryAt (below). */}
        {device.state !== 'backing-off' && (
          <span className="device-since">
            <SinceLabel state={device.state} since={device.since} />
          </span>
        )}
      </div>
      {device.details !== undefined && device.details.length > 0 && (
        <dl className="device-details" data-testid="device-details">
          {device.details.map((d) => (
            <div key={d.label}>
              <dt>{d.label}</dt>
              <dd>{d.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {device.state === 'backing-off' && (
        <div className="device-retry" data-testid="device-retry">
          {device.retryAt !== undefined ? <RetryCountdown retryAt={device.retryAt} /> : 'waiting to retry'}
          {device.attempts > 0 && ` · Connection attempts failed: ${formatCount(device.attempts)}`}
        </div>
      )}
      {device.clockSkew?.skewed === true && <ClockSkewWarning device={device} offsetMs={device.clockSkew.offsetMs} limitMs={device.clockSkew.limitMs} onDone={setSkewNotice} />}
      {skewNotice !== undefined && (
        <div className="device-skew-done" data-testid="device-clock-skew-done">
          {skewNotice}{' '}
          <button type="button" onClick={() => setSkewNotice(undefined)}>
            OK
          </button>
        </div>
      )}
      {device.lastError !== undefined && device.lastError !== '' && (
        <div className="device-error" data-testid="device-error">
          {device.lastError} <CertificateLink error={device.lastError} />
        </div>
      )}
    </li>
  );
}

/** The device clock runs away from ours: say by how much, and offer the receive time instead. */
function ClockSkewWarning({ device, offsetMs, limitMs, onDone }: { device: DeviceStatus; offsetMs: number; limitMs: number; onDone: (notice: string) => void }) {
  const session = useSession();
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const direction = offsetMs > 0 ? 'behind' : 'ahead of';
  const switchToReceive = async () => {
    setState({ busy: true });
    const outcome = await session.editor.useReceiveTime(device.deviceId);
    if (outcome.kind === 'applied') {
      // The device restarts and the warning goes with it, so the card keeps the result.
      const changed = outcome.changed ?? 0;
      onDone(`${formatCount(changed)} tag${changed === 1 ? '' : 's'} now take${changed === 1 ? 's' : ''} the receive time. ${savedNotice(outcome.savedTo)}`);
      setState({ busy: false });
    }
    else if (outcome.kind === 'error') setState({ busy: false, error: `${outcome.error.message}` });
    else setState({ busy: false, error: outcome.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
  };
  return (
    <div className="device-skew" role="alert" data-testid="device-clock-skew">
      <strong>Device clock {formatDuration(Math.abs(offsetMs))} {direction} the receive time</strong> (limit {formatDuration(limitMs)}). Its timestamps are off: set the device clock, or
      <button type="button" data-testid="use-receive-time" disabled={state.busy} onClick={() => void switchToReceive()}>
        use the receive time for its tags
      </button>
      {state.error !== undefined && <div className="device-skew-error">Not changed: {state.error}</div>}
    </div>
  );
}

export function DeviceList() {
  const devices = useSessionStore('devices', (s) => s.devices);
  const loaded = useSessionStore('devices', (s) => s.loaded);
  const error = useSessionStore('devices', (s) => s.error);
  const connected = devices.filter((d) => d.state === 'connected').length;
  return (
    <section className="panel device-panel" aria-labelledby="devices-title">
      <h2 id="devices-title" className="panel-title">
        Devices {loaded && <span className="panel-count">{connected}/{devices.length} connected</span>}
      </h2>
      {error !== undefined && <ErrorNotice what="Could not list devices" error={error} />}
      {!loaded && error === undefined && <p className="muted">Loading devices…</p>}
      {loaded && devices.length === 0 && (
        <div className="empty-state" data-testid="no-devices">
          <p>
            <strong>No devices in this project.</strong>
          </p>
          <p>
            Add one on the <strong>Devices &amp; tags</strong> screen (tab above), or write it into the project JSON file and restart the host with{' '}
            <code className="command">sensorvault gateway --project &lt;file&gt;</code>
          </p>
          <p>
            To try SensorVault against a simulated plant, run <code className="command">sensorvault demo</code>
          </p>
        </div>
      )}
      <ul className="device-list">
        {devices.map((device) => (
          <DeviceRow key={device.deviceId} device={device} />
        ))}
      </ul>
    </section>
  );
}
