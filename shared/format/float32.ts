/**
 * The shortest decimal that reads back as the same float32. A float32 register holding
 * 20.6 arrives as the double 20.59963607788086; storing, exporting and showing that
 * double invents digits the device never had. Pure, no allocation.
 *
 * The definition is the loop in `shortestBySearch`: the first of toPrecision(1..8) that
 * reads back as the float32, else toPrecision(9). It is called once per float32 reading
 * (up to 9 number-to-string-to-number round trips each: the pipeline bench's top cost),
 * so magnitudes in [1e-4, 1e12) take an exact arithmetic path that gives the same
 * numbers without strings; everything else takes the loop itself.
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x; // NaN, ±Infinity and ±0 pass through (toPrecision would drop the sign of -0)
  const single = Math.fround(x);
  const a = Math.abs(single);
  if (!(a >= 1e-4 && a < 1e12)) return shortestBySearch(single);
  // Decimal exponent e with 10^e <= a < 10^(e+1), checked exactly (log10 can be off by one near powers of ten).
  let e = Math.floor(Math.log10(a));
  if (!atLeastPow10(a, e)) e--;
  else if (atLeastPow10(a, e + 1)) e++;
  if (e < -4 || e > 11) return shortestBySearch(single);
  const sign = single < 0 ? -1 : 1;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = sign * roundToDigits(a, digits - 1 - e);
    if (Math.fround(candidate) === single) return candidate;
  }
  return sign * roundToDigits(a, 8 - e);
}

/** The reference definition, and the path for magnitudes outside [1e-4, 1e12). */
export function shortestBySearch(single: number): number {
  // 9 significant digits always identify a float32, so the loop ends by then.
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];

/** a >= 10^e, exactly, for a float32 magnitude a and -12 <= e <= 16. */
function atLeastPow10(a: number, e: number): boolean {
  // a * 10^-e is exact for e >= -12 (24 + 28 significant bits), 10^e is exact for e <= 22.
  return e >= 0 ? a >= POW10[e]! : a * POW10[-e]! >= 1;
}

/**
 * Number(a.toPrecision(d)) where k = d - 1 - e: a rounded half up (as toPrecision rounds
 * the exact value) to a multiple of 10^-k, as the nearest double. Exact for the ranges
 * the caller allows: 0 <= k <= 12 and 1 <= -k <= 11, at most 9 significant digits.
 */
function roundToDigits(a: number, k: number): number {
  if (k >= 0) {
    const p = POW10[k]!;
    // a * 10^k is exact (24 + 28 bits) and below 10^9, so + 0.5 is exact too; ties go up.
    // n / 10^k is one correctly rounded division: the double that parsing the digits gives.
    return Math.floor(a * p + 0.5) / p;
  }
  const p = POW10[-k]!;
  // a = q * p + r with 0 <= r < p, computed exactly: q * p fits 27 + 26 bits, r is a
  // difference of two numbers whose common granularity leaves it under 28 bits.
  let q = Math.floor(a / p);
  let r = a - q * p;
  if (r < 0) {
    q--;
    r += p;
  } else if (r >= p) {
    q++;
    r -= p;
  }
  return (2 * r >= p ? q + 1 : q) * p;
}
