// Small building blocks shared by the pod-spec validators: turning format
// messages into field errors, enum checks and the "semantic" equality the
// update rules use (unset, null, empty list and empty map are all the same).
import { type FieldError, type FieldPath, invalid, notSupported, required } from '@k8ts/apimachinery';

/** One Invalid error per message returned by a format check. */
export function invalidEach(p: FieldPath, value: unknown, messages: readonly string[]): FieldError[] {
  return messages.map((m) => invalid(p, value, m));
}

/**
 * An enumerated string field: '' (or unset) is Required when `allowEmpty` is
 * false, anything outside `valid` is NotSupported (listed in `valid`'s order).
 */
export function validateEnum(value: string | undefined, valid: readonly string[], p: FieldPath, allowEmpty = false): FieldError[] {
  const v = value ?? '';
  if (v === '') return allowEmpty ? [] : [required(p)];
  return valid.includes(v) ? [] : [notSupported(p, v, valid)];
}

/** Drops undefined/null, empty lists and empty maps so that absent and empty values compare equal. */
export function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = normalize((v as Record<string, unknown>)[k]);
      if (c === undefined || c === null) continue;
      if (Array.isArray(c) && c.length === 0) continue;
      if (typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      out[k] = c;
    }
    return out;
  }
  return v;
}

/** Deep equality in the sense of {@link normalize}. */
export function semanticallyEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a) ?? null) === JSON.stringify(normalize(b) ?? null);
}

/**
 * Field paths (rendered like validation paths) where `a` and `b` differ,
 * at most `limit` of them; used to explain a Forbidden spec change.
 */
export function differingPaths(a: unknown, b: unknown, base: string, limit = 10): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, at: string) => {
    if (out.length >= limit || JSON.stringify(x ?? null) === JSON.stringify(y ?? null)) return;
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      x.forEach((item, i) => walk(item, y[i], `${at}[${i}]`));
      return;
    }
    const isMap = (o: unknown) => o !== null && typeof o === 'object' && !Array.isArray(o);
    if (isMap(x) && isMap(y)) {
      const xo = x as Record<string, unknown>;
      const yo = y as Record<string, unknown>;
      for (const k of [...new Set([...Object.keys(xo), ...Object.keys(yo)])].sort()) walk(xo[k], yo[k], `${at}.${k}`);
      return;
    }
    out.push(at);
  };
  walk(normalize(a), normalize(b), base);
  return out;
}
