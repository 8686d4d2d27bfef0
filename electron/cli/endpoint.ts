import { issuesFromZod } from '../../shared/project.js';
import { resolveDataDir } from '../core/data-dir.js';
import type { DriverRegistry } from '../core/drivers/registry.js';
import { describeNoAnswer } from '../core/drivers/common/network-errors.js';
import type { AnyDriverDefinition, Driver, DriverContext } from '../core/drivers/types.js';
import { silentLogger } from '../core/log.js';
import { CommandError, UsageError } from './args.js';

/** A driver made from an endpoint URL on the command line (read, browse). */
export interface EndpointDriver {
  definition: AnyDriverDefinition;
  settings: { timeoutMs?: number } & Record<string, unknown>;
  create(context: Pick<DriverContext, 'emit' | 'connectionLost'>): Driver<unknown>;
  /** How long a connect or a one-shot answer may take. */
  timeoutMs: number;
}

export function driverForEndpoint(endpoint: string, registry: DriverRegistry, overrides: Record<string, unknown> = {}): EndpointDriver {
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(endpoint)?.[1]?.toLowerCase();
  const definition = registry
    .ids()
    .map((id) => registry.get(id))
    .find((d) => d?.endpointSchemes?.includes(scheme ?? ''));
  if (definition?.settingsFromEndpoint === undefined) {
    const known = registry.ids().flatMap((id) => registry.get(id)?.endpointSchemes ?? []).join(', ');
    throw new UsageError(`unsupported endpoint "${endpoint}"; known schemes: ${known}`);
  }
  let raw: unknown;
  try {
    raw = definition.settingsFromEndpoint(endpoint);
  } catch (error) {
    throw new UsageError(`${endpoint}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = definition.settingsSchema.safeParse({ ...(raw as Record<string, unknown>), ...overrides });
  if (!parsed.success) {
    throw new UsageError(`${endpoint}: ${issuesFromZod(parsed.error).map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
  const settings = parsed.data as EndpointDriver['settings'];
  return {
    definition,
    settings,
    timeoutMs: Math.max(2000, (settings.timeoutMs ?? 1000) * 3),
    create: (context) => definition.create(settings, { ...context, log: silentLogger, now: Date.now, dataDir: resolveDataDir() }),
  };
}

/** Connects within the endpoint's timeout; a failure is a one-line CommandError. */
export async function connectOrExplain(driver: Driver<unknown>, endpoint: string, timeoutMs: number): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(describeNoAnswer(endpoint, timeoutMs))), timeoutMs);
  try {
    await Promise.race([
      driver.connect(abort.signal),
      new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true })),
    ]);
  } catch (error) {
    await driver.disconnect();
    throw new CommandError(`cannot connect to ${endpoint}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}
