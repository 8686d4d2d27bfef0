import { type CSSProperties, Fragment, useMemo, useRef, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import type { DeviceStatus, ModbusScan, ScanCandidate } from '../../../shared/api/types.js';
import { decodeAll, type Decoding, type ScanTable } from '../../../shared/modbus/scan.js';
import { scanAdvice } from '../api/errors.js';
import { deriveId, type Issue, newTagIdProblem, singleTagIssues, tagBlock } from '../forms/project-edits.js';
import { formatCount } from '../format/format.js';
import { timeWithZone } from '../format/time.js';
import { useTimeFormats } from '../format/use-time-format.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import { pollGroupsOf } from '../state/editor.js';
import { savedNotice } from './edit-notices.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';

/*
 * The Modbus register-map assistant: read a block of registers live, see every type x
 * order decoding of each start register ranked by plausibility (shared/modbus/scan.ts via
 * modbus:scan), and create the tag from the one that reads like the plant. Styles are
 * inline: the stylesheet belongs to the rest of the renderer.
 */

const MODBUS_DRIVERS = new Set(['modbus-tcp', 'modbus-rtu']);
/** Candidates shown beside each register; the rest are in the full grid. */
const TOP = 4;

/** The "Register assistant…" button of a Modbus device, with its dialog. Renders nothing for other drivers. */
export function RegisterAssistantButton({ device }: { device: DeviceStatus }) {
  const [open, setOpen] = useState(false);
  if (!MODBUS_DRIVERS.has(device.driver)) return null;
  return (
    <>
      <button type="button" className="button" data-testid="register-assistant-button" onClick={() => setOpen(true)} title="Read registers live and find the right type and word order">
        Register assistant…
      </button>
      {open && <RegisterAssistant deviceId={device.deviceId} deviceName={device.name} onClose={() => setOpen(false)} />}
    </>
  );
}

const mono: CSSProperties = { fontFamily: 'var(--mono)' };
const th: CSSProperties = { textAlign: 'left', padding: '6px 8px', borderBottom: '2px solid var(--line-strong)', fontSize: 13, position: 'sticky', top: 0, background: '#f6f7f9', zIndex: 1 };
const td: CSSProperties = { padding: '5px 8px', borderBottom: '1px solid var(--line)', verticalAlign: 'top' };

function modicon(table: ScanTable, offset: number): string {
  const base = table === 'hr' ? 4 : 3;
  return offset < 9999 ? String(base * 10000 + offset + 1) : String(base * 100000 + offset + 1);
}

function hex(word: number): string {
  return `0x${word.toString(16).toUpperCase().padStart(4, '0')}`;
}

function showValue(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return String(value);
}

interface Picked {
  candidate: ScanCandidate;
  register: string;
}

function scoreColor(score: number): string {
  return score >= 0.6 ? 'var(--good)' : score >= 0.35 ? '#7a8a2a' : 'var(--line-strong)';
}

function CandidateChip({ candidate, best, created, onPick }: { candidate: ScanCandidate; best: boolean; created: boolean; onPick(): void }) {
  const percent = Math.round(candidate.score * 100);
  return (
    <button
      type="button"
      data-testid="scan-candidate"
      data-type={candidate.type}
      data-order={candidate.order}
      data-address={candidate.tagAddress}
      onClick={onPick}
      title={`${candidate.hints.join('; ')}\nClick to create a tag at ${candidate.tagAddress}`}
      style={{
        position: 'relative',
        display: 'grid',
        gridTemplateColumns: '1fr auto',
        columnGap: 10,
        width: 196,
        padding: '3px 8px 6px',
        textAlign: 'left',
        cursor: 'pointer',
        border: best ? '2px solid var(--accent)' : '1px solid var(--line-strong)',
        borderRadius: 4,
        background: best ? '#eef4ff' : '#fff',
        font: 'inherit',
        color: 'inherit',
        overflow: 'hidden',
      }}
    >
      <span style={{ fontSize: 12, color: 'var(--muted)', fontWeight: 700, whiteSpace: 'nowrap' }}>
        {candidate.type} · <span style={mono}>{candidate.order}</span>
      </span>
      <span style={{ fontSize: 12, color: 'var(--muted)', textAlign: 'right' }} title="plausibility, 0-100 %">
        {percent} %
      </span>
      <span style={{ ...mono, fontSize: 15, fontWeight: 700, gridColumn: '1 / 3', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
        {showValue(candidate.value)}
        {created && <span style={{ color: 'var(--good)', fontSize: 12, fontFamily: 'var(--font)' }}> ✓ tag created</span>}
      </span>
      <span aria-hidden style={{ position: 'absolute', left: 0, bottom: 0, height: 3, width: `${percent}%`, background: scoreColor(candidate.score) }} />
    </button>
  );
}

const GRID_ORDERS = ['abcd', 'cdab', 'badc', 'dcba'] as const;
const GRID_HEADS = ['abcd · ab', 'cdab', 'badc · ba', 'dcba'];

/** Every type x order of one start register, in aligned columns; plausible ones clickable. */
function DecodingGrid({ words, index, candidates, onPick }: { words: number[]; index: number; candidates: ScanCandidate[]; onPick(c: ScanCandidate): void }) {
  const all = useMemo(() => decodeAll(words, index), [words, index]);
  const byType = new Map<string, Decoding[]>();
  for (const d of all) byType.set(d.type, [...(byType.get(d.type) ?? []), d]);
  const plausible = new Map(candidates.map((c) => [`${c.type} ${c.order}`, c]));
  const cell: CSSProperties = { padding: '2px 8px', whiteSpace: 'nowrap', maxWidth: 230, overflow: 'hidden', textOverflow: 'ellipsis', borderBottom: '1px solid #eceef1' };
  return (
    <table data-testid="decoding-grid" style={{ borderCollapse: 'collapse', margin: '6px 0 4px', fontSize: 13, tableLayout: 'fixed' }}>
      <thead>
        <tr>
          <th style={{ ...cell, width: 70, textAlign: 'left', color: 'var(--muted)' }}>type</th>
          {GRID_HEADS.map((h) => (
            <th key={h} style={{ ...cell, width: 230, textAlign: 'left', color: 'var(--muted)', fontFamily: 'var(--mono)' }}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {[...byType].map(([type, decodings]) => (
          <tr key={type} data-testid="grid-type-row">
            <th style={{ ...cell, textAlign: 'left' }}>{type}</th>
            {GRID_ORDERS.map((order) => {
              const d = decodings.find((x) => x.order === order);
              if (d === undefined) return <td key={order} style={cell} />;
              const candidate = plausible.get(`${d.type} ${d.label}`);
              const text = Number.isNaN(d.value) ? 'NaN' : showValue(d.value);
              const label = d.registers === 4 ? <span style={{ ...mono, color: 'var(--muted)', fontSize: 11 }}>{d.label} </span> : null;
              return (
                <td key={order} style={cell} title={candidate === undefined ? `${text}: implausible, left out of the ranking` : `${text}: ${candidate.hints.join('; ')}`}>
                  {label}
                  {candidate !== undefined ? (
                    <button type="button" className="link-button" style={{ ...mono, fontWeight: 700, marginLeft: 0, fontSize: 13 }} data-testid="grid-candidate" onClick={() => onPick(candidate)}>
                      {text} <span style={{ fontFamily: 'var(--font)', fontWeight: 400 }}>({Math.round(candidate.score * 100)} %)</span>
                    </button>
                  ) : (
                    <span style={{ ...mono, color: '#8a9099' }}>{text}</span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RegisterAssistant({ deviceId, deviceName, onClose }: { deviceId: string; deviceName: string; onClose(): void }) {
  const session = useSession();
  const times = useTimeFormats();
  const [from, setFrom] = useState('hr:0');
  const [countText, setCountText] = useState('20');
  const [reading, setReading] = useState(false);
  const [failure, setFailure] = useState<ApiError>();
  const [scan, setScan] = useState<ModbusScan>();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [picked, setPicked] = useState<Picked>();
  const [created, setCreated] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string>();
  const [likelyOnly, setLikelyOnly] = useState(false);
  const request = useRef(0);

  const count = Number(countText);
  const countError = Number.isInteger(count) && count >= 1 && count <= 250 ? undefined : 'a whole number of registers, 1..250';
  const table: ScanTable = scan !== undefined && scan.starts[0]?.address.startsWith('ir:') === true ? 'ir' : 'hr';

  async function read() {
    if (countError !== undefined) return;
    const id = ++request.current;
    setReading(true);
    setFailure(undefined);
    setNotice(undefined);
    const answer = await session.editor.scanRegisters({ deviceId, from: from.trim(), count });
    if (id !== request.current) return; // cancelled or superseded
    setReading(false);
    if (answer.ok) {
      setScan(answer.result);
      setExpanded(new Set());
    } else setFailure(answer.error);
  }

  const hints = scan?.starts.filter((s) => s.offsetHint !== undefined).length ?? 0;
  return (
    <Modal title={`Register assistant: ${deviceName}`} onClose={onClose} size="large" testId="register-assistant">
      <form
        className="inline-fields"
        onSubmit={(event) => {
          event.preventDefault();
          void read();
        }}
        style={{ marginBottom: 6 }}
      >
        <label className="inline-field">
          <span>Start register</span>
          <input type="text" className="mono" spellCheck={false} data-testid="scan-from" value={from} onChange={(e) => setFrom(e.target.value)} placeholder="hr:0, ir:10 or 40001" />
        </label>
        <label className={`inline-field${countError !== undefined ? ' has-error' : ''}`}>
          <span>Count (registers)</span>
          <input type="number" min={1} max={250} data-testid="scan-count" value={countText} onChange={(e) => setCountText(e.target.value)} style={{ width: 110 }} />
          {countError !== undefined && <span className="field-error">{countError}</span>}
        </label>
        <button type="submit" className="button button-primary" data-testid="scan-read" disabled={reading || countError !== undefined}>
          {reading ? 'Reading…' : 'Read'}
        </button>
        {reading && (
          <span role="status" data-testid="scan-progress" style={{ display: 'inline-flex', gap: 8, alignItems: 'center', fontSize: 14 }}>
            Reading {formatCount(count)} registers twice, 1 s apart (counters show as they count)…
            <button
              type="button"
              className="button"
              onClick={() => {
                request.current++;
                setReading(false);
              }}
            >
              Cancel
            </button>
          </span>
        )}
      </form>
      <p className="muted" style={{ fontSize: 13 }}>
        Orders are byte layouts as vendor maps write them: <code>ab</code>/<code>ba</code> for 16 bits, <code>abcd</code> (big-endian) <code>cdab</code> (word swap) <code>badc</code> (byte swap) <code>dcba</code> for 32 bits, eight letters for 64 bits.
        Click a decoding to create the tag with that type and order.
      </p>
      {failure !== undefined && <ErrorNotice what="Could not read the registers" error={failure} advice={scanAdvice(failure)} />}
      {notice !== undefined && (
        <div className="success-note" role="status" data-testid="scan-tag-created">
          {notice}
        </div>
      )}
      {scan !== undefined && (
        <>
          <div data-testid="scan-summary" style={{ fontSize: 14, margin: '2px 0 6px' }}>
            <strong>{formatCount(scan.count)} registers</strong> from <code>{scan.from}</code>, read at {timeWithZone(times.shown, scan.readAt)}.{' '}
            {hints > 0 ? (
              <span style={{ background: '#fff4cc', padding: '1px 6px', border: '1px solid #d8b600', borderRadius: 3 }}>
                {formatCount(hints)} offset hint{hints === 1 ? '' : 's'}: check whether the map counts from 0 or 1
              </span>
            ) : (
              <span className="muted">No 0/1-based offset hint.</span>
            )}
            <label style={{ marginLeft: 14, fontSize: 13, whiteSpace: 'nowrap' }}>
              <input type="checkbox" data-testid="scan-likely-only" checked={likelyOnly} onChange={(e) => setLikelyOnly(e.target.checked)} /> only registers whose best reading is 50 % or more
            </label>
          </div>
          <div style={{ flex: 1, minHeight: 0, overflow: 'auto', border: '1px solid var(--line)', borderRadius: 4 }}>
            <table data-testid="scan-table" style={{ borderCollapse: 'collapse', width: '100%', fontSize: 14 }}>
              <thead>
                <tr>
                  <th style={{ ...th, width: 120 }}>Register</th>
                  <th style={{ ...th, width: 86 }}>Raw word</th>
                  <th style={th}>Most plausible decodings, best first (click one to create the tag)</th>
                </tr>
              </thead>
              <tbody>
                {scan.starts.map((start, index) => {
                  if (likelyOnly && (start.candidates[0]?.score ?? 0) < 0.5 && start.offsetHint === undefined) return null;
                  const offset = Number(start.address.split(':')[1]);
                  const open = expanded.has(start.address);
                  const rowBg = start.offsetHint !== undefined ? '#fffbe6' : index % 2 === 1 ? '#fafbfc' : '#fff';
                  return (
                    <Fragment key={start.address}>
                      <tr data-testid="scan-row" data-address={start.address} style={{ background: rowBg }}>
                        <td style={td}>
                          <code style={{ fontWeight: 700 }}>{start.address}</code>
                          <div className="muted" style={{ fontSize: 12 }}>Modicon {modicon(table, offset)}</div>
                          <button
                            type="button"
                            className="link-button"
                            data-testid="toggle-grid"
                            aria-expanded={open}
                            title={`Every type × order of ${start.address}: ${formatCount(start.candidates.length)} plausible`}
                            style={{ marginLeft: 0, fontSize: 12, whiteSpace: 'nowrap' }}
                            onClick={() =>
                              setExpanded((s) => {
                                const next = new Set(s);
                                if (open) next.delete(start.address);
                                else next.add(start.address);
                                return next;
                              })
                            }
                          >
                            {open ? 'hide grid ▴' : 'all decodings ▾'}
                          </button>
                        </td>
                        <td style={{ ...td, ...mono }}>{hex(scan.words[index] as number)}</td>
                        <td style={td}>
                          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }}>
                            {start.candidates.slice(0, TOP).map((c, n) => (
                              <CandidateChip key={c.tagAddress} candidate={c} best={n === 0} created={created.has(c.tagAddress)} onPick={() => setPicked({ candidate: c, register: start.address })} />
                            ))}
                            {start.candidates.length === 0 && <span className="muted">no plausible decoding</span>}
                          </div>
                          {start.offsetHint !== undefined && (
                            <div data-testid="offset-hint" role="note" style={{ marginTop: 6, padding: '4px 8px', background: '#fff4cc', border: '1px solid #d8b600', borderRadius: 3, fontSize: 13 }}>
                              <strong>Offset?</strong> {start.offsetHint}
                            </div>
                          )}
                          {open && <DecodingGrid words={scan.words} index={index} candidates={start.candidates} onPick={(c) => setPicked({ candidate: c, register: start.address })} />}
                        </td>
                      </tr>
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {scan === undefined && !reading && failure === undefined && <div className="empty-state">Give the first register and how many to read, then Read.</div>}
      {picked !== undefined && (
        <CreateTagDialog
          deviceId={deviceId}
          picked={picked}
          onClose={() => setPicked(undefined)}
          onCreated={(message) => {
            setCreated((s) => new Set(s).add(picked.candidate.tagAddress));
            setNotice(message);
            setPicked(undefined);
          }}
        />
      )}
    </Modal>
  );
}

type Field = 'id' | 'name' | 'unit' | 'pollGroup' | 'address' | 'description';

function CreateTagDialog({ deviceId, picked, onClose, onCreated }: { deviceId: string; picked: Picked; onClose(): void; onCreated(message: string): void }) {
  const session = useSession();
  const pollGroups = useEditorStore('project', (s) => pollGroupsOf(s, deviceId));
  const tags = useSessionStore('catalog', (s) => s.tags);
  const taken = useMemo(() => new Set(tags.map((t) => t.tagId)), [tags]);
  const { candidate } = picked;
  const [name, setName] = useState('');
  const [idText, setIdText] = useState<string>();
  const [unit, setUnit] = useState('');
  const [pollGroupChoice, setPollGroup] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [other, setOther] = useState<Issue[]>([]);
  const [failure, setFailure] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const id = idText ?? (name === '' ? '' : deriveId(name, taken));
  const pollGroup = pollGroupChoice === '' ? (pollGroups[0]?.id ?? '') : pollGroupChoice;

  async function create() {
    const local: Partial<Record<Field, string>> = {};
    if (name.trim() === '') local.name = 'required: the tag name engineers will see';
    const idProblem = newTagIdProblem(id, taken);
    if (idProblem !== undefined) local.id = idProblem;
    setErrors(local);
    setOther([]);
    setFailure(undefined);
    if (Object.keys(local).length > 0) return;
    setSaving(true);
    const outcome = await session.editor.addTags(deviceId, [tagBlock({ id, name, address: candidate.tagAddress, unit, pollGroup, description: '' })]);
    setSaving(false);
    if (outcome.kind === 'error') setFailure(outcome.error);
    else if (outcome.kind === 'issues') {
      const { byField, other: unmatched } = singleTagIssues<Field>(outcome.issues, outcome.deviceIndex, outcome.tagBase, ['id', 'name', 'unit', 'pollGroup']);
      setErrors(byField);
      setOther(unmatched);
    } else {
      onCreated(`Tag "${name.trim()}" (${id}) created at ${candidate.tagAddress}: ${candidate.type} ${candidate.order}, reads ${showValue(candidate.value)}${unit.trim() === '' ? '' : ` ${unit.trim()}`} now. ${savedNotice(outcome.savedTo)}`);
    }
  }

  const field = (key: Field, label: string, value: string, onChange: (v: string) => void, extra: { mono?: boolean; placeholder?: string; required?: boolean } = {}) => (
    <label className={`inline-field${errors[key] !== undefined ? ' has-error' : ''}`}>
      <span>
        {label}
        {extra.required === true && <span className="required"> *</span>}
      </span>
      <input type="text" className={extra.mono === true ? 'mono' : undefined} spellCheck={false} data-testid={`scan-tag-${key}`} value={value} placeholder={extra.placeholder} onChange={(e) => {
          onChange(e.target.value);
          setErrors({}); // the id follows the name: every message may be stale
        }} aria-invalid={errors[key] !== undefined} />
      {errors[key] !== undefined && <span className="field-error">{errors[key]}</span>}
    </label>
  );

  return (
    <Modal
      title="Create a tag from this decoding"
      onClose={onClose}
      testId="scan-create-tag"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={saving}>
            Cancel
          </button>
          <button type="button" className="button button-primary" data-testid="scan-create-confirm" disabled={saving} onClick={() => void create()}>
            {saving ? 'Creating…' : 'Create tag'}
          </button>
        </>
      }
    >
      <p>
        <code style={{ fontWeight: 700 }}>{candidate.tagAddress}</code> — {candidate.type}, order <code>{candidate.order}</code>, reads <strong style={mono}>{showValue(candidate.value)}</strong> now (plausibility {Math.round(candidate.score * 100)} %: {candidate.hints.join(', ')}).
      </p>
      <form
        className="inline-fields"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        {field('name', 'Name', name, setName, { required: true, placeholder: 'e.g. Supply temp.' })}
        {field('id', 'Tag id', id, (v) => setIdText(v), { required: true, mono: true, placeholder: 'from the name' })}
        {field('unit', 'Unit', unit, setUnit, { placeholder: '°C, bar, kWh…' })}
        <label className="inline-field">
          <span>Poll group</span>
          <select data-testid="scan-tag-pollGroup" value={pollGroup} onChange={(e) => setPollGroup(e.target.value)}>
            {pollGroups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.id} ({formatCount(g.intervalMs)} ms)
              </option>
            ))}
          </select>
          {errors.pollGroup !== undefined && <span className="field-error">{errors.pollGroup}</span>}
        </label>
        <button type="submit" hidden />
      </form>
      {failure !== undefined && <ErrorNotice what="Could not create the tag" error={failure} />}
      {other.length > 0 && (
        <div className="issue-list" role="alert">
          <ul>
            {other.map((issue) => (
              <li key={`${issue.path}\n${issue.message}`}>
                <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Modal>
  );
}
