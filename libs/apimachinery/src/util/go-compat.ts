/**
 * Small helpers that reproduce how Go formats and compares strings, so that
 * messages and orderings produced here are byte-for-byte what a Kubernetes
 * server written in Go would produce.
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Quote a string the way Go's `strconv.Quote` (and `%q`) does. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') {
      out += '\\' + ch;
      continue;
    }
    if (PRINTABLE.test(ch)) {
      out += ch;
      continue;
    }
    switch (cp) {
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) {
      out += '\\x' + hex(cp, 2);
    } else if (cp < 0x10000) {
      out += '\\u' + hex(cp, 4);
    } else {
      out += '\\U' + hex(cp, 8);
    }
  }
  return out + '"';
}

/** Number of bytes in the UTF-8 encoding of `s` (Go's `len(s)`). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Compare two strings the way Go compares strings (byte-wise over UTF-8,
 * which is the same as comparing code points). Returns -1, 0 or 1.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      const ca = a.codePointAt(i) ?? 0;
      const cb = b.codePointAt(i) ?? 0;
      return ca < cb ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Sorted copy of `values` in Go string order. */
export function sortGoStrings(values: Iterable<string>): string[] {
  return [...values].sort(compareGoStrings);
}

/**
 * Serialize a value as Go's `encoding/json` would for the simple shapes we
 * deal with: HTML-sensitive characters are escaped, `undefined` becomes null.
 * Returns undefined when the value cannot be serialized (e.g. cycles).
 */
export function goJSON(value: unknown): string | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value === undefined ? null : value, (_k, v: unknown) =>
      typeof v === 'bigint' ? Number(v) : v,
    );
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  return text.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + hex(c.charCodeAt(0), 4));
}

/**
 * Strict decimal integer parse like Go's `strconv.ParseInt(s, 10, 64)`:
 * optional sign, ASCII digits only, within the int64 range.
 */
export function parseGoInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > INT64_MAX || v < INT64_MIN) return undefined;
  return v;
}

export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);
