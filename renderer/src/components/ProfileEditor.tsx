import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import type { ProfileEntry } from '../../../shared/api/types.js';
import { normalizeUnit, unitSymbol } from '../../../shared/mapping/units.js';
import { type Profile, ProfileSchema, TAG_DATA_TYPES, formatPath } from '../../../shared/project.js';
import { formatCount } from '../format/format.js';
import { useMapping, useSession } from '../session-context.js';
import type { EditOutcome } from '../state/editor.js';
import { parseScaling, scalingText } from '../state/mapping-logic.js';
import { ErrorNotice } from './ErrorNotice.js';
import { mappingAdvice } from './MappingCsv.js';

interface PointDraft {
  id: string;
  name: string;
  address: string;
  dataType: string;
  unit: string;
  scaling: string;
  /** The rest of the point (deadband, quality, ...), kept as it was. */
  rest: Record<string, unknown>;
}

interface ParamDraft {
  name: string;
  description: string;
  default: string;
}

interface Draft {
  isNew: boolean;
  id: string;
  name: string;
  vendor: string;
  model: string;
  description: string;
  document: string;
  url: string;
  revision: string;
  drivers: string;
  version: number;
  parameters: ParamDraft[];
  points: PointDraft[];
}

function draftOf(profile: Profile, isNew = false): Draft {
  return {
    isNew,
    id: profile.id,
    name: profile.name,
    vendor: profile.vendor,
    model: profile.model,
    description: profile.description,
    document: profile.source.document,
    url: profile.source.url ?? '',
    revision: profile.source.revision ?? '',
    drivers: profile.drivers.join(', '),
    version: profile.version,
    parameters: profile.parameters.map((p) => ({ name: p.name, description: p.description, default: p.default === undefined ? '' : String(p.default) })),
    points: profile.points.map(({ id, name, address, dataType, unit, scaling, ...rest }) => ({ id, name, address, dataType: dataType ?? '', unit: unitSymbol(unit), scaling: scalingText(scaling), rest })),
  };
}

const BLANK: Profile = ProfileSchema.parse({
  id: 'new-profile',
  name: 'New profile',
  vendor: 'Vendor',
  model: 'Model',
  source: { document: 'Register map document (title, revision)' },
  drivers: ['modbus-tcp'],
  parameters: [{ name: 'offset', description: 'Register offset of this unit', default: 0 }],
  points: [{ id: 'value', name: 'Value', address: 'hr:{offset+0}:float32', unit: '' }],
});

type FieldKey = 'id' | 'name' | 'vendor' | 'model' | 'document' | 'revision' | 'url' | 'drivers';
/** Where the profile schema reports each top field's errors. */
const FIELD_PATH: Record<FieldKey, string> = { id: 'id', name: 'name', vendor: 'vendor', model: 'model', document: 'source.document', revision: 'source.revision', url: 'source.url', drivers: 'drivers' };
const POINT_FIELDS = ['id', 'name', 'address', 'dataType', 'unit', 'scaling'] as const;
const PARAM_FIELDS = ['name', 'description', 'default'] as const;

