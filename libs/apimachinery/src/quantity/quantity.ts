import { INT64_MAX, INT64_MIN } from '../util/go-compat';
import {
  Dec,
  addDec,
  compareDec,
  decToString,
  floatPow10,
  magnitude,
  roundAwayFromZero,
  stripFactors,
  toBigInt,
} from './decimal';
import { QuantityFormat, binarySuffix, decimalSuffix, exponentSuffix, interpretSuffix } from './suffix';

export type { QuantityFormat } from './suffix';

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** Why a quantity string was rejected. */
export type QuantityErrorCode = 'FormatWrong' | 'Numeric' | 'Suffix';

const MESSAGES: Record<QuantityErrorCode, string> = {
  FormatWrong: `quantities must match the regular expression '${SPLIT_RE}'`,
  Numeric: 'unable to parse numeric part of quantity',
  Suffix: "unable to parse quantity's suffix",
};

/** A string is not a valid quantity. `message` is the upstream error text. */
export class QuantityParseError extends Error {
  override readonly name = 'QuantityParseError';

  constructor(
    readonly code: QuantityErrorCode,
    readonly input: string,
  ) {
    super(MESSAGES[code]);
  }
}

/** Power-of-ten scales for {@link Quantity.scaledValue}. */
export const Scale = { Nano: -9, Micro: -6, Milli: -3, Kilo: 3, Mega: 6, Giga: 9, Tera: 12, Peta: 15, Exa: 18 } as const;

const MAX_ALLOWED: Dec = { unscaled: INT64_MAX, exp: 0 };
const ONE: Dec = { unscaled: 1n, exp: 0 };
const ZERO: Dec = { unscaled: 0n, exp: 0 };

interface Parts {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

// Splits "<sign><digits>.<digits><suffix>" like upstream, undefined when malformed.
function splitQuantity(str: string): Parts | undefined {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) return undefined;
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

const wrap32 = (n: number) => Number(BigInt.asIntN(32, BigInt(n)));

// Exact value of "[+-]digits[.digits]"; undefined when there is no digit.
function parseDecimal(value: string): Dec | undefined {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!m || (m[2] + (m[3] ?? '')).length === 0) return undefined;
  const frac = m[3] ?? '';
  const mag = BigInt(m[2] + frac);
  return { unscaled: m[1] === '-' ? -mag : mag, exp: -frac.length };
}

/**
 * A fixed-point amount with a preferred serialization format, as used for
 * resource requests/limits (`100m`, `1Gi`, `0.5`, `1e3`). Immutable; values
 * are exact (bigint based). Construct with {@link parseQuantity} or the
 * `new*Quantity` helpers.
 */
export class Quantity {
  private canonical?: string;

  private constructor(
    private readonly dec: Dec,
    /** The format used when printing. */
    readonly format: QuantityFormat,
    // The original text, kept only when upstream keeps it (it is then canonical, or close to it).
    private readonly original?: string,
  ) {}

  /** @internal */
  static of(dec: Dec, format: QuantityFormat, original?: string): Quantity {
    return new Quantity(dec, format, original);
  }

