import { useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import type { TagsImportReport } from '../../../shared/api/types.js';
import { CSV_ENCODING_LABELS, type CsvEncoding, decodeCsvBytes, formatCsvIssue } from '../../../shared/mapping/csv.js';
import { formatBytes, formatCount } from '../format/format.js';
import { useEditorStore, useSession } from '../session-context.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';
import { OperationProgress } from './OperationProgress.js';

const NOT_BUILT = 'This SensorVault host does not offer that request yet (its handler answers “unsupported”); nothing was changed. Update SensorVault to a build that includes it.';

/** Advice for an error of a mapping request: "unsupported" here means the host lacks the handler, not the driver. */
export function mappingAdvice(error: ApiError): string | undefined {
  return error.code === 'unsupported' ? NOT_BUILT : undefined;
}

function IdList({ label, ids, testId }: { label: string; ids: readonly string[]; testId: string }) {
  return (
    <div className="preview-group" data-testid={testId}>
      <div className="preview-head">
        <strong>{formatCount(ids.length)}</strong> {label}
      </div>
      {ids.length > 0 && (
        <div className="preview-ids">
          {ids.slice(0, 30).map((id) => (
            <code key={id}>{id}</code>
          ))}
          {ids.length > 30 && <span className="muted">… and {formatCount(ids.length - 30)} more</span>}
        </div>
      )}
    </div>
  );
}

function Preview({ report }: { report: TagsImportReport }) {
  return (
    <div className="import-preview" data-testid="import-preview">
      <div className="muted">{formatCount(report.rows)} rows read; {formatCount(report.unchanged)} unchanged.</div>
      <IdList label="to create" ids={report.creates} testId="preview-creates" />
      <IdList label="to update" ids={report.updates} testId="preview-updates" />
      <IdList label="to delete" ids={report.deletes} testId="preview-deletes" />
      {(report.errors.length > 0 || report.issues.length > 0) && (
        <div className="error-notice" role="alert" data-testid="import-errors">
          <div className="error-title">
            {formatCount(report.errors.length + report.issues.length)} problem{report.errors.length + report.issues.length === 1 ? '' : 's'}: nothing can be applied until the file is fixed.
          </div>
          <ul className="issue-lines">
            {report.errors.slice(0, 200).map((e, i) => (
              <li key={`e${i}`}>{formatCsvIssue(e)}</li>
            ))}
            {report.issues.slice(0, 50).map((e, i) => (
              <li key={`i${i}`}>
                {e.path}: {e.message}
              </li>
            ))}
            {report.errors.length > 200 && <li>… and {formatCount(report.errors.length - 200)} more</li>}
          </ul>
          <div className="error-advice">Fix these cells in the spreadsheet (the row number counts the header as row 1), save as CSV and choose the file again.</div>
        </div>
      )}
      {report.applied && (
        <div className="success-note" data-testid="import-applied">
          Applied: {formatCount(report.creates.length)} created, {formatCount(report.updates.length)} updated, {formatCount(report.deletes.length)} deleted{report.savedTo === null ? '' : `; saved to ${report.savedTo}`}.
        </div>
      )}
    </div>
  );
}

/** Choose a tags CSV, see what it would change (long operation with progress), then apply it in one step. */
export function ImportCsvDialog({ onClose }: { onClose(): void }) {
  const session = useSession();
  const [file, setFile] = useState<{ name: string; size: number; csv: string; encoding: CsvEncoding }>();
  const [operationId, setOperationId] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [readError, setReadError] = useState<string>();
  const operation = useEditorStore('operations', (s) => (operationId === undefined ? undefined : s.byId.get(operationId)));
  const report = operation?.result?.kind === 'tags-import' ? operation.result.report : undefined;
  const running = operation?.state === 'running';

  async function start(csv: string, apply: boolean) {
    setError(undefined);
    const answer = await session.editor.startTagsImport(csv, apply);
    if (answer.ok) setOperationId(answer.result.operationId);
    else setError(answer.error);
  }

  async function choose(input: HTMLInputElement) {
    const chosen = input.files?.[0];
    if (chosen === undefined) return;
    setReadError(undefined);
    setOperationId(undefined);
    try {
      // Bytes, not text(): a Windows-1252 file (older Excel "CSV") would become U+FFFD garbage.
      const { text: csv, encoding } = decodeCsvBytes(new Uint8Array(await chosen.arrayBuffer()));
      setFile({ name: chosen.name, size: chosen.size, csv, encoding });
      await start(csv, false);
    } catch (e) {
      setReadError(`Could not read ${chosen.name}: ${e instanceof Error ? e.message : String(e)}. Choose the file again.`);
    }
  }

  const close = () => {
    // An applied import changed the project: the table re-reads it.
    if (report?.applied === true) {
      void session.mapping.getState().load();
      void session.editor.loadProject();
      session.reload();
    }
    onClose();
  };
  const canApply = file !== undefined && report !== undefined && !report.applied && report.errors.length === 0 && report.issues.length === 0 && !running;
  return (
    <Modal
      title="Import tags from CSV"
      onClose={close}
      size="large"
      testId="import-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            {report?.applied === true ? 'Close' : 'Cancel'}
          </button>
          <button type="button" className="button button-primary" data-testid="import-apply" disabled={!canApply} onClick={() => file !== undefined && void start(file.csv, true)}>
            Apply {report === undefined ? '' : changeCount(report.creates.length + report.updates.length + report.deletes.length)}
          </button>
        </>
      }
    >
      <p>
        One tag a row with a header row, as <strong>Export CSV</strong> writes it (UTF-8, or Windows-1252 as older Excel saves it; “,” or “;” — both detected). Every row is checked first; nothing changes until you press Apply, and then all
        changes apply together or none do.
      </p>
      <div className="form-row">
        <label className="form-label" htmlFor="import-file">
          CSV file
        </label>
        <input id="import-file" type="file" accept=".csv,text/csv" data-testid="import-file" onChange={(e) => void choose(e.target)} />
        {file !== undefined && (
          <div className="field-help">
            {file.name} · {formatBytes(file.size)} · <span data-testid="import-encoding">read as {CSV_ENCODING_LABELS[file.encoding]}</span>
          </div>
        )}
      </div>
      {readError !== undefined && <div className="field-error">{readError}</div>}
      {error !== undefined && <ErrorNotice what="Could not check the file" error={error} advice={mappingAdvice(error)} />}
      {operationId !== undefined && <OperationProgress operationId={operationId} unit="rows" />}
      {report !== undefined && <Preview report={report} />}
    </Modal>
  );
}

