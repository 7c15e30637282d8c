import { parseGoInt64 } from '../util/go-compat';

/** Quantity suffixes: decimal SI (`m`, `k`, `M`...), binary SI (`Ki`, `Mi`...) and exponents (`e3`). */

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export interface SuffixMeaning {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

const DECIMAL: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL).map(([s, e]) => [e, s]));
const BINARY_BY_EXP = new Map(Object.entries(BINARY).map(([s, e]) => [e, s]));

function own(rec: Readonly<Record<string, number>>, k: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(rec, k) ? rec[k] : undefined;
}

/** Meaning of a suffix, or undefined if it is not one. */
export function interpretSuffix(suffix: string): SuffixMeaning | undefined {
  const d = own(DECIMAL, suffix);
  if (d !== undefined) return { base: 10, exponent: d, format: 'DecimalSI' };
  const b = own(BINARY, suffix);
  if (b !== undefined) return { base: 2, exponent: b, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'E' || suffix[0] === 'e')) {
    const parsed = parseGoInt64(suffix.slice(1));
    if (parsed === undefined) return undefined;
    // Upstream stores the exponent in 32 bits.
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** The decimal SI suffix for a power of ten (multiple of 3 in [-9, 18]). */
export function decimalSuffix(exponent: number): string | undefined {
  return DECIMAL_BY_EXP.get(exponent);
}

/** The binary SI suffix for a power of two (multiple of 10 in [10, 60]). */
export function binarySuffix(exponent: number): string | undefined {
  return BINARY_BY_EXP.get(exponent);
}

/** `e<exp>`, or '' for 0. */
export function exponentSuffix(exponent: number): string {
  return exponent === 0 ? '' : `e${exponent}`;
}
