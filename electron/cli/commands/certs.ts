import { parseArgs } from 'node:util';
import type { Certificate } from '../../../shared/api/types.js';
import { resolveDataDir } from '../../core/data-dir.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import type { TrustStore } from '../../core/drivers/types.js';
import { applicationCertificate, regenerateApplicationCertificate } from '../../core/drivers/opcua/index.js';
import { CommandError, UsageError } from '../args.js';

export const certsHelp = `Usage: sensorvault certs list [--json]        the server certificates, and our own thumbprint
       sensorvault certs trust <thumbprint>
       sensorvault certs reject <thumbprint>
       sensorvault certs own [--json]         SensorVault's own OPC UA application certificate
       sensorvault certs regenerate           a new own certificate (same ApplicationUri)

Manages the trust store of server certificates (OPC UA). A server certificate is never
accepted silently: the first connection to a new server is refused and its certificate
recorded as rejected; trust it here, by its SHA-1 thumbprint, after checking it with the
server's owner. The store lives in the SensorVault data directory ($SENSORVAULT_HOME).`;

export async function certsCommand(argv: string[], registry: DriverRegistry, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    out(certsHelp);
    return 0;
  }
  const [action, thumbprint, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected "${extra[0]}"`);
  const dataDir = resolveDataDir();
  const stores = registry
    .ids()
    .map((id) => registry.get(id)?.trustStore?.(dataDir))
    .filter((s): s is TrustStore => s !== undefined);
  if (stores.length === 0) throw new CommandError('no driver with a certificate trust store is registered');
  const print = (c: Certificate) =>
    out(values.json === true ? JSON.stringify(c) : `${c.status.padEnd(8)} ${c.thumbprint}  ${c.subject}  valid ${c.validFrom} .. ${c.validTo}  (${c.store})`);
  switch (action) {
    case 'own':
    case 'regenerate': {
      if (thumbprint !== undefined) throw new UsageError(`certs ${action} takes no thumbprint`);
      const identity = action === 'own' ? await applicationCertificate(dataDir) : await regenerateApplicationCertificate(dataDir);
      const summary = { thumbprint: identity.thumbprint, applicationUri: identity.applicationUri, certificateFile: identity.certificateFile };
      out(values.json === true ? JSON.stringify(summary) : `${action === 'regenerate' ? 'new ' : ''}own certificate ${summary.thumbprint}  ${summary.applicationUri}  ${summary.certificateFile}`);
      if (action === 'regenerate') process.stderr.write('sensorvault: servers that trusted the old certificate must now trust this one\n');
      return 0;
    }
    case 'list': {
      if (thumbprint !== undefined) throw new UsageError('certs list takes no thumbprint');
      const certificates = (await Promise.all(stores.map((s) => s.list()))).flat();
      // --json stays one line per server certificate (none: no output) for scripts.
      if (values.json === true) {
        for (const c of certificates) print(c);
        return 0;
      }
      const own = await applicationCertificate(dataDir);
      out(`own      ${own.thumbprint}  ${own.applicationUri}  (servers must trust this one; sensorvault certs own)`);
      if (certificates.length === 0) {
        out(`no server certificates in the trust store (${dataDir}): a server's certificate is recorded, as rejected, the first time SensorVault connects to it with security; then check it and run sensorvault certs trust <thumbprint>`);
      }
      for (const c of certificates) print(c);
      return 0;
    }
    case 'trust':
    case 'reject': {
      if (thumbprint === undefined) throw new UsageError(`certs ${action} needs a thumbprint (see sensorvault certs list)`);
      const wanted = thumbprint.replace(/[^0-9a-f]/gi, '').toLowerCase();
      for (const store of stores) {
        const known = await store.list();
        const match = known.find((c) => c.thumbprint.replace(/[^0-9a-f]/gi, '').toLowerCase() === wanted);
        if (match === undefined) continue;
        print(action === 'trust' ? await store.trust(match.thumbprint) : await store.reject(match.thumbprint));
        return 0;
      }
      throw new CommandError(`no certificate with thumbprint ${thumbprint}; connect to the server once so its certificate is recorded, then see sensorvault certs list`);
    }
    default:
      throw new UsageError(action === undefined ? 'certs needs list, trust, reject, own or regenerate' : `unknown certs action "${action}"; use list, trust, reject, own or regenerate`);
  }
}
