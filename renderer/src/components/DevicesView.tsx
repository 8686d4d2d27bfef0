import { useEffect, useMemo, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import type { DeviceStatus } from '../../../shared/api/types.js';
import { mentionsUntrustedCertificate } from '../forms/project-edits.js';
import { formatCount } from '../format/format.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import { AddDeviceDialog } from './AddDeviceDialog.js';
import { BrowsePanel } from './BrowsePanel.js';
import { DeviceTags } from './DeviceTags.js';
import { EditDeviceDialog } from './EditDeviceDialog.js';
import { savedNotice } from './edit-notices.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ConfirmDialog } from './Modal.js';
import { RegisterAssistantButton } from './RegisterAssistant.js';

/** A link to the certificates screen, for errors that name an untrusted server certificate. */
export function CertificateLink({ error }: { error: string | undefined }) {
  const session = useSession();
  if (!mentionsUntrustedCertificate(error)) return null;
  return (
    <button type="button" className="link-button cert-link" data-testid="certificate-link" onClick={() => session.editor.navigation.getState().setTab('certificates')}>
      Review the server certificate in Certificates →
    </button>
  );
}

function DeviceDetail({ device }: { device: DeviceStatus }) {
  const session = useSession();
  const dbPath = useSessionStore('system', (s) => s.info?.dbPath);
  const driver = useEditorStore('drivers', (s) => s.drivers.find((d) => d.id === device.driver));
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError>();

  async function remove() {
    setBusy(true);
    const outcome = await session.editor.removeDevice(device.deviceId);
    setBusy(false);
    setConfirming(false);
    if (outcome.kind === 'error') setFailure(outcome.error);
    else if (outcome.kind === 'issues') setFailure({ code: 'project-invalid', message: outcome.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
    else {
      session.editor.navigation.getState().selectDevice(undefined);
      session.editor.navigation.getState().setNotice(`Device "${device.name}" removed with its ${formatCount(device.tagCount)} tags; their stored readings stay. ${savedNotice(outcome.savedTo)}`);
    }
  }

  return (
    <div className="device-detail" data-testid="device-detail" data-device-id={device.deviceId}>
      <div className="device-detail-head">
        <div className="device-detail-title">
          <h2>{device.name}</h2>
          <span className={`badge badge-${device.state}`}>{device.state.replace('-', ' ')}</span>
          <code className="muted">{device.deviceId}</code>
          <code className="muted">{device.endpoint}</code>
        </div>
        <div className="device-detail-actions">
          <RegisterAssistantButton device={device} />
          <button type="button" className="button" data-testid="edit-device" onClick={() => setEditing(true)}>
            Edit device…
          </button>
          <button type="button" className="button button-danger" data-testid="remove-device" onClick={() => setConfirming(true)}>
            Remove device…
          </button>
        </div>
      </div>
      {device.lastError !== undefined && device.lastError !== '' && (
        <div className="device-error detail-error">
          Last error: {device.lastError} <CertificateLink error={device.lastError} />
        </div>
      )}
      {failure !== undefined && <ErrorNotice what="Could not remove the device" error={failure} />}
      <section className="panel add-tags-panel" aria-label="Add tags">
        <h3 className="panel-title section-title">Add tags</h3>
        <BrowsePanel key={device.deviceId} deviceId={device.deviceId} driverId={device.driver} />
      </section>
      <DeviceTags deviceId={device.deviceId} deviceName={device.name} canBrowse={driver?.capabilities.browse === true} />
      {editing && <EditDeviceDialog deviceId={device.deviceId} onClose={() => setEditing(false)} />}
      {confirming && (
        <ConfirmDialog
          title={`Remove device “${device.name}”?`}
          confirmLabel="Remove device and its tags"
          danger
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void remove()}
          testId="confirm-remove-device"
        >
          <p>
            SensorVault disconnects from <code>{device.endpoint}</code> and removes the device and its {formatCount(device.tagCount)} tags from the project.
          </p>
          <p>
            <strong>Stored readings stay</strong> in the database{dbPath === undefined ? '' : ` (${dbPath})`}.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** "Devices & tags": add and remove devices, browse them, add and remove tags. */
export function DevicesView() {
  const session = useSession();
  const editor = session.editor;
  const devices = useSessionStore('devices', (s) => s.devices);
  const loaded = useSessionStore('devices', (s) => s.loaded);
  const info = useSessionStore('system', (s) => s.info);
  const selectedId = useEditorStore('navigation', (s) => s.deviceId);
  const notice = useEditorStore('navigation', (s) => s.notice);
  const projectError = useEditorStore('project', (s) => s.error);
  const projectOrder = useEditorStore('project', (s) => s.project?.devices.map((d) => d.id).join('\n') ?? '');
  const [adding, setAdding] = useState(false);
  // The host lists restarted devices last; the project's order does not move under the engineer's pointer.
  const ordered = useMemo(() => {
    const rank = new Map(projectOrder.split('\n').map((id, index) => [id, index]));
    return [...devices].sort((a, b) => (rank.get(a.deviceId) ?? Infinity) - (rank.get(b.deviceId) ?? Infinity));
  }, [devices, projectOrder]);
  const selected = ordered.find((d) => d.deviceId === selectedId) ?? ordered[0];

  useEffect(() => {
    void editor.loadDrivers();
    void editor.loadProject();
  }, [editor]);

  // Pin the shown device, so a list that changes order or length never swaps it silently.
  useEffect(() => {
    if (projectOrder === '' || selected === undefined || selected.deviceId === selectedId) return;
    // A device just added is in the project before the status list has it: keep it selected.
    if (selectedId !== undefined && projectOrder.split('\n').includes(selectedId)) return;
    editor.navigation.getState().selectDevice(selected.deviceId);
  }, [editor, selected, selectedId, projectOrder]);

  return (
    <main className="devices-view">
      <section className="panel device-picker" aria-labelledby="picker-title">
        <div className="panel-toolbar">
          <h2 id="picker-title" className="panel-title">
            Devices {loaded && <span className="panel-count">{formatCount(devices.length)}</span>}
          </h2>
          <button type="button" className="button button-primary" data-testid="add-device-button" onClick={() => setAdding(true)}>
            + Add device
          </button>
        </div>
        {info?.projectPath === null && (
          <div className="memory-note" data-testid="memory-only">
            Edits live in memory only: this host runs without a project file, so they are lost when it stops.
          </div>
        )}
        {info?.projectPath !== undefined && info.projectPath !== null && (
          <div className="muted picker-path" title={info.projectPath}>
            Edits are saved to <code>{info.projectPath}</code>
          </div>
        )}
        {projectError !== undefined && <ErrorNotice what="Could not read the project" error={projectError} />}
        <ul className="picker-list" role="listbox" aria-label="Devices">
          {ordered.map((device) => (
            <li key={device.deviceId}>
              <button
                type="button"
                role="option"
                aria-selected={device.deviceId === selected?.deviceId}
                className={`picker-item state-${device.state}${device.deviceId === selected?.deviceId ? ' active' : ''}`}
                data-testid="picker-device"
                data-device-id={device.deviceId}
                onClick={() => editor.navigation.getState().selectDevice(device.deviceId)}
              >
                <span className="picker-name">{device.name}</span>
                <span className="picker-meta">
                  <span className={`badge badge-${device.state}`}>{device.state.replace('-', ' ')}</span> {device.driver} · {formatCount(device.tagCount)} tags
                </span>
              </button>
            </li>
          ))}
        </ul>
        {loaded && devices.length === 0 && <div className="empty-state">No devices yet. Use “Add device” to add the first one.</div>}
      </section>
      <div className="devices-work">
        {notice !== undefined && (
          <div className="success-note" role="status" data-testid="edit-notice">
            {notice}
            <button type="button" className="link-button" onClick={() => editor.navigation.getState().setNotice(undefined)}>
              dismiss
            </button>
          </div>
        )}
        {selected !== undefined ? <DeviceDetail key={selected.deviceId} device={selected} /> : <div className="panel empty-state">Select a device on the left, or add one.</div>}
      </div>
      {adding && <AddDeviceDialog onClose={() => setAdding(false)} />}
    </main>
  );
}
