import { type ReactNode, useMemo, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import type { DiscoveredDevice, DriverInfo } from '../../../shared/api/types.js';
import type { Device } from '../../../shared/project.js';
import { applyGroupDrafts, draftsFromGroups, fieldErrorsFromIssues, localDeviceErrors, type PollGroupDraft, tagsPerGroup } from '../forms/device-form.js';
import { deriveId, type Issue, issuesUnder } from '../forms/project-edits.js';
import { buildSettings, defaultValues, fieldsOf, type FormValue, leafFields, valuesFromSettings } from '../forms/schema-form.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import type { EditOutcome } from '../state/editor.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';
import { OperationProgress } from './OperationProgress.js';
import { SchemaForm } from './SchemaForm.js';

/*
 * The device form behind "Add device" and "Edit device": name, id, enabled, poll groups
 * and the driver's generated settings form. Saving goes through the host's validated
 * apply path; its issues come back onto the fields, and with any issue nothing changes.
 */

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

export interface DeviceFormProps {
  driver: DriverInfo;
  /** Add: a new device (id derived from the name, discovery offered). Edit: this device, id fixed, tags kept. */
  editing?: Device;
  /** Shown above the form (the driver picker when adding). */
  picker?: ReactNode;
  /** Sends the device block to the host. */
  save(device: Device): Promise<EditOutcome>;
  /** After the host applied it. */
  onSaved(device: Device, savedTo: string | null): void;
  onClose(): void;
}

export function DeviceForm({ driver, editing, picker, save: send, onSaved, onClose }: DeviceFormProps) {
  const session = useSession();
  const editor = session.editor;
  const existingIds = useSessionStore('devices', (s) => s.devices.map((d) => d.deviceId).join('\n'));
  const fields = useMemo(() => fieldsOf(driver.settingsSchema), [driver]);
  const leafKeys = useMemo(() => leafFields(fields).map((f) => f.key), [fields]);
  // Editing starts from the device's own settings; keys the form cannot show are named once.
  const initial = useMemo(() => (editing === undefined ? { values: defaultValues(fields), unknownKeys: [] } : valuesFromSettings(fields, editing.settings, defaultValues(fields))), [editing, fields]);
  const [values, setValues] = useState<Record<string, FormValue>>(initial.values);
  const [deviceId, setDeviceId] = useState(editing?.id ?? '');
  const [idTouched, setIdTouched] = useState(editing !== undefined);
  const [name, setName] = useState(editing?.name ?? '');
  const [enabled, setEnabled] = useState(editing?.enabled ?? true);
  const [groups, setGroups] = useState<PollGroupDraft[]>(() =>
    editing === undefined ? [{ id: 'fast', intervalMs: '1000' }] : draftsFromGroups(editing.pollGroups),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [issues, setIssues] = useState<Issue[]>([]);
  const [failure, setFailure] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const [discovery, setDiscovery] = useState<{ operationId?: string; error?: ApiError }>({});
  const [filledFrom, setFilledFrom] = useState<string>();
  const operation = useEditorStore('operations', (s) => (discovery.operationId === undefined ? undefined : s.byId.get(discovery.operationId)));
  const found: DiscoveredDevice[] = operation?.result?.kind === 'discover' ? operation.result.devices : [];
  const inUse = useMemo(() => tagsPerGroup(editing?.tags ?? []), [editing]);

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
    const local: Record<string, string> = { ...built.errors, ...localDeviceErrors(effectiveId, name, groups) };
    setErrors(local);
    if (Object.keys(local).length > 0) {
      focusFirstError(local);
      return;
    }
    setSaving(true);
    const { pollGroups, tags } = applyGroupDrafts(groups, editing?.tags ?? []);
    // Fields this form does not edit (profile instances, asset path) are kept as they were.
    const device: Device = { profiles: [], clockSkewLimitMs: 5000, ...editing, id: effectiveId, name: name.trim(), driver: driver.id, enabled, settings: built.settings, pollGroups, tags };
    const outcome = await send(device);
    setSaving(false);
    if (outcome.kind === 'error') setFailure(outcome.error);
    else if (outcome.kind === 'issues') {
      const { matched, other } = issuesUnder(outcome.issues, `devices[${outcome.deviceIndex}]`);
      const byField = fieldErrorsFromIssues(matched, leafKeys);
      setErrors(byField);
      focusFirstError(byField);
      setIssues([...matched.map((i) => ({ path: i.path === '' ? '(device)' : i.path, message: i.message })), ...other]);
    } else onSaved(device, outcome.savedTo);
  }

  const verb = editing === undefined ? 'add' : 'change';
  return (
    <Modal
      title={editing === undefined ? `Add device: ${driver.title}` : `Edit device: ${editing.name}`}
      size="large"
      onClose={onClose}
      testId={editing === undefined ? 'add-device-dialog' : 'edit-device-dialog'}
      footer={
        <>
          <span className="muted foot-note">
            Nothing changes until Save succeeds; with any problem the project stays as it is.{editing !== undefined && ' Saving restarts this device only.'}
          </span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button-primary" data-testid="save-device" disabled={saving} onClick={() => void save()}>
            {saving ? 'Saving…' : editing === undefined ? 'Save device' : 'Save changes'}
          </button>
        </>
      }
    >
      {picker}
      {failure !== undefined && <ErrorNotice what={`Could not ${verb} the device`} error={failure} />}
      {issues.length > 0 && (
        <div className="issue-list" role="alert" data-testid="issue-list">
          <strong>
            The host refused the {editing === undefined ? 'device' : 'change'} ({issues.length} problem{issues.length === 1 ? '' : 's'}). Fix the fields marked in red, then save again:
          </strong>
          <ul>
            {issues.map((issue) => (
              <li key={`${issue.path}\n${issue.message}`}>
                <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {initial.unknownKeys.length > 0 && (
        <div className="info-note">This form cannot show the settings {initial.unknownKeys.join(', ')}; saving leaves them out, and the driver uses its defaults for them.</div>
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
              readOnly={editing !== undefined}
              placeholder="derived from the name"
              onChange={(e) => {
                setIdTouched(true);
                setDeviceId(e.target.value);
              }}
            />
            <div className="field-help">
              {editing === undefined ? 'Never changes once readings are stored. 1-64 letters, digits, “.”, “_” or “-”; must be unique.' : 'Fixed: stored readings are filed under it.'}
            </div>
            {errors['device.id'] !== undefined && <div className="field-error">{errors['device.id']}</div>}
          </div>
        </div>
        <div className="form-row form-row-check">
          <label className="form-label" htmlFor="device-enabled">
            Enabled
          </label>
          <div className="form-control">
            <input id="device-enabled" data-testid="device-field-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            <div className="field-help">
              {editing === undefined ? 'Connect and acquire as soon as it is saved. Untick to add it switched off.' : 'Untick to disconnect and stop acquiring; the device and its tags stay in the project.'}
            </div>
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
              const used = group.originalId === undefined ? 0 : (inUse.get(group.originalId) ?? 0);
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
                    {used > 0 ? (
                      <span className="muted" data-testid={`poll-group-used-${index}`} title="Remove those tags (or add them again in another group) before removing the group">
                        used by {used} tag{used === 1 ? '' : 's'}
                      </span>
                    ) : (
                      groups.length > 1 && (
                        <button type="button" className="button button-small" data-testid={`remove-poll-group-${index}`} onClick={() => setGroups((list) => list.filter((_, i) => i !== index))}>
                          Remove
                        </button>
                      )
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
        <span className="muted"> 10 ms … 86,400,000 ms (24 h){editing !== undefined && '. A renamed group keeps its tags.'}</span>
      </section>
      <section className="form-section">
        <div className="section-head">
          <h3>{driver.title} settings</h3>
          {editing === undefined && driver.capabilities.discover && (
            <button type="button" className="button" data-testid="discover-devices" onClick={() => void discover()} disabled={operation?.state === 'running'}>
              Discover devices…
            </button>
          )}
        </div>
        {discovery.error !== undefined && <ErrorNotice what="Discovery did not start" error={discovery.error} />}
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
