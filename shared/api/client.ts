import {
  ApiErrorSchema,
  type Envelope,
  type EventName,
  type RequestName,
  type SensorVaultApi,
  eventNames,
  events,
  requestNames,
  requests,
} from './contract.js';

/** What a transport (Electron IPC, WebSocket) must provide; never exposed to UI code. */
export interface Transport {
  invoke(channel: string, params: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

/**
 * Builds the named API from the contract over any transport. Answers and events are
 * validated here, so a UI component only ever sees data that matches the contract.
 */
export function createClient(transport: Transport): SensorVaultApi {
  const api: Record<string, unknown> = {};
  for (const name of requestNames) api[name] = (params: unknown) => invokeChecked(transport, name, params);
  for (const name of eventNames) api[name] = (listener: (payload: unknown) => void) => subscribeChecked(transport, name, listener);
  return api as SensorVaultApi;
}

async function invokeChecked(transport: Transport, name: RequestName, params: unknown): Promise<Envelope<unknown>> {
  const spec = requests[name];
  let raw: unknown;
  try {
    raw = await transport.invoke(spec.channel, params ?? {});
  } catch (error) {
    return { ok: false, error: { code: 'unavailable', message: `${spec.channel}: ${error instanceof Error ? error.message : String(error)}` } };
  }
  const envelope = raw as { ok?: unknown; result?: unknown; error?: unknown } | null;
  if (envelope?.ok === true) {
    const result = spec.result.safeParse(envelope.result);
    if (result.success) return { ok: true, result: result.data };
    return { ok: false, error: { code: 'internal', message: `${spec.channel}: the host answered with data that does not match the contract` } };
  }
  const error = ApiErrorSchema.safeParse(envelope?.error);
  if (error.success) return { ok: false, error: error.data };
  return { ok: false, error: { code: 'internal', message: `${spec.channel}: malformed answer from the host` } };
}

function subscribeChecked(transport: Transport, name: EventName, listener: (payload: unknown) => void): () => void {
  const spec = events[name];
  return transport.subscribe(spec.channel, (payload) => {
    const parsed = spec.payload.safeParse(payload);
    if (parsed.success) listener(parsed.data);
  });
}
