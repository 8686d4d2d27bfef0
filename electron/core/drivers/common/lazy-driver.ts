import type { AcquisitionPoint, Driver, DriverStats } from '../types.js';

/**
 * A driver whose implementation (and protocol library) is imported on first use, so that a
 * definition can be registered without loading its library: `create` stays synchronous and
 * network-free, the import happens in `connect` (or `write`/`browse`). Before the import
 * has finished, the synchronous calls answer as an idle driver would.
 */
export function lazyDriver<A, D extends Driver<A>>(
  load: () => Promise<D>,
  options: {
    /** Whether instances browse (must match the definition's `capabilities.browse`). */
    browse: boolean;
    /** Further synchronous methods of D, with the answer to give before the import. */
    extra?: Record<string, (...args: never[]) => unknown>;
    /** Further asynchronous methods of D: they import the implementation first, as `write` does. */
    deferred?: ReadonlyArray<string>;
  },
): D {
  let impl: D | undefined;
  let loading: Promise<D> | undefined;
  const ensure = (): Promise<D> =>
    (loading ??= load().then((d) => {
      impl = d;
      return d;
    }));
  const driver: Driver<A> & Record<string, unknown> = {
    connect: async (signal: AbortSignal) => (await ensure()).connect(signal),
    startAcquisition: (points: ReadonlyArray<AcquisitionPoint<A>>) => {
      if (impl !== undefined) impl.startAcquisition(points);
      else void ensure().then((d) => d.startAcquisition(points));
    },
    stopAcquisition: () => impl?.stopAcquisition(),
    disconnect: async () => impl?.disconnect(),
    write: async (address, value) => (await ensure()).write(address, value),
    stats: (): DriverStats => impl?.stats() ?? { requests: 0, failures: 0 },
  };
  if (options.browse) {
    driver.browse = async (ref, browseOptions) => {
      const d = await ensure();
      if (d.browse === undefined) throw new Error('this driver has no address space to browse');
      return d.browse(ref, browseOptions);
    };
  }
  for (const [name, before] of Object.entries(options.extra ?? {})) {
    driver[name] = (...args: never[]) => {
      const method = impl === undefined ? undefined : (impl as unknown as Record<string, unknown>)[name];
      return typeof method === 'function' ? (method as (...a: never[]) => unknown).apply(impl, args) : before(...args);
    };
  }
  for (const name of options.deferred ?? []) {
    driver[name] = async (...args: never[]) => {
      const d = (await ensure()) as unknown as Record<string, unknown>;
      const method = d[name];
      if (typeof method !== 'function') throw new Error(`this driver has no method ${name}`);
      return (method as (...a: never[]) => unknown).apply(d, args);
    };
  }
  // The methods above are exactly Driver<A> plus the named extras of D.
  return driver as unknown as D;
}
