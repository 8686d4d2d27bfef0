/**
 * One place that turns Node's socket and DNS error codes into words an OT engineer uses,
 * keeping the code in brackets. Only these network-level failures get the "check the
 * address, port …" advice: a refused login or an untrusted certificate needs another step.
 */

/** What to do next after a network-level failure. */
export const NETWORK_NEXT_STEP = 'check the address, port and that the device is reachable';

interface NetworkCode {
  /** What happened, naming the target (`host:port`). */
  lead: (target: string) => string;
  /** The code in words, shown in brackets before the code itself. */
  words: string;
}

const NETWORK_CODES: Readonly<Record<string, NetworkCode>> = {
  ECONNREFUSED: { lead: (t) => `no device answers at ${t}`, words: 'connection refused' },
  ENOTFOUND: { lead: (t) => `the name server (DNS) does not know the host of ${t}`, words: 'host name not found' },
  EAI_AGAIN: { lead: (t) => `the name server (DNS) did not answer for the host of ${t}`, words: 'name lookup failed, try again later' },
  EHOSTUNREACH: { lead: (t) => `no route to ${t}`, words: 'host unreachable' },
  ENETUNREACH: { lead: (t) => `no route to the network of ${t}`, words: 'network unreachable' },
  ETIMEDOUT: { lead: (t) => `${t} did not answer in time`, words: 'timed out' },
  ECONNRESET: { lead: (t) => `${t} dropped the connection`, words: 'connection reset by the device' },
  EPIPE: { lead: (t) => `${t} closed the connection while we were sending`, words: 'broken pipe' },
  ECONNABORTED: { lead: (t) => `the connection to ${t} was aborted`, words: 'connection aborted' },
};

const CODE_IN_TEXT = new RegExp(`\\b(${Object.keys(NETWORK_CODES).join('|')})\\b`);

/** The network error code of `error`: its `code`, its cause's, an AggregateError member's, or one named in its message. */
export function networkErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | undefined => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    const { code, cause, errors, message } = e as { code?: unknown; cause?: unknown; errors?: unknown; message?: unknown };
    if (typeof code === 'string' && NETWORK_CODES[code] !== undefined) return code;
    const fromCause = visit(cause);
    if (fromCause !== undefined) return fromCause;
    if (Array.isArray(errors)) for (const member of errors) {
      const found = visit(member);
      if (found !== undefined) return found;
    }
    return typeof message === 'string' ? CODE_IN_TEXT.exec(message)?.[1] : undefined;
  };
  return visit(error);
}

/** `host:port`, with an IPv6 literal in brackets. */
export function formatTarget(host: string, port?: number): string {
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === undefined ? shown : `${shown}:${port}`;
}

/**
 * `no device answers at 10.0.0.5:502 (connection refused, ECONNREFUSED): check …` for a
 * network-level failure, or undefined when `error` is something else.
 */
export function describeNetworkError(error: unknown, target: string): string | undefined {
  const code = networkErrorCode(error);
  if (code === undefined) return undefined;
  const entry = NETWORK_CODES[code] as NetworkCode;
  return `${entry.lead(target)} (${entry.words}, ${code}): ${NETWORK_NEXT_STEP}`;
}

/** The network translation when it is one, otherwise `otherwise(error)` (the driver's own words). */
export function describeConnectFailure(error: unknown, target: string, otherwise: (error: unknown) => string): string {
  return describeNetworkError(error, target) ?? otherwise(error);
}

/** A connect attempt that got no answer within its time limit: a network-level failure too. */
export function describeNoAnswer(target: string, timeoutMs: number): string {
  return `${target} did not answer within ${timeoutMs} ms (timed out): ${NETWORK_NEXT_STEP}`;
}