  /** Parse a quantity string. Throws {@link QuantityParseError}. */
  static parse(str: string): Quantity {
    if (str.length === 0) throw new QuantityParseError('FormatWrong', str);
    if (str === '0') return new Quantity(ZERO, 'DecimalSI', str);
    const parts = splitQuantity(str);
    if (!parts) throw new QuantityParseError('FormatWrong', str);
    const meaning = interpretSuffix(parts.suffix);
    if (!meaning) throw new QuantityParseError('Suffix', str);
    const { num, denom, positive } = parts;
    const { base, exponent } = meaning;
    let format = meaning.format;

    // Fast path: small values that need no rounding (upstream's int64 path).
    let precision: number;
    let scale: number;
    let mantissa = 1n;
    if (format === 'BinarySI') {
      scale = 0;
      if (exponent >= 0 && denom.length === 0) {
        mantissa = 1n << BigInt(exponent);
        precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
      } else {
        precision = -1;
      }
    } else {
      scale = exponent;
      precision = 18 - (num.length + denom.length);
    }
    if (precision >= 0) {
      scale = wrap32(scale - denom.length);
      if (scale >= Scale.Nano) {
        const shifted = num + denom;
        const v = BigInt(shifted);
        if (v > INT64_MAX) throw new QuantityParseError('Numeric', str);
        let result = v * mantissa;
        if (result <= INT64_MAX) {
          if (!positive) result = -result;
          const keep =
            format === 'BinarySI'
              ? exponent % 10 === 0 && (v & 7n) !== 0n
              : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
          return new Quantity({ unscaled: result, exp: scale }, format, keep ? str : undefined);
        }
      }
    }

    // Slow path: exact decimal, rounded up to nano precision.
    const parsed = parseDecimal(parts.value);
    if (!parsed) throw new QuantityParseError('Numeric', str);
    let amount: Dec =
      base === 10
        ? { unscaled: parsed.unscaled, exp: parsed.exp + exponent }
        : { unscaled: parsed.unscaled << BigInt(exponent), exp: parsed.exp };
    const negative = amount.unscaled < 0n;
    if (negative) amount = { unscaled: -amount.unscaled, exp: amount.exp };
    if (amount.unscaled !== 0n) amount = roundAwayFromZero(amount, Scale.Nano).dec;
    if (format === 'BinarySI' && compareDec(amount, MAX_ALLOWED) > 0) amount = MAX_ALLOWED;
    if (format === 'BinarySI' && compareDec(amount, ONE) < 0 && compareDec(amount, ZERO) > 0) format = 'DecimalSI';
    if (negative) amount = { unscaled: -amount.unscaled, exp: amount.exp };
    return new Quantity(amount, format);
  }

  /** -1, 0 or 1 comparing values (formats are ignored). */
  cmp(y: Quantity): number {
    return compareDec(this.dec, y.dec);
  }

  equals(y: Quantity): boolean {
    return this.cmp(y) === 0;
  }

  isZero(): boolean {
    return this.dec.unscaled === 0n;
  }

  /** -1, 0 or 1. */
  sign(): number {
    return this.dec.unscaled === 0n ? 0 : this.dec.unscaled < 0n ? -1 : 1;
  }

  /** this + y; a zero receiver takes y's format. */
  add(y: Quantity): Quantity {
    return new Quantity(addDec(this.dec, y.dec), this.isZero() ? y.format : this.format);
  }

  /** this - y; a zero receiver takes y's format. */
  sub(y: Quantity): Quantity {
    return new Quantity(addDec(this.dec, { unscaled: -y.dec.unscaled, exp: y.dec.exp }), this.isZero() ? y.format : this.format);
  }

  /** this * n. */
  mul(n: number | bigint): Quantity {
    return new Quantity({ unscaled: this.dec.unscaled * BigInt(n), exp: this.dec.exp }, this.format);
  }

  /** -this. */
  neg(): Quantity {
    return new Quantity({ unscaled: -this.dec.unscaled, exp: this.dec.exp }, this.format);
  }

  /**
   * Round away from zero to a multiple of 10^scale (e.g. Scale.Milli).
   * `exact` is false when precision was lost.
   */
  roundUp(scale: number): { quantity: Quantity; exact: boolean } {
    if (this.dec.exp >= scale) return { quantity: this, exact: true };
    const { dec, exact } = roundAwayFromZero(this.dec, scale);
    return { quantity: new Quantity(dec, this.format), exact };
  }

  /**
   * The value in units of 10^scale, rounded away from zero, as a bigint
   * saturated to the int64 range (upstream's int64 result would overflow).
   */
  scaledValueBigInt(scale: number): bigint {
    const rounded = roundAwayFromZero(this.dec, scale).dec;
    const shifted: Dec = { unscaled: rounded.unscaled, exp: rounded.exp - scale };
    if (magnitude(shifted) > 19) return shifted.unscaled < 0n ? INT64_MIN : INT64_MAX;
    const v = toBigInt(shifted);
    return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : v;
  }

  /** Whole units, rounded up (away from zero): `1.5` -> 2, `100m` -> 1. */
  valueBigInt(): bigint {
    return this.scaledValueBigInt(0);
  }