/** The errors no field of the form shows next to itself (e.g. `points[2].deadband.value`, `points`). */
function unplacedErrors(errors: ReadonlyMap<string, string>, points: number, parameters: number): [string, string][] {
  const placed = [
    ...Object.values(FIELD_PATH),
    ...Array.from({ length: points }, (_, i) => POINT_FIELDS.map((f) => `points[${i}].${f}`)).flat(),
    ...Array.from({ length: parameters }, (_, i) => PARAM_FIELDS.map((f) => `parameters[${i}].${f}`)).flat(),
  ];
  return [...errors].filter(([k]) => !placed.some((p) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`)));
}

function unitTitle(text: string): string | undefined {
  const parsed = normalizeUnit(text);
  if (!parsed.ok || parsed.code === '') return undefined;
  return `UCUM code ${parsed.code}`;
}

type Built = { ok: true; profile: Profile; changedVersion: boolean } | { ok: false; errors: Map<string, string> };

/** The draft as a profile, checked with the project's profile schema; errors keyed `points[3].address`. */
function build(draft: Draft, previous: Profile | undefined): Built {
  const errors = new Map<string, string>();
  const points = draft.points.map((p, i) => {
    const scaling = parseScaling(p.scaling);
    if (!scaling.ok) errors.set(`points[${i}].scaling`, scaling.message);
    return { ...p.rest, id: p.id.trim(), name: p.name.trim(), address: p.address.trim(), unit: p.unit.trim(), ...(p.dataType === '' ? {} : { dataType: p.dataType }), scaling: scaling.ok ? scaling.value : { kind: 'none' } };
  });
  const parameters = draft.parameters.map((p) => {
    const text = p.default.trim();
    const number = Number(text);
    return { name: p.name.trim(), description: p.description, ...(text === '' ? {} : { default: text !== '' && Number.isFinite(number) ? number : text }) };
  });
  const candidate = {
    id: draft.id.trim(),
    name: draft.name.trim(),
    vendor: draft.vendor.trim(),
    model: draft.model.trim(),
    description: draft.description,
    source: { document: draft.document.trim(), ...(draft.url.trim() === '' ? {} : { url: draft.url.trim() }), ...(draft.revision.trim() === '' ? {} : { revision: draft.revision.trim() }) },
    drivers: draft.drivers.split(',').map((d) => d.trim()).filter((d) => d !== ''),
    version: draft.version,
    parameters,
    points,
  };
  const parsed = ProfileSchema.safeParse(candidate);
  if (!parsed.success) for (const issue of parsed.error.issues) if (!errors.has(formatPath(issue.path))) errors.set(formatPath(issue.path), issue.message);
  const ids = new Set<string>();
  points.forEach((p, i) => {
    if (ids.has(p.id)) errors.set(`points[${i}].id`, `duplicate point id "${p.id}"`);
    ids.add(p.id);
  });
  if (errors.size > 0 || !parsed.success) return { ok: false, errors };
  // A changed point list is a new revision of the profile (instances record the one they came from).
  const changedVersion = previous !== undefined && JSON.stringify({ ...previous, version: 0 }) !== JSON.stringify({ ...parsed.data, version: 0 });
  return { ok: true, profile: changedVersion ? { ...parsed.data, version: parsed.data.version + 1 } : parsed.data, changedVersion };
}

function outcomeText(outcome: EditOutcome): { error?: ApiError; issues?: string[] } {
  if (outcome.kind === 'error') return { error: outcome.error };
  if (outcome.kind === 'issues') return { issues: outcome.issues.map((i) => `${i.path}: ${i.message}`) };
  return {};
}

/** The profile library and one profile's points and parameters, with save and apply-to-device. */
export function ProfileEditor() {
  const session = useSession();
  const project = useMapping((s) => s.project);
  const [entries, setEntries] = useState<readonly ProfileEntry[]>();
  const [listError, setListError] = useState<ApiError>();
  const [selectedId, setSelectedId] = useState<string>();
  const [draft, setDraft] = useState<Draft>();

  const load = useCallback(async () => {
    const answer = await session.editor.listProfiles();
    if (answer.ok) {
      setEntries(answer.result);
      setListError(undefined);
    } else setListError(answer.error);
  }, [session]);
  useEffect(() => {
    void load();
  }, [load]);

  // While the host cannot list the library, the project's own profiles are still shown (counted here).
  const shown: readonly ProfileEntry[] = useMemo(() => {
    if (entries !== undefined) return entries;
    return (project?.profiles ?? []).map((profile) => ({ profile, source: 'project' as const, instances: (project?.devices ?? []).filter((d) => d.profiles.some((i) => i.profile === profile.id)).length }));
  }, [entries, project]);
  const selected = shown.find((e) => e.profile.id === selectedId);

  const open = (entry: ProfileEntry) => {
    setSelectedId(entry.profile.id);
    setDraft(draftOf(entry.profile));
  };

  return (
    <div className="profile-editor" data-testid="profile-editor">
      <section className="panel profile-list" aria-labelledby="profile-list-title">
        <div className="panel-toolbar">
          <h2 id="profile-list-title" className="panel-title">
            Profiles <span className="panel-count">{formatCount(shown.length)}</span>
          </h2>
          <button type="button" className="button button-small" data-testid="new-profile" onClick={() => { setSelectedId(undefined); setDraft(draftOf(BLANK, true)); }}>
            New profile
          </button>
        </div>
        {listError !== undefined && (
          <ErrorNotice
            what="Could not list the profile library"
            error={listError}
            advice={listError.code === 'unsupported' ? `This host does not offer the profile library yet (profiles:list answers “unsupported”). Shown below: the ${formatCount(shown.length)} profile${shown.length === 1 ? '' : 's'} stored in the project file.` : undefined}
          />
        )}
        <div className="profile-table-wrap">
          <table className="grid-table profile-table" data-testid="profile-table">
            <thead>
              <tr>
                <th>Profile</th>
                <th>Vendor · model</th>
                <th>Source document</th>
                <th className="num">Devices</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <tr key={`${entry.source}:${entry.profile.id}`} className={entry.profile.id === selectedId ? 'active' : undefined} data-testid="profile-entry" data-profile-id={entry.profile.id} onClick={() => open(entry)}>
                  <td>
                    <div className="profile-name">{entry.profile.name}</div>
                    <code className="muted">{entry.profile.id}</code> <span className={`badge badge-source-${entry.source}`}>{entry.source}</span>
                  </td>
                  <td>
                    {entry.profile.vendor}
                    <div className="muted">{entry.profile.model}</div>
                  </td>
                  <td className="profile-doc" title={entry.profile.source.url}>
                    {entry.profile.source.document}
                    {entry.profile.source.revision !== undefined && <div className="muted">rev. {entry.profile.source.revision}</div>}
                  </td>
                  <td className="num">{formatCount(entry.instances)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <div className="empty-state">No profiles yet. Press “New profile”, or import one.</div>}
        </div>
      </section>
      {draft === undefined ? (
        <section className="panel profile-detail">
          <div className="empty-state">Choose a profile on the left to see and edit its points and parameters, or apply it to a device.</div>
        </section>
      ) : (
        <ProfileForm
          key={`${draft.isNew ? 'new' : draft.id}`}
          initial={draft}
          previous={selected?.profile}
          instances={selected?.instances ?? 0}
          onSaved={(id) => {
            setSelectedId(id);
            void load();
            void session.mapping.getState().load();
          }}
        />
      )}
    </div>
  );
}

function ProfileForm({ initial, previous, instances, onSaved }: { initial: Draft; previous: Profile | undefined; instances: number; onSaved(id: string): void }) {
  const session = useSession();
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ error?: ApiError; issues?: string[]; saved?: string }>({});
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  /** An edited field's old error goes away with the edit (the rest wait for the next Save). */
  const forget = (prefix: string) => setErrors((e) => (e.size === 0 ? e : new Map([...e].filter(([k]) => !k.startsWith(prefix)))));
  const setPoint = (i: number, patch: Partial<PointDraft>) => {
    forget(`points[${i}].${Object.keys(patch)[0] ?? ''}`);
    setDraft((d) => ({ ...d, points: d.points.map((p, n) => (n === i ? { ...p, ...patch } : p)) }));
  };
  const setParam = (i: number, patch: Partial<ParamDraft>) => {
    forget(`parameters[${i}].${Object.keys(patch)[0] ?? ''}`);
    setParamDraft(i, patch);
  };
  const setParamDraft = (i: number, patch: Partial<ParamDraft>) => setDraft((d) => ({ ...d, parameters: d.parameters.map((p, n) => (n === i ? { ...p, ...patch } : p)) }));
  /** The errors of one field: its own key and anything under it (`drivers[1]`, `source.url`). */
  const err = (key: string) => {
    const own = [...errors].filter(([k]) => k === key || k.startsWith(`${key}.`) || k.startsWith(`${key}[`)).map(([, m]) => m);
    return own.length === 0 ? undefined : own.join('; ');
  };

  async function save() {
    const built = build(draft, previous);
    setErrors(built.ok ? new Map() : built.errors);
    if (!built.ok) {
      setResult({});
      return;
    }
    setBusy(true);
    const outcome = await session.editor.saveProfile(built.profile);
    setBusy(false);
    if (outcome.kind === 'applied') {
      setResult({ saved: `Saved ${built.profile.name} (revision ${built.profile.version}); ${instances === 0 ? 'no device uses it yet' : `${formatCount(instances)} device${instances === 1 ? '' : 's'} updated, their overrides kept`}.` });
      onSaved(built.profile.id);
    } else setResult(outcomeText(outcome));
  }

  const field = (key: FieldKey, label: string, extra: { mono?: boolean; readOnly?: boolean } = {}) => (
    <label className={`profile-field${err(FIELD_PATH[key]) !== undefined ? ' has-error' : ''}`}>
      <span>{label}</span>
      <input className={extra.mono === true ? 'mono' : undefined} data-testid={`profile-${key}`} readOnly={extra.readOnly} value={String(draft[key])} onChange={(e) => set({ [key]: e.target.value } as Partial<Draft>)} />
      {err(FIELD_PATH[key]) !== undefined && <span className="field-error" data-testid={`profile-${key}-error`}>{err(FIELD_PATH[key])}</span>}
    </label>
  );
  // Every error the form does not show next to a field is listed here, so none goes unseen.
  const general = unplacedErrors(errors, draft.points.length, draft.parameters.length);

  return (
    <section className="panel profile-detail" aria-labelledby="profile-form-title" data-testid="profile-form">
      <div className="panel-toolbar">
        <h2 id="profile-form-title" className="panel-title">
          {draft.isNew ? 'New profile' : draft.name} <span className="panel-count">{draft.isNew ? '' : `revision ${draft.version} · used by ${formatCount(instances)} device${instances === 1 ? '' : 's'}`}</span>
        </h2>
        <span className="mapping-bar-spacer" />
        <button type="button" className="button button-primary" data-testid="save-profile" disabled={busy} onClick={() => void save()}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
      </div>
      <div className="profile-body">
        {result.error !== undefined && <ErrorNotice what="Could not save the profile" error={result.error} advice={mappingAdvice(result.error)} />}
        {result.issues !== undefined && <RefusedIssues title="The project refused the profile; nothing changed:" issues={result.issues} />}
        {result.saved !== undefined && <div className="success-note" data-testid="profile-saved">{result.saved}</div>}
        {errors.size > 0 && (
          <div className="error-notice" role="alert" data-testid="profile-errors">
            <div className="error-title">
              Not saved: {formatCount(errors.size)} problem{errors.size === 1 ? '' : 's'}
              {general.length < errors.size ? ', each shown next to its field' : ''}. Correct {errors.size === 1 ? 'it' : 'them'} and press Save again.
            </div>
            <ul className="issue-lines">
              {general.map(([k, m]) => (
                <li key={k}>
                  {k}: {m}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div className="profile-fields">
          {field('id', 'Profile id', { mono: true, readOnly: !draft.isNew })}
          {field('name', 'Name')}
          {field('vendor', 'Vendor')}
          {field('model', 'Model')}
          {field('document', 'Source document')}
          {field('revision', 'Document revision')}
          {field('url', 'Document URL')}
          {field('drivers', 'Drivers (comma-separated)', { mono: true })}
        </div>

        <h3 className="section-title">Parameters</h3>
        <p className="muted">Placeholders in the address templates: <code>{'{offset+100}'}</code> is parameter offset plus 100; <code>{'{unit}'}</code> is the value of unit.</p>
        <table className="grid-table profile-params" data-testid="profile-params">
          <thead>
            <tr>
              <th>Name</th>
              <th>Description</th>
              <th>Default</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {draft.parameters.map((p, i) => (
              <tr key={i}>
                <td>
                  <input className="mono" aria-label={`Parameter ${i + 1} name`} value={p.name} onChange={(e) => setParam(i, { name: e.target.value })} />
                  {err(`parameters[${i}].name`) !== undefined && <div className="field-error">{err(`parameters[${i}].name`)}</div>}
                </td>
                <td>
                  <input aria-label={`Parameter ${i + 1} description`} value={p.description} onChange={(e) => setParam(i, { description: e.target.value })} />
                  {err(`parameters[${i}].description`) !== undefined && <div className="field-error">{err(`parameters[${i}].description`)}</div>}
                </td>
                <td>
                  <input className="mono num" aria-label={`Parameter ${i + 1} default`} value={p.default} onChange={(e) => setParam(i, { default: e.target.value })} />
                  {err(`parameters[${i}].default`) !== undefined && <div className="field-error">{err(`parameters[${i}].default`)}</div>}
                </td>
                <td>
                  <button type="button" className="link-button" onClick={() => set({ parameters: draft.parameters.filter((_, n) => n !== i) })}>
                    remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="button button-small" onClick={() => set({ parameters: [...draft.parameters, { name: '', description: '', default: '' }] })}>
          Add parameter
        </button>

        <h3 className="section-title">Points ({formatCount(draft.points.length)})</h3>
        <table className="grid-table profile-points" data-testid="profile-points">
          <thead>
            <tr>
              <th>Point id</th>
              <th>Name</th>
              <th>Address template</th>
              <th>Type</th>
              <th>Unit</th>
              <th>Scaling</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {draft.points.map((p, i) => (
              <tr key={i} data-testid="profile-point">
                {(['id', 'name', 'address'] as const).map((k) => (
                  <td key={k}>
                    <input className={k === 'name' ? undefined : 'mono'} aria-label={`Point ${i + 1} ${k}`} data-testid={`point-${k}`} value={p[k]} onChange={(e) => setPoint(i, { [k]: e.target.value })} />
                    {err(`points[${i}].${k}`) !== undefined && <div className="field-error" data-testid={`point-${k}-error`}>{err(`points[${i}].${k}`)}</div>}
                  </td>
                ))}
                <td>
                  <select aria-label={`Point ${i + 1} type`} data-testid="point-dataType" value={p.dataType} onChange={(e) => setPoint(i, { dataType: e.target.value })}>
                    <option value="">auto</option>
                    {TAG_DATA_TYPES.map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                    {p.dataType !== '' && !(TAG_DATA_TYPES as readonly string[]).includes(p.dataType) && <option value={p.dataType}>{p.dataType} (unknown)</option>}
                  </select>
                  {err(`points[${i}].dataType`) !== undefined && <div className="field-error" data-testid="point-dataType-error">{err(`points[${i}].dataType`)}</div>}
                </td>
                <td>
                  <input
                    className="unit-input"
                    aria-label={`Point ${i + 1} unit`}
                    data-testid="point-unit"
                    placeholder="none"
                    title={unitTitle(p.unit)}
                    value={p.unit}
                    onChange={(e) => setPoint(i, { unit: e.target.value })}
                  />
                  {err(`points[${i}].unit`) !== undefined && <div className="field-error" data-testid="point-unit-error">{err(`points[${i}].unit`)}</div>}
                </td>
                <td>
                  <input className="mono" aria-label={`Point ${i + 1} scaling`} data-testid="point-scaling" value={p.scaling} onChange={(e) => setPoint(i, { scaling: e.target.value })} />
                  {err(`points[${i}].scaling`) !== undefined && <div className="field-error" data-testid="point-scaling-error">{err(`points[${i}].scaling`)}</div>}
                </td>
                <td>
                  <button type="button" className="link-button" onClick={() => set({ points: draft.points.filter((_, n) => n !== i) })}>
                    remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="button button-small" data-testid="add-point" onClick={() => set({ points: [...draft.points, { id: `point-${draft.points.length + 1}`, name: '', address: '', dataType: '', unit: '', scaling: 'none', rest: {} }] })}>
          Add point
        </button>
        {!draft.isNew && previous !== undefined && <ApplyToDevice profile={previous} />}
      </div>
    </section>
  );
}

function ApplyToDevice({ profile }: { profile: Profile }) {
  const session = useSession();
  const project = useMapping((s) => s.project);
  const devices = (project?.devices ?? []).filter((d) => profile.drivers.includes(d.driver));
  const [deviceId, setDeviceId] = useState(devices[0]?.id ?? '');
  const [prefix, setPrefix] = useState('');
  const [assetPath, setAssetPath] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ error?: ApiError; issues?: string[]; applied?: string }>({});

  async function apply() {
    const values: Record<string, string | number> = {};
    for (const p of profile.parameters) {
      const text = (params[p.name] ?? '').trim();
      if (text === '') continue;
      const n = Number(text);
      values[p.name] = Number.isFinite(n) ? n : text;
    }
    setBusy(true);
    const outcome = await session.editor.applyProfile({ deviceId, profileId: profile.id, ...(prefix.trim() === '' ? {} : { prefix: prefix.trim() }), ...(assetPath.trim() === '' ? {} : { assetPath: assetPath.trim() }), params: values });
    setBusy(false);
    if (outcome.kind === 'applied') {
      setResult({ applied: `${profile.name} applied to ${deviceId}: ${formatCount(profile.points.length)} tags.` });
      void session.mapping.getState().load();
    } else setResult(outcomeText(outcome));
  }

  return (
    <div className="apply-profile" data-testid="apply-profile">
      <h3 className="section-title">Apply to a device</h3>
      {devices.length === 0 ? (
        <p className="muted">No device in the project uses a driver this profile is written for ({profile.drivers.join(', ')}).</p>
      ) : (
        <>
          <div className="profile-fields">
            <label className="profile-field">
              <span>Device</span>
              <select data-testid="apply-device" value={deviceId} onChange={(e) => setDeviceId(e.target.value)}>
                {devices.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name} ({d.id})
                  </option>
                ))}
              </select>
            </label>
            <label className="profile-field">
              <span>Tag id prefix</span>
              <input className="mono" placeholder={deviceId} data-testid="apply-prefix" value={prefix} onChange={(e) => setPrefix(e.target.value)} />
            </label>
            <label className="profile-field">
              <span>Asset path</span>
              <input placeholder="enterprise/site/area/line/cell/equipment" data-testid="apply-asset" value={assetPath} onChange={(e) => setAssetPath(e.target.value)} />
            </label>
            {profile.parameters.map((p) => (
              <label key={p.name} className="profile-field" title={p.description}>
                <span>
                  <code>{p.name}</code> {p.description}
                </span>
                <input className="mono" data-testid={`apply-param-${p.name}`} placeholder={p.default === undefined ? 'required' : `default ${String(p.default)}`} value={params[p.name] ?? ''} onChange={(e) => setParams((s) => ({ ...s, [p.name]: e.target.value }))} />
              </label>
            ))}
          </div>
          <button type="button" className="button button-primary" data-testid="apply-profile-button" disabled={busy || deviceId === ''} onClick={() => void apply()}>
            {busy ? 'Applying…' : `Apply to ${deviceId}`}
          </button>
        </>
      )}
      {result.error !== undefined && <ErrorNotice what="Could not apply the profile" error={result.error} advice={mappingAdvice(result.error)} />}
      {result.issues !== undefined && <RefusedIssues title="The project refused it; nothing changed:" issues={result.issues} />}
      {result.applied !== undefined && <div className="success-note" data-testid="profile-applied">{result.applied}</div>}
    </div>
  );
}

/** What the host refused, one line an issue. */
function RefusedIssues({ title, issues }: { title: string; issues: readonly string[] }) {
  return (
    <div className="error-notice" role="alert">
      <div className="error-title">{title}</div>
      <ul className="issue-lines">
        {issues.map((i) => (
          <li key={i}>{i}</li>
        ))}
      </ul>
    </div>
  );
}
