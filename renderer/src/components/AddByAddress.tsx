import { useMemo, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import { deriveId, type Issue, newTagIdProblem, singleTagIssues, tagBlock } from '../forms/project-edits.js';
import { formatCount } from '../format/format.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import { pollGroupsOf } from '../state/editor.js';
import { savedNotice } from './edit-notices.js';
import { ErrorNotice } from './ErrorNotice.js';

type Field = 'id' | 'name' | 'address' | 'unit' | 'pollGroup' | 'description';

/** One tag typed by address (drivers without an address space, or a point the browse does not show). */
export function AddByAddress({ deviceId, driverId }: { deviceId: string; driverId: string }) {
  const session = useSession();
  const editor = session.editor;
  const syntax = useEditorStore('drivers', (s) => s.drivers.find((d) => d.id === driverId)?.addressSyntax);
  const pollGroups = useEditorStore('project', (s) => pollGroupsOf(s, deviceId));
  const tags = useSessionStore('catalog', (s) => s.tags);
  const taken = useMemo(() => new Set(tags.map((t) => t.tagId)), [tags]);
  const [draft, setDraft] = useState<Record<Field, string>>({ id: '', name: '', address: '', unit: '', pollGroup: '', description: '' });
  const [idTouched, setIdTouched] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [other, setOther] = useState<Issue[]>([]);
  const [failure, setFailure] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const [added, setAdded] = useState<string>();
  const id = idTouched ? draft.id : draft.name === '' ? '' : deriveId(draft.name, taken);
  const pollGroup = draft.pollGroup === '' ? (pollGroups[0]?.id ?? '') : draft.pollGroup;

  const set = (field: Field, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors(({ [field]: _drop, ...rest }) => rest);
    setAdded(undefined);
  };

  async function add() {
    setOther([]);
    setFailure(undefined);
    const local: Partial<Record<Field, string>> = {};
    const idProblem = newTagIdProblem(id, taken);
    if (idProblem !== undefined) local.id = idProblem;
    if (draft.name.trim() === '') local.name = 'required';
    if (draft.address.trim() === '') local.address = 'required';
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setSaving(true);
    const outcome = await editor.addTags(deviceId, [tagBlock({ ...draft, id, pollGroup })]);
    setSaving(false);
    if (outcome.kind === 'error') setFailure(outcome.error);
    else if (outcome.kind === 'issues') {
      const { byField, other: unmatched } = singleTagIssues(outcome.issues, outcome.deviceIndex, outcome.tagBase, Object.keys(draft) as Field[]);
      setErrors(byField);
      setOther(unmatched);
    } else {
      setAdded(`Tag "${draft.name}" (${id}) added. ${savedNotice(outcome.savedTo)} Type the next one, or see it in the tag list below.`);
      // Clear only what was submitted: anything typed while the host answered stays.
      const sent = draft;
      setDraft((d) => ({
        ...d,
        id: d.id === sent.id ? '' : d.id,
        name: d.name === sent.name ? '' : d.name,
        address: d.address === sent.address ? '' : d.address,
        description: d.description === sent.description ? '' : d.description,
      }));
      setIdTouched(false);
    }
  }

  const input = (field: Field, label: string, props: { mono?: boolean; placeholder?: string; value?: string; onChange?: (v: string) => void; required?: boolean } = {}) => (
    <label className={`inline-field${errors[field] !== undefined ? ' has-error' : ''}`}>
      <span>
        {label}
        {props.required === true && <span className="required"> *</span>}
      </span>
      <input
        type="text"
        className={props.mono === true ? 'mono' : undefined}
        spellCheck={false}
        data-testid={`address-field-${field}`}
        aria-invalid={errors[field] !== undefined}
        placeholder={props.placeholder}
        value={props.value ?? draft[field]}
        onChange={(e) => (props.onChange ?? ((v: string) => set(field, v)))(e.target.value)}
      />
      {errors[field] !== undefined && <span className="field-error">{errors[field]}</span>}
    </label>
  );

  return (
    <form
      className="add-by-address"
      data-testid="add-by-address"
      onSubmit={(event) => {
        event.preventDefault();
        void add();
      }}
    >
      <div className="address-syntax">
        Address syntax: <code data-testid="address-syntax">{syntax ?? '(loading…)'}</code>
      </div>
      <div className="inline-fields">
        {input('name', 'Name', { required: true, placeholder: 'e.g. Supply temp.' })}
        {input('id', 'Tag id', {
          required: true,
          mono: true,
          placeholder: 'from the name',
          value: id,
          onChange: (v) => {
            setIdTouched(true);
            set('id', v);
          },
        })}
        {input('address', 'Address', { required: true, mono: true, placeholder: 'hr:100:float32' })}
        {input('unit', 'Unit', { placeholder: '°C, bar, m³/h…' })}
        <label className="inline-field">
          <span>Poll group</span>
          <select data-testid="address-field-pollGroup" value={pollGroup} onChange={(e) => set('pollGroup', e.target.value)}>
            {pollGroups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.id} ({formatCount(g.intervalMs)} ms)
              </option>
            ))}
          </select>
          {errors.pollGroup !== undefined && <span className="field-error">{errors.pollGroup}</span>}
        </label>
        <button type="submit" className="button button-primary" data-testid="add-tag-by-address" disabled={saving}>
          {saving ? 'Adding…' : 'Add tag'}
        </button>
      </div>
      {failure !== undefined && <ErrorNotice what="Could not add the tag" error={failure} />}
      {other.length > 0 && (
        <div className="issue-list" role="alert" data-testid="issue-list">
          <ul>
            {other.map((issue) => (
              <li key={`${issue.path}\n${issue.message}`}>
                <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {added !== undefined && (
        <div className="success-note" role="status" data-testid="tag-added">
          {added}
        </div>
      )}
    </form>
  );
}
