/**
 * Leap seconds since the GPS epoch: the UTC instant (Unix seconds) from which GPS time is
 * `gpsMinusUtc` seconds ahead of UTC. Source: IERS Bulletin C / the IETF leap-seconds.list
 * (TAI-UTC minus the 19 s TAI-GPS offset). No leap second was announced after 2017-01-01;
 * add a row here when IERS announces one.
 */
export const GPS_LEAP_SECONDS: readonly { utc: string; unix: number; gpsMinusUtc: number }[] = [
  ['1981-07-01', 1], ['1982-07-01', 2], ['1983-07-01', 3], ['1985-07-01', 4], ['1988-01-01', 5],
  ['1990-01-01', 6], ['1991-01-01', 7], ['1992-07-01', 8], ['1993-07-01', 9], ['1994-07-01', 10],
  ['1996-01-01', 11], ['1997-07-01', 12], ['1999-01-01', 13], ['2006-01-01', 14], ['2009-01-01', 15],
  ['2012-07-01', 16], ['2015-07-01', 17], ['2017-01-01', 18],
].map(([utc, n]) => ({ utc: utc as string, unix: Date.parse(`${utc as string}T00:00:00Z`) / 1000, gpsMinusUtc: n as number }));

/** The GPS epoch 1980-01-06T00:00:00Z in Unix seconds. */
export const GPS_EPOCH_UNIX = 315_964_800;

/**
 * GPS time (ns since the GPS epoch, no leap seconds) to UTC ns since 1970. During an
 * inserted leap second (UTC 23:59:60) the result stays at the following 00:00:00.000, so
 * decoded times never go backwards.
 */
export function gpsToUtcNs(gpsNs: bigint): bigint {
  const asUnix = gpsNs + BigInt(GPS_EPOCH_UNIX) * 1_000_000_000n;
  for (let i = GPS_LEAP_SECONDS.length - 1; i >= 0; i--) {
    const leap = GPS_LEAP_SECONDS[i]!;
    const start = BigInt(leap.unix) * 1_000_000_000n;
    const n = BigInt(leap.gpsMinusUtc) * 1_000_000_000n;
    if (asUnix >= start + n) return asUnix - n;
    if (asUnix >= start + n - 1_000_000_000n) return start;
  }
  return asUnix;
}