  /** Thousandths, rounded up: `0.5` -> 500. */
  milliValueBigInt(): bigint {
    return this.scaledValueBigInt(Scale.Milli);
  }

  /** {@link scaledValueBigInt} as a number (exact up to 2^53). */
  scaledValue(scale: number): number {
    return Number(this.scaledValueBigInt(scale));
  }

  /** {@link valueBigInt} as a number. */
  value(): number {
    return this.scaledValue(0);
  }

  /** {@link milliValueBigInt} as a number. */
  milliValue(): number {
    return this.scaledValue(Scale.Milli);
  }

  /** Floating-point approximation of the value. */
  asApproximateFloat64(): number {
    const base = Number(this.dec.unscaled);
    return this.dec.exp === 0 ? base : base * floatPow10(this.dec.exp);
  }

  /** Exact value in plain decimal notation (`1.5`, `0.001`, `1073741824`). */
  toDecimalString(): string {
    return decToString(this.dec);
  }

  /** Canonical form, e.g. `500m`, `1Gi`, `1536Mi`, `1e3`. */
  toString(): string {
    if (this.original !== undefined) return this.original;
    if (this.canonical === undefined) this.canonical = this.canonicalize();
    return this.canonical;
  }

  /** Quantities serialize as their string form. */
  toJSON(): string {
    return this.toString();
  }

  private canonicalize(): string {
    if (this.isZero()) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      if (this.cmp(newQuantity(-1024, 'DecimalSI')) > 0 && this.cmp(newQuantity(1024, 'DecimalSI')) < 0) {
        format = 'DecimalSI';
      } else {
        const { dec, exact } = roundAwayFromZero(this.dec, 0);
        if (exact) {
          const { rest, times } = stripFactors(toBigInt(dec), 1024n);
          if (times === 0) return rest.toString();
          const suffix = binarySuffix(times * 10);
          if (suffix !== undefined) return rest.toString() + suffix;
        }
        format = 'DecimalSI';
      }
    }
    const { rest, times } = stripFactors(this.dec.unscaled, 10n);
    let mantissa = rest;
    let exp = this.dec.exp + times;
    while (exp % 3 !== 0) {
      mantissa *= 10n;
      exp--;
    }
    // Beyond the SI suffixes (above E or below n) fall back to exponent notation rather than drop the scale.
    const suffix = format === 'DecimalSI' ? decimalSuffix(exp) ?? exponentSuffix(exp) : exponentSuffix(exp);
    return mantissa.toString() + suffix;
  }
}

/** Parse a quantity string (`100m`, `1Gi`, `0.5`, `1e3`, `-1`). Throws {@link QuantityParseError}. */
export function parseQuantity(str: string): Quantity {
  return Quantity.parse(str);
}

/**
 * Decode the JSON form: a string (surrounding whitespace ignored) or a
 * number (JavaScript's `1e+21` is read as the JSON text `1e21`).
 */
export function quantityFromJSON(value: string | number): Quantity {
  return Quantity.parse(typeof value === 'number' ? String(value).replace('e+', 'e') : value.trim());
}

function toBig(value: number | bigint): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`quantity value must be a safe integer, got ${value}`);
  }
  return BigInt(value);
}

/** `value` units in the given format: newQuantity(1024, 'BinarySI') prints `1Ki`. */
export function newQuantity(value: number | bigint, format: QuantityFormat): Quantity {
  return Quantity.of({ unscaled: toBig(value), exp: 0 }, format);
}

/** `value` thousandths: newMilliQuantity(1500, 'DecimalSI') prints `1500m`. */
export function newMilliQuantity(value: number | bigint, format: QuantityFormat): Quantity {
  return Quantity.of({ unscaled: toBig(value), exp: -3 }, format);
}

/** `value * 10^scale` in DecimalSI: newScaledQuantity(5, Scale.Mega) prints `5M`. */
export function newScaledQuantity(value: number | bigint, scale: number): Quantity {
  return Quantity.of({ unscaled: toBig(value), exp: scale }, 'DecimalSI');
}

/** Compare two quantities (-1, 0, 1); handy for sorting. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.cmp(b);
}
