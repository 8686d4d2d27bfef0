/**
 * Errors every driver may throw whose meaning the hosts must recognise (to answer with
 * a stable API error code), whatever the protocol.
 */
export class WritesDisabledError extends Error {
  override name = 'WritesDisabledError';
  constructor(message = writesDisabledMessage()) {
    super(message);
  }
}

/** The one text for a refused write; `driverTitle` names the protocol (e.g. "OPC UA"). */
export function writesDisabledMessage(driverTitle?: string): string {
  return `writes are disabled for this ${driverTitle === undefined ? '' : `${driverTitle} `}device; enable them in the device settings (writes: "enabled")`;
}

/** The writes guard every driver runs first in write(): throws WritesDisabledError unless writes are enabled. */
export function assertWritesEnabled(settings: { readonly writes: 'disabled' | 'enabled' }, driverTitle: string): void {
  if (settings.writes !== 'enabled') throw new WritesDisabledError(writesDisabledMessage(driverTitle));
}

/** The server presented a certificate nobody has trusted yet. */
export class UntrustedCertificateError extends Error {
  override name = 'UntrustedCertificateError';
  constructor(
    message: string,
    readonly thumbprint: string,
  ) {
    super(message);
  }
}
