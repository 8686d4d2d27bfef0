/**
 * The shortest decimal that reads back as the same float32. A float32 register holding
 * 20.6 arrives as the double 20.59963607788086; storing, exporting and showing that
 * double invents digits the device never had. Pure, no allocation beyond the string.
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x; // NaN, ±Infinity and ±0 pass through (toPrecision would drop the sign of -0)
  const single = Math.fround(x);
  // 9 significant digits always identify a float32, so the loop ends by then.
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}
