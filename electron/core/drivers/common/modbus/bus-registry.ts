/**
 * Shared buses, keyed by what they are on the wire (a serial path, a gateway's host:port).
 * Several devices of a runtime that name the same bus must share one connection and one
 * transaction queue; the runtime owns one registry and hands it to every driver through
 * its context (`DriverContext.buses`, see the modbus-rtu README). Reference-counted: the
 * bus closes when its last device releases it. Nothing here is module-level state.
 */
export interface ClosableBus {
  close(): Promise<void>;
}

export interface BusLease<T> {
  readonly bus: T;
  /** Gives the bus back; the last release closes it. Safe to call twice. */
  release(): Promise<void>;
}

export interface SharedBusRegistry {
  /** The bus under `key`, created by `create` when nobody holds it yet. */
  lease<T extends ClosableBus>(key: string, create: () => T): BusLease<T>;
  /** Keys of the buses currently held (diagnostics). */
  keys(): string[];
}

export function createSharedBusRegistry(): SharedBusRegistry {
  const entries = new Map<string, { bus: ClosableBus; holders: number }>();
  return {
    lease<T extends ClosableBus>(key: string, create: () => T): BusLease<T> {
      let entry = entries.get(key);
      if (entry === undefined) {
        entry = { bus: create(), holders: 0 };
        entries.set(key, entry);
      }
      entry.holders++;
      const held = entry;
      let released = false;
      return {
        bus: held.bus as T,
        async release() {
          if (released) return;
          released = true;
          held.holders--;
          if (held.holders > 0) return;
          if (entries.get(key) === held) entries.delete(key);
          await held.bus.close();
        },
      };
    },
    keys: () => [...entries.keys()],
  };
}

/** A lease on a bus nobody shares (no registry in the context). */
export function privateLease<T extends ClosableBus>(bus: T): BusLease<T> {
  let released = false;
  return {
    bus,
    async release() {
      if (released) return;
      released = true;
      await bus.close();
    },
  };
}
