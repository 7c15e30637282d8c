import { goQuote } from '../util/go-compat';

/** Helpers for IntOrString values (`maxUnavailable: 25%`, `targetPort: 8080`). */

/** `type` discriminator values of the structured form. */
export const IntOrStringType = { Int: 0, String: 1 } as const;

/** The structured (protobuf) shape: `{type: 0, intVal}` or `{type: 1, strVal}`. */
export interface IntOrStringObject {
  type?: number;
  intVal?: number;
  strVal?: string;
}

/** Accepted everywhere: the structured form, or the JSON form (a number or a string). */
export type IntOrStringLike = IntOrStringObject | number | string;

/** An int IntOrString (values are truncated to int32 as upstream stores them). */
export function fromInt(val: number): IntOrStringObject {
  return { type: IntOrStringType.Int, intVal: val | 0 };
}

/** A string IntOrString. */
export function fromString(val: string): IntOrStringObject {
  return { type: IntOrStringType.String, strVal: val };
}

/** An int if `val` parses as a 32-bit integer, otherwise a string. */
export function parseIntOrString(val: string): IntOrStringObject {
  const n = atoi(val);
  if (n.ok && n.value >= -2147483648 && n.value <= 2147483647) return fromInt(Number(n.value));
  return fromString(val);
}

// A structured value without `type` is a string when only `strVal` is set, an int otherwise.
function normalize(x: IntOrStringLike): IntOrStringObject {
  if (typeof x === 'number') return fromInt(x);
  if (typeof x === 'string') return fromString(x);
  if (x.type === undefined) {
    return x.strVal !== undefined && x.intVal === undefined ? fromString(x.strVal) : { ...x, type: IntOrStringType.Int };
  }
  return x;
}

/** Whether it holds a string. */
export function isIntOrStringString(x: IntOrStringLike): boolean {
  return normalize(x).type === IntOrStringType.String;
}

/** The JSON form: a number or a string. */
export function intOrStringToJSON(x: IntOrStringLike): number | string {
  const o = normalize(x);
  return o.type === IntOrStringType.String ? o.strVal ?? '' : o.intVal ?? 0;
}

type AtoiResult = { ok: true; value: bigint } | { ok: false; error: string };

// Go's strconv.Atoi on a 64-bit platform, including its error text.
function atoi(s: string): AtoiResult {
  if (!/^[+-]?[0-9]+$/.test(s)) return { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: invalid syntax` };
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) {
    return { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: value out of range` };
  }
  return { ok: true, value: v };
}

/** The integer held, or the string parsed as an integer (0 when it does not parse). */
export function intOrStringValue(x: IntOrStringLike): number {
  const o = normalize(x);
  if (o.type === IntOrStringType.String) {
    const r = atoi(o.strVal ?? '');
    return r.ok ? Number(r.value) : 0;
  }
  return o.intVal ?? 0;
}

/** The string form: the string held, or the integer in decimal. */
export function intOrStringToString(x: IntOrStringLike): string {
  const o = normalize(x);
  return o.type === IntOrStringType.String ? o.strVal ?? '' : String(intOrStringValue(o));
}

function percentValue(x: IntOrStringLike, strict: boolean): { value: number; isPercent: boolean } {
  const o = normalize(x);
  if (o.type === IntOrStringType.Int) return { value: intOrStringValue(o), isPercent: false };
  if (o.type !== IntOrStringType.String) throw new Error('invalid type: neither int nor percentage');
  const raw = o.strVal ?? '';
  let s: string;
  if (strict) {
    if (!raw.endsWith('%')) throw new Error('invalid type: string is not a percentage');
    s = raw.slice(0, -1);
  } else {
    s = raw.split('%').join('');
  }
  const r = atoi(s);
  if (!r.ok) throw new Error(`invalid value ${goQuote(raw)}: ${r.error}`);
  return { value: Number(r.value), isPercent: true };
}

function scale(x: IntOrStringLike | null | undefined, total: number, roundUp: boolean, strict: boolean): number {
  if (x === null || x === undefined) throw new Error('nil value for IntOrString');
  let v: { value: number; isPercent: boolean };
  try {
    v = percentValue(x, strict);
  } catch (e) {
    throw new Error(`invalid value for IntOrString: ${(e as Error).message}`);
  }
  if (!v.isPercent) return v.value;
  const exact = (v.value * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * Resolve an int or a percentage of `total`: `"25%"` of 10 is 3 rounding
 * up, 2 rounding down; an int is returned unchanged. Strings must end in
 * '%'. Throws `invalid value for IntOrString: ...` for anything else.
 */
export function getScaledValueFromIntOrPercent(
  x: IntOrStringLike | null | undefined,
  total: number,
  roundUp: boolean,
): number {
  return scale(x, total, roundUp, true);
}

/**
 * Deprecated upstream variant of {@link getScaledValueFromIntOrPercent} that
 * strips every '%' and treats any string as a percentage.
 */
export function getValueFromIntOrPercent(x: IntOrStringLike | null | undefined, total: number, roundUp: boolean): number {
  return scale(x, total, roundUp, false);
}

/** `x` if present, else `defaultValue`. */
export function intOrStringValueOrDefault(x: IntOrStringLike | null | undefined, defaultValue: IntOrStringLike): IntOrStringLike {
  return x ?? defaultValue;
}