/** Every tag as CSV, downloaded as a file. */
export function ExportCsvDialog({ onClose }: { onClose(): void }) {
  const session = useSession();
  const [separator, setSeparator] = useState<',' | ';'>(',');
  const [bom, setBom] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();

  async function download() {
    setBusy(true);
    setError(undefined);
    const answer = await session.editor.exportTagsCsv(separator, bom);
    setBusy(false);
    if (!answer.ok) {
      setError(answer.error);
      return;
    }
    const name = `${(session.system.getState().info?.projectName ?? 'project').replace(/[^A-Za-z0-9._-]+/g, '-')}-tags.csv`;
    const url = URL.createObjectURL(new Blob([answer.result.csv], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setDone(`${formatCount(answer.result.rows)} tags written to ${name} (your browser's downloads).`);
  }

  return (
    <Modal
      title="Export tags as CSV"
      onClose={onClose}
      testId="export-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="button" className="button button-primary" data-testid="export-download" disabled={busy} onClick={() => void download()}>
            {busy ? 'Exporting…' : 'Download CSV'}
          </button>
        </>
      }
    >
      <p>Every tag of the project, profile tags as expanded, one a row with every property. Edit it in a spreadsheet and import it back.</p>
      <div className="form-row">
        <label className="form-label" htmlFor="export-separator">
          Separator
        </label>
        <select id="export-separator" data-testid="export-separator" value={separator} onChange={(e) => setSeparator(e.target.value as ',' | ';')}>
          <option value=",">, (comma)</option>
          <option value=";">; (semicolon)</option>
        </select>
        <div className="field-help">Semicolon for Excel set to a decimal comma (German, French, … settings).</div>
      </div>
      <div className="export-bom">
        <label>
          <input type="checkbox" data-testid="export-bom" checked={bom} onChange={(e) => setBom(e.target.checked)} /> Start with a byte-order mark (so Excel opens UTF-8 units like °C and µS correctly)
        </label>
      </div>
      {error !== undefined && <ErrorNotice what="Could not export the tags" error={error} advice={mappingAdvice(error)} />}
      {done !== undefined && (
        <div className="success-note" role="status" data-testid="export-done">
          {done}
        </div>
      )}
    </Modal>
  );
}

function changeCount(n: number): string {
  return `${formatCount(n)} change${n === 1 ? '' : 's'}`;
}
