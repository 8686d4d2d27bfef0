import { IANAZone } from 'luxon';
import { NS_PER_MS, TimeError, describeWall } from './core.js';

export type DstPolicy = 'earlier' | 'later' | 'reject';

const zones = new Map<string, IANAZone>();

/** The IANA zone, or a TimeError naming it. 'UTC' and 'Etc/UTC' are zones too. */
export function zoneFor(name: string): IANAZone {
  let zone = zones.get(name);
  if (zone === undefined) {
    if (!IANAZone.isValidZone(name)) throw new TimeError(`time zone "${name}" is not an IANA zone name; use e.g. Europe/Berlin, America/New_York or UTC`);
    zone = IANAZone.create(name);
    zones.set(name, zone);
  }
  return zone;
}

/**
 * A wall-clock time (ns since 1970 "as if UTC") read in `zoneName`, to UTC ns. In a DST gap
 * the time does not exist: `earlier` moves it back by the gap (it is read with the offset
 * after the change), `later` moves it forward (read with the offset before). In an overlap
 * the time happens twice: `earlier` is the first, `later` the second. `reject` refuses both.
 */
export function wallToUtc(wallNs: bigint, zoneName: string, dst: DstPolicy): bigint {
  if (zoneName === 'UTC' || zoneName === 'Etc/UTC') return wallNs;
  const zone = zoneFor(zoneName);
  const wallMs = Number(wallNs / NS_PER_MS);
  const offsetNs = (minutes: number) => BigInt(Math.round(minutes * 60)) * 1_000_000_000n;
  const before = zone.offset(wallMs - 86_400_000);
  const after = zone.offset(wallMs + 86_400_000);
  const candidates = [...new Set([before, after])].map((offset) => ({ offset, utc: wallNs - offsetNs(offset) }));
  const valid = candidates.filter((c) => zone.offset(Number(c.utc / NS_PER_MS)) === c.offset);
  if (valid.length === 1) return valid[0]!.utc;
  const all = (valid.length === 0 ? candidates : valid).map((c) => c.utc).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (all.length < 2) return all[0] ?? wallNs;
  if (dst === 'reject') {
    const { date, time } = describeWall(wallNs);
    throw new TimeError(
      valid.length === 0
        ? `local time ${time} does not exist on ${date} in ${zoneName} (DST gap); choose dst=earlier or later`
        : `local time ${time} occurs twice on ${date} in ${zoneName} (DST overlap); choose dst=earlier or later`,
    );
  }
  return dst === 'earlier' ? all[0]! : all[all.length - 1]!;
}
