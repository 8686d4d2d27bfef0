/**
 * Errors every driver may throw whose meaning the hosts must recognise (to answer with
 * a stable API error code), whatever the protocol.
 */
export class WritesDisabledError extends Error {
  override name = 'WritesDisabledError';
  constructor(message = 'writes are disabled for this device; enable them in the device settings (writes: "enabled")') {
    super(message);
  }
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
