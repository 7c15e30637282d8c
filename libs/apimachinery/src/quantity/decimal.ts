/**
 * Exact decimal arithmetic on (unscaled, exponent) pairs, value =
 * unscaled * 10^exponent, with bigint mantissas.
 */

export interface Dec {
  unscaled: bigint;
  exp: number;
}

const TEN = 10n;

export function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function digitCount(x: bigint): number {
  return x === 0n ? 0 : abs(x).toString().length;
}

/** -1, 0 or 1. Cheap even when the exponents are far apart. */
export function compareDec(a: Dec, b: Dec): number {
  const sa = a.unscaled === 0n ? 0 : a.unscaled < 0n ? -1 : 1;
  const sb = b.unscaled === 0n ? 0 : b.unscaled < 0n ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  // Same sign: compare magnitudes by order of magnitude first.
  const oa = digitCount(a.unscaled) + a.exp;
  const ob = digitCount(b.unscaled) + b.exp;
  if (oa !== ob) return (oa < ob ? -1 : 1) * sa;
  const e = Math.min(a.exp, b.exp);
  const x = a.unscaled * pow10(a.exp - e);
  const y = b.unscaled * pow10(b.exp - e);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** a + b (the result has the smaller exponent of the two). */
export function addDec(a: Dec, b: Dec): Dec {
  if (b.unscaled === 0n) return a;
  if (a.unscaled === 0n) return b;
  const e = Math.min(a.exp, b.exp);
  return { unscaled: a.unscaled * pow10(a.exp - e) + b.unscaled * pow10(b.exp - e), exp: e };
}

/**
 * Round to exponent `exp` (only ever coarsening), away from zero.
 * `exact` is false when digits were dropped.
 */
export function roundAwayFromZero(d: Dec, exp: number): { dec: Dec; exact: boolean } {
  if (d.exp >= exp) return { dec: d, exact: true };
  const drop = exp - d.exp;
  const neg = d.unscaled < 0n;
  const mag = abs(d.unscaled);
  if (mag === 0n) return { dec: { unscaled: 0n, exp }, exact: true };
  if (drop > digitCount(mag)) return { dec: { unscaled: neg ? -1n : 1n, exp }, exact: false };
  const div = pow10(drop);
  let q = mag / div;
  const exact = mag % div === 0n;
  if (!exact) q += 1n;
  return { dec: { unscaled: neg ? -q : q, exp }, exact };
}

/** Remove trailing factors of `factor` from x; returns the rest and how many were removed. */
export function stripFactors(x: bigint, factor: bigint): { rest: bigint; times: number } {
  let times = 0;
  while (x !== 0n && x % factor === 0n) {
    x /= factor;
    times++;
  }
  return { rest: x, times };
}

/** The exact integer value, if the decimal has no fractional part (or is huge but integral). */
export function toBigInt(d: Dec): bigint {
  if (d.exp >= 0) return d.unscaled * pow10(d.exp);
  return d.unscaled / pow10(-d.exp);
}

/** Plain decimal notation, e.g. `1.5`, `-0.001`, `1000`. */
export function decToString(d: Dec): string {
  const { rest, times } = stripFactors(d.unscaled, TEN);
  const exp = d.exp + times;
  if (rest === 0n) return '0';
  const neg = rest < 0n;
  const digits = abs(rest).toString();
  let body: string;
  if (exp >= 0) body = digits + '0'.repeat(exp);
  else if (-exp < digits.length) body = digits.slice(0, digits.length + exp) + '.' + digits.slice(digits.length + exp);
  else body = '0.' + '0'.repeat(-exp - digits.length) + digits;
  return (neg ? '-' : '') + body;
}

/** Order of magnitude helper: number of digits of |unscaled| plus exponent. */
export function magnitude(d: Dec): number {
  return digitCount(d.unscaled) + d.exp;
}

const TAB = Array.from({ length: 32 }, (_, i) => Number(`1e${i}`));
const POS32 = Array.from({ length: 10 }, (_, i) => Number(`1e${i * 32}`));
const NEG32 = Array.from({ length: 11 }, (_, i) => Number(`1e-${i * 32}`));

/** 10^n as a float, computed the way Go's math.Pow10 does (same rounding). */
export function floatPow10(n: number): number {
  if (n >= 0 && n <= 308) return POS32[n >> 5] * TAB[n & 31];
  if (n < 0 && n >= -323) return NEG32[-n >> 5] / TAB[-n & 31];
  return n > 0 ? Infinity : 0;
}
