import {
  type ApiError,
  type Envelope,
  type ErrorCode,
  type ParsedParamsOf,
  type RequestName,
  type ResultOf,
  requestByChannel,
  requests,
} from './contract.js';
import { issuesFromZod } from '../project.js';

/** Thrown by a handler to answer with a stable error code instead of `internal`. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** What a host implements: one handler per request, given already-parsed params. */
export type ApiHandlers = {
  [K in RequestName]: (params: ParsedParamsOf<K>) => Promise<ResultOf<K>>;
};

export type Router = (channel: string, params: unknown) => Promise<Envelope<unknown>>;

/**
 * The single entry point on the host side: every incoming message is parsed against
 * the contract before any handler sees it, and every outcome becomes an envelope.
 */
export function createRouter(handlers: ApiHandlers, onInternalError?: (channel: string, error: unknown) => void): Router {
  return async (channel, params) => {
    const name = requestByChannel(channel);
    if (name === undefined) return failure('unknown-request', `no request named "${channel}"`);
    const spec = requests[name];
    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success) {
      const text = issuesFromZod(parsed.error)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ');
      return failure('invalid-params', `${channel}: ${text}`);
    }
    try {
      const handler = handlers[name] as (p: unknown) => Promise<unknown>;
      const result = await handler(parsed.data);
      return { ok: true, result };
    } catch (error) {
      if (error instanceof ApiFailure) return failure(error.code, error.message);
      onInternalError?.(channel, error);
      return failure('internal', `${channel} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

function failure(code: ErrorCode, message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { code, message } };
}
