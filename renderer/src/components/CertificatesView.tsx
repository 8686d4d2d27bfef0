import { useEffect, useState } from 'react';
import type { ApiError } from '../../../shared/api/contract.js';
import type { Certificate } from '../../../shared/api/types.js';
import { groupThumbprint } from '../forms/project-edits.js';
import { formatDuration } from '../format/format.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ConfirmDialog } from './Modal.js';

function dateOnly(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString().slice(0, 10);
}

/** Whether the certificate is inside its validity period now, in words. */
function validity(cert: Certificate, now: number): { text: string; problem: boolean } {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!Number.isNaN(to) && to < now) return { text: `expired ${formatDuration(now - to)} ago`, problem: true };
  if (!Number.isNaN(from) && from > now) return { text: `not valid for another ${formatDuration(from - now)}`, problem: true };
  if (!Number.isNaN(to)) return { text: `valid for ${formatDuration(to - now)}`, problem: false };
  return { text: '', problem: false };
}

type Decision = { action: 'trust' | 'reject'; cert: Certificate };

/** Server certificates in the trust stores: trusting one is an explicit, per-thumbprint decision. */
export function CertificatesView() {
  const session = useSession();
  const editor = session.editor;
  const certificates = useEditorStore('certificates', (s) => s.certificates);
  const loaded = useEditorStore('certificates', (s) => s.loaded);
  const error = useEditorStore('certificates', (s) => s.error);
  const now = useSessionStore('clock', (s) => Math.floor(s.now / 60_000) * 60_000);
  const untrustedDevices = useSessionStore('devices', (s) => s.devices.filter((d) => /certificate/i.test(d.lastError ?? '')).map((d) => `${d.name}: ${d.lastError ?? ''}`).join('\n'));
  const [decision, setDecision] = useState<Decision>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError>();
  const [done, setDone] = useState<string>();

  useEffect(() => {
    void editor.loadCertificates();
  }, [editor]);

  async function decide() {
    if (decision === undefined) return;
    setBusy(true);
    setFailure(undefined);
    const answer = decision.action === 'trust' ? await editor.trustCertificate(decision.cert.thumbprint) : await editor.rejectCertificate(decision.cert.thumbprint);
    setBusy(false);
    setDecision(undefined);
    if (answer.ok) setDone(`${decision.action === 'trust' ? 'Trusted' : 'Rejected'} ${decision.cert.subject}. ${decision.action === 'trust' ? 'The device reconnects on its next attempt.' : 'Connections to this server stay refused.'}`);
    else setFailure(answer.error);
  }

  const sorted = [...certificates].sort((a, b) => (a.status === b.status ? a.subject.localeCompare(b.subject) : a.status === 'rejected' ? -1 : 1));
  return (
    <main className="certificates-view">
      <section className="panel" aria-labelledby="certs-title">
        <div className="panel-toolbar">
          <h2 id="certs-title" className="panel-title">
            Server certificates {loaded && <span className="panel-count">{certificates.length}</span>}
          </h2>
          <button type="button" className="button" onClick={() => void editor.loadCertificates()}>
            Refresh
          </button>
          <span className="muted">Compare the thumbprint with the one shown on the server (or by its administrator) before trusting it.</span>
        </div>
        {untrustedDevices !== '' && (
          <div className="notice" role="status">
            {untrustedDevices.split('\n').map((line) => (
              <div key={line}>{line}</div>
            ))}
          </div>
        )}
        {error !== undefined && <ErrorNotice what="Could not list certificates" error={error} />}
        {failure !== undefined && <ErrorNotice what="The decision was not recorded" error={failure} />}
        {done !== undefined && (
          <div className="success-note" role="status">
            {done}
          </div>
        )}
        {!loaded && error === undefined && <p className="empty-state">Loading certificates…</p>}
        {loaded && certificates.length === 0 && (
          <div className="empty-state">
            <p>
              <strong>No server certificates yet.</strong>
            </p>
            <p>A certificate appears here after SensorVault first connects to a server that uses one (for example an OPC UA server with security). It starts as rejected until you trust it.</p>
          </div>
        )}
        {sorted.length > 0 && (
          <div className="cert-scroll">
            <table className="grid-table cert-table">
              <thead>
                <tr>
                  <th>Status</th>
                  <th>Subject / issuer</th>
                  <th>Thumbprint (SHA-1)</th>
                  <th>Valid (UTC dates)</th>
                  <th>Store</th>
                  <th>Decision</th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((cert) => {
                  const v = validity(cert, now);
                  return (
                    <tr key={`${cert.store}\n${cert.thumbprint}`} data-testid="cert-row" data-thumbprint={cert.thumbprint} data-status={cert.status}>
                      <td>
                        <span className={`badge badge-cert-${cert.status}`}>{cert.status}</span>
                      </td>
                      <td className="cert-subject">
                        <div>{cert.subject}</div>
                        {cert.issuer !== undefined && cert.issuer !== cert.subject && <div className="muted">issued by {cert.issuer}</div>}
                        {cert.issuer !== undefined && cert.issuer === cert.subject && <div className="muted">self-signed</div>}
                      </td>
                      <td>
                        <code className="thumbprint">{groupThumbprint(cert.thumbprint)}</code>
                      </td>
                      <td className={v.problem ? 'cert-invalid' : undefined}>
                        {dateOnly(cert.validFrom)} → {dateOnly(cert.validTo)}
                        <div className={v.problem ? undefined : 'muted'}>{v.text}</div>
                      </td>
                      <td>
                        <code>{cert.store}</code>
                      </td>
                      <td className="cert-actions">
                        {cert.status !== 'trusted' && (
                          <button type="button" className="button button-primary" data-testid="trust-cert" onClick={() => setDecision({ action: 'trust', cert })}>
                            Trust…
                          </button>
                        )}
                        {cert.status !== 'rejected' && (
                          <button type="button" className="button button-danger" data-testid="reject-cert" onClick={() => setDecision({ action: 'reject', cert })}>
                            Reject…
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {decision !== undefined && (
        <ConfirmDialog
          title={decision.action === 'trust' ? 'Trust this server certificate?' : 'Reject this server certificate?'}
          confirmLabel={decision.action === 'trust' ? 'Trust certificate' : 'Reject certificate'}
          danger={decision.action === 'reject'}
          busy={busy}
          onCancel={() => setDecision(undefined)}
          onConfirm={() => void decide()}
          testId="confirm-certificate"
        >
          <p>
            <strong>{decision.cert.subject}</strong>
            {decision.cert.issuer !== undefined && decision.cert.issuer !== decision.cert.subject ? ` (issued by ${decision.cert.issuer})` : ''}
          </p>
          <p>Thumbprint (SHA-1):</p>
          <code className="thumbprint thumbprint-large" data-testid="confirm-thumbprint">
            {groupThumbprint(decision.cert.thumbprint)}
          </code>
          {decision.action === 'trust' && validity(decision.cert, Date.now()).problem && (
            <p className="field-error">Warning: this certificate is {validity(decision.cert, Date.now()).text}. The server may still refuse secure connections; ask for a current certificate.</p>
          )}
          <p>
            {decision.action === 'trust'
              ? 'Only trust it if this thumbprint matches the one the server shows. SensorVault will then connect to this server with it.'
              : 'SensorVault will refuse to connect to a server presenting this certificate until you trust it.'}
          </p>
        </ConfirmDialog>
      )}
    </main>
  );
}
