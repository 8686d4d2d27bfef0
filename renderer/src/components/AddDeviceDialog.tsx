import { type ReactNode, useMemo, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import type { DiscoveredDevice, DriverInfo } from '../../../shared/api/types.js';
import { deriveId, fieldForPath, type Issue, issuesUnder, isValidId } from '../forms/project-edits.js';
import { buildSettings, defaultValues, fieldsOf, type FormValue, leafFields, valuesFromSettings } from '../forms/schema-form.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import { savedNotice } from './edit-notices.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';
import { OperationProgress } from './OperationProgress.js';
import { SchemaForm } from './SchemaForm.js';

/** Brings the first field the host (or the form) complained about into view. */
function focusFirstError(errors: Record<string, string>): void {
  const first = Object.keys(errors)[0];
  if (first === undefined) return;
  const id = first === 'device.id' ? 'device-id' : first === 'device.name' ? 'device-name' : `field-${first}`;
  requestAnimationFrame(() => {
    const element = document.getElementById(id) ?? document.querySelector<HTMLElement>(`[data-testid="poll-group-${first.endsWith('.id') ? 'id' : 'interval'}-${/\[(\d+)\]/.exec(first)?.[1] ?? '0'}"]`);
    element?.scrollIntoView({ block: 'center' });
    element?.focus();
  });
}

interface PollGroupDraft {
  id: string;
  intervalMs: string;
}

function DriverForm({ driver, picker, onClose }: { driver: DriverInfo; picker: ReactNode; onClose(): void }) {
  const session = useSession();
  const editor = session.editor;
  const existingIds = useSessionStore('devices', (s) => s.devices.map((d) => d.deviceId).join('\n'));
  const fields = useMemo(() => fieldsOf(driver.settingsSchema), [driver]);
  const leafKeys = useMemo(() => leafFields(fields).map((f) => f.key), [fields]);
  const [values, setValues] = useState<Record<string, FormValue>>(() => defaultValues(fields));
  const [deviceId, setDeviceId] = useState('');
  const [idTouched, setIdTouched] = useState(false);
  const [name, setName] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [groups, setGroups] = useState<PollGroupDraft[]>([{ id: 'fast', intervalMs: '1000' }]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [issues, setIssues] = useState<Issue[]>([]);
  const [failure, setFailure] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const [discovery, setDiscovery] = useState<{ operationId?: string; error?: ApiError }>({});
  const [filledFrom, setFilledFrom] = useState<string>();
  const operation = useEditorStore('operations', (s) => (discovery.operationId === undefined ? undefined : s.byId.get(discovery.operationId)));
  const found: DiscoveredDevice[] = operation?.result?.kind === 'discover' ? operation.result.devices : [];

  const taken = new Set(existingIds === '' ? [] : existingIds.split('\n'));
  const suggestedId = deriveId(name, taken, 'device', 'kebab');
  const effectiveId = idTouched ? deviceId : name === '' ? '' : suggestedId;

  const setValue = (key: string, value: FormValue) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors(({ [key]: _drop, ...rest }) => rest);
  };

  async function discover() {
    setDiscovery({});
    const { settings } = buildSettings(fields, values);
    const answer = await editor.startDiscovery(driver.id, settings);
    setDiscovery(answer.ok ? { operationId: answer.result.operationId } : { error: answer.error });
  }

  function useDiscovered(device: DiscoveredDevice) {
    const { values: next, unknownKeys } = valuesFromSettings(fields, device.settings, defaultValues(fields));
    setValues(next);
    setErrors({});
    if (name === '') setName(device.title);
    setFilledFrom(`${device.title}${unknownKeys.length > 0 ? ` (ignored settings this form does not know: ${unknownKeys.join(', ')})` : ''}`);
  }

  async function save() {
    setIssues([]);
    setFailure(undefined);
    const built = buildSettings(fields, values);
    const local: Record<string, string> = { ...built.errors };
    if (!isValidId(effectiveId)) local['device.id'] = 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';
    if (name.trim() === '') local['device.name'] = 'required';
    groups.forEach((g, i) => {
      if (!isValidId(g.id)) local[`pollGroups[${i}].id`] = 'use letters, digits, ".", "_" or "-"';
      const ms = Number(g.intervalMs);
      if (!Number.isInteger(ms) || ms <= 0) local[`pollGroups[${i}].intervalMs`] = 'enter a whole number of milliseconds';
    });
    setErrors(local);
    if (Object.keys(local).length > 0) {
      focusFirstError(local);
      return;
    }
    setSaving(true);
    const device = {
      id: effectiveId,
      name: name.trim(),
      driver: driver.id,
      enabled,
      settings: built.settings,
      pollGroups: groups.map((g) => ({ id: g.id, intervalMs: Number(g.intervalMs) })),
      tags: [],
    };
    const outcome = await editor.addDevice(device);
    setSaving(false);
    if (outcome.kind === 'error') setFailure(outcome.error);
    else if (outcome.kind === 'issues') {
      const { matched, other } = issuesUnder(outcome.issues, `devices[${outcome.deviceIndex}]`);
      const byField: Record<string, string> = {};
      for (const issue of matched) {
        if (issue.path.startsWith('settings.')) {
          const key = fieldForPath(issue.path.slice('settings.'.length), leafKeys);
          if (key !== undefined) byField[key] = issue.message;
        } else if (issue.path === 'id' || issue.path === 'name') byField[`device.${issue.path}`] = issue.message;
        else if (/^pollGroups\[\d+\]\.(id|intervalMs)$/.test(issue.path)) byField[issue.path] = issue.message;
      }
      setErrors(byField);
      focusFirstError(byField);
      setIssues([...matched.map((i) => ({ path: i.path === '' ? '(device)' : i.path, message: i.message })), ...other]);
    } else {
      editor.navigation.getState().selectDevice(device.id);
      editor.navigation.getState().setNotice(`Device "${device.name}" (${device.id}) added. ${savedNotice(outcome.savedTo)}`);
      onClose();
    }
  }

  return (
    <Modal
      title={`Add device: ${driver.title}`}
      size="large"
      onClose={onClose}
      testId="add-device-dialog"
      footer={
        <>
          <span className="muted foot-note">Nothing changes until Save succeeds; with any problem the project stays as it is.</span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button-primary" data-testid="save-device" disabled={saving} onClick={() => void save()}>
            {saving ? 'Saving…' : 'Save device'}
          </button>
        </>
      }
    >
      {picker}
      {failure !== undefined && <ErrorNotice what="Could not add the device" error={failure} />}
      {issues.length > 0 && (
        <div className="issue-list" role="alert" data-testid="issue-list">
          <strong>The host refused the device ({issues.length} problem{issues.length === 1 ? '' : 's'}). Fix the fields marked in red, then save again:</strong>
          <ul>
            {issues.map((issue) => (
              <li key={`${issue.path}\n${issue.message}`}>
                <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <section className="form-section">
        <h3>Device</h3>
        <div className={`form-row${errors['device.name'] !== undefined ? ' has-error' : ''}`}>
          <label className="form-label" htmlFor="device-name">
            Name<span className="required"> * required</span>
          </label>
          <div className="form-control">
            <input id="device-name" data-testid="device-field-name" type="text" value={name} onChange={(e) => setName(e.target.value)} />
            <div className="field-help">Shown in lists and trends, e.g. “Boiler house PLC”.</div>
            {errors['device.name'] !== undefined && <div className="field-error">{errors['device.name']}</div>}
          </div>
        </div>
        <div className={`form-row${errors['device.id'] !== undefined ? ' has-error' : ''}`}>
          <label className="form-label" htmlFor="device-id">
            Device id<span className="required"> * required</span>
          </label>
          <div className="form-control">
            <input
              id="device-id"
              data-testid="device-field-id"
              type="text"
              className="mono"
              spellCheck={false}
              value={effectiveId}
              placeholder="derived from the name"
              onChange={(e) => {
                setIdTouched(true);
                setDeviceId(e.target.value);
              }}
            />
            <div className="field-help">Never changes once readings are stored. 1-64 letters, digits, “.”, “_” or “-”; must be unique.</div>
            {errors['device.id'] !== undefined && <div className="field-error">{errors['device.id']}</div>}
          </div>
        </div>
        <div className="form-row form-row-check">
          <label className="form-label" htmlFor="device-enabled">
            Enabled
          </label>
          <div className="form-control">
            <input id="device-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            <div className="field-help">Connect and acquire as soon as it is saved. Untick to add it switched off.</div>
          </div>
        </div>
      </section>
      <section className="form-section">
        <h3>Poll groups</h3>
        <p className="field-help">Each tag belongs to one poll group; the group sets how often it is read. At least one group.</p>
        <table className="grid-table poll-groups">
          <thead>
            <tr>
              <th>Group id</th>
              <th>Interval (ms)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {groups.map((group, index) => {
              const idError = errors[`pollGroups[${index}].id`];
              const msError = errors[`pollGroups[${index}].intervalMs`];
              const update = (patch: Partial<PollGroupDraft>) => setGroups((list) => list.map((g, i) => (i === index ? { ...g, ...patch } : g)));
              return (
                <tr key={index}>
                  <td>
                    <input type="text" className="mono" aria-label={`Poll group ${index + 1} id`} data-testid={`poll-group-id-${index}`} aria-invalid={idError !== undefined} value={group.id} onChange={(e) => update({ id: e.target.value })} />
                    {idError !== undefined && <div className="field-error">{idError}</div>}
                  </td>
                  <td>
                    <input type="text" inputMode="numeric" aria-label={`Poll group ${index + 1} interval in ms`} data-testid={`poll-group-interval-${index}`} aria-invalid={msError !== undefined} value={group.intervalMs} onChange={(e) => update({ intervalMs: e.target.value })} />
                    <span className="unit-suffix">ms</span>
                    {msError !== undefined && <div className="field-error">{msError}</div>}
                  </td>
                  <td>
                    {groups.length > 1 && (
                      <button type="button" className="button button-small" onClick={() => setGroups((list) => list.filter((_, i) => i !== index))}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button type="button" className="button button-small" data-testid="add-poll-group" onClick={() => setGroups((list) => [...list, { id: `group${list.length + 1}`, intervalMs: '5000' }])}>
          + Add poll group
        </button>
        <span className="muted"> 10 ms … 86,400,000 ms (24 h)</span>
      </section>
      <section className="form-section">
        <div className="section-head">
          <h3>{driver.title} settings</h3>
          <button type="button" className="button" data-testid="discover-devices" onClick={() => void discover()} disabled={operation?.state === 'running'}>
            Discover devices…
          </button>
        </div>
        {discovery.error !== undefined &&
          (discovery.error.code === 'unsupported' ? (
            <div className="info-note" data-testid="discovery-unsupported">
              {driver.title} cannot search the network for devices. Enter the device’s address in the settings below.
            </div>
          ) : (
            <ErrorNotice what="Discovery did not start" error={discovery.error} />
          ))}
        {discovery.operationId !== undefined && <OperationProgress operationId={discovery.operationId} unit="devices found" />}
        {discovery.operationId !== undefined && operation !== undefined && operation.state !== 'running' && (
          <div className="discovery-results" data-testid="discovery-results">
            {found.length === 0 ? (
              <p className="muted">No device answered. Check that this computer is on the devices’ network (and subnet), then discover again.</p>
            ) : (
              <ul>
                {found.map((device, index) => (
                  <li key={index} data-testid="discovery-result">
                    <div>
                      <strong>{device.title}</strong> <span className="muted">{device.detail}</span>
                      {Object.keys(device.attributes).length > 0 && (
                        <div className="attributes-inline">
                          {Object.entries(device.attributes).map(([k, v]) => (
                            <span key={k}>
                              {k}: <code>{v}</code>
                            </span>
                          ))}
                        </div>
                      )}
                    </div>
                    <button type="button" className="button button-small" data-testid="use-discovered" onClick={() => useDiscovered(device)}>
                      Use these settings
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {filledFrom !== undefined && <div className="info-note">Settings filled from {filledFrom}. Review them before saving.</div>}
        <SchemaForm fields={fields} values={values} errors={errors} onChange={setValue} />
      </section>
    </Modal>
  );
}

/** "Add device": pick a driver, fill its generated settings form, poll groups, save through the host. */
export function AddDeviceDialog({ onClose }: { onClose(): void }) {
  const session = useSession();
  const drivers = useEditorStore('drivers', (s) => s.drivers);
  const loaded = useEditorStore('drivers', (s) => s.loaded);
  const error = useEditorStore('drivers', (s) => s.error);
  const [driverId, setDriverId] = useState('');
  const driver = drivers.find((d) => d.id === driverId) ?? (drivers.length === 1 ? drivers[0] : undefined);
  return (
    <>
      {driver === undefined ? (
        <Modal title="Add a device" onClose={onClose} size="large" testId="add-device-dialog">
          {error !== undefined && (
            <>
              <ErrorNotice what="Could not list the drivers" error={error} />
              <button type="button" className="button" onClick={() => void session.editor.loadDrivers()}>
                Try again
              </button>
            </>
          )}
          {!loaded && error === undefined && <p>Loading drivers…</p>}
          {loaded && <DriverPicker drivers={drivers} value={driverId} onChange={setDriverId} />}
        </Modal>
      ) : (
        <DriverForm key={driver.id} driver={driver} onClose={onClose} picker={<DriverPicker drivers={drivers} value={driver.id} onChange={setDriverId} />} />
      )}
    </>
  );
}

function DriverPicker({ drivers, value, onChange }: { drivers: readonly DriverInfo[]; value: string; onChange(id: string): void }) {
  return (
    <div className="form-row">
      <label className="form-label" htmlFor="driver-select">
        Driver<span className="required"> * required</span>
      </label>
      <div className="form-control">
        <select id="driver-select" data-testid="driver-select" value={value} onChange={(e) => onChange(e.target.value)}>
          {value === '' && <option value="">Choose the device’s protocol…</option>}
          {drivers.map((d) => (
            <option key={d.id} value={d.id}>
              {d.title} ({d.id})
            </option>
          ))}
        </select>
        <div className="field-help">The protocol the device speaks; the settings below follow from it (changing it clears them).</div>
      </div>
    </div>
  );
}
