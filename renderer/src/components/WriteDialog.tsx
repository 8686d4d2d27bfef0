import { useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import type { TagInfo } from '../../../shared/api/types.js';
import { formatValue } from '../format/format.js';
import { useSession, useSessionStore } from '../session-context.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';

type Kind = 'number' | 'boolean' | 'text';

function parse(kind: Kind, text: string): { ok: true; value: number | boolean | string } | { ok: false; message: string } {
  if (kind === 'boolean') return { ok: true, value: text === 'true' };
  if (kind === 'text') return { ok: true, value: text };
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) return { ok: false, message: 'Enter a number (use “.” for decimals).' };
  return { ok: true, value };
}

/** Writes one value to a tag's device, after the engineer confirms what goes where. */
export function WriteDialog({ tag, onClose }: { tag: TagInfo; onClose(): void }) {
  const session = useSession();
  const reading = useSessionStore('live', (s) => s.readings.get(tag.tagId));
  const initialKind: Kind = typeof reading?.value === 'boolean' ? 'boolean' : typeof reading?.value === 'string' ? 'text' : 'number';
  const [kind, setKind] = useState<Kind>(initialKind);
  const [text, setText] = useState(initialKind === 'boolean' ? 'true' : '');
  const [problem, setProblem] = useState<string>();
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [written, setWritten] = useState<string>();
  const parsed = parse(kind, text);
  const unit = tag.unit === '' ? '' : ` ${tag.unit}`;
  const shown = parsed.ok ? `${formatValue(parsed.value)}${typeof parsed.value === 'number' ? unit : ''}` : '';

  async function write() {
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setBusy(true);
    setFailure(undefined);
    setWritten(undefined);
    const answer = await session.editor.writeTag(tag.tagId, parsed.value);
    setBusy(false);
    if (answer.ok) setWritten(`Wrote ${shown} to ${tag.name}. The next reading shows what the device now holds.`);
    else setFailure(answer.error);
  }

  return (
    <Modal
      title={`Write to ${tag.name}`}
      onClose={onClose}
      testId="write-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {written === undefined ? 'Cancel' : 'Close'}
          </button>
          <button type="button" className="button button-danger" data-testid="confirm-write" disabled={busy || !parsed.ok} onClick={() => void write()}>
            {busy ? 'Writing…' : parsed.ok ? `Write ${shown}` : 'Write'}
          </button>
        </>
      }
    >
      <p>
        Tag <code>{tag.tagId}</code> at <code>{tag.address}</code> on device <code>{tag.deviceId}</code>. Current value:{' '}
        <strong>{reading === undefined ? 'no reading yet' : `${formatValue(reading.value)}${typeof reading.value === 'number' ? unit : ''} (${reading.quality})`}</strong>
      </p>
      <p className="field-help">The value goes to the device as typed, in the tag’s engineering unit; scaling configured on the tag is not undone.</p>
      <div className="write-form">
        <label>
          Type{' '}
          <select
            value={kind}
            onChange={(e) => {
              const next = e.target.value as Kind;
              setKind(next);
              setText(next === 'boolean' ? 'true' : '');
            }}
          >
            <option value="number">number</option>
            <option value="boolean">boolean</option>
            <option value="text">text</option>
          </select>
        </label>
        <label>
          Value{' '}
          {kind === 'boolean' ? (
            <select data-testid="write-value" value={text} onChange={(e) => setText(e.target.value)}>
              <option value="true">TRUE</option>
              <option value="false">FALSE</option>
            </select>
          ) : (
            <input
              data-testid="write-value"
              type="text"
              inputMode={kind === 'number' ? 'decimal' : undefined}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setProblem(undefined);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void write();
              }}
            />
          )}
          {kind === 'number' && tag.unit !== '' && <span className="unit-suffix">{tag.unit}</span>}
        </label>
      </div>
      {problem !== undefined && <div className="field-error">{problem}</div>}
      {failure !== undefined &&
        (failure.code === 'writes-disabled' ? (
          <div className="error-notice" role="alert" data-testid="api-error" data-code={failure.code}>
            {/* The host's message already says what to do: shown once, no advice line repeating it. */}
            <div className="error-title">{failure.message}</div>
          </div>
        ) : (
          <ErrorNotice
            what="The write failed"
            error={failure}
            advice={failure.code === 'unavailable' ? 'The device did not take the value. Check that it is connected (Live or Devices & tags), that the address is writable, then try again.' : undefined}
          />
        ))}
      {written !== undefined && (
        <div className="success-note" role="status" data-testid="write-done">
          {written}
        </div>
      )}
    </Modal>
  );
}
