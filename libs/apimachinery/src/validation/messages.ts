/** Standard wording for validation failures, shared by all checks. */

/** "must be no more than N characters" (used by the DNS-style checks). */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** "must be no more than N bytes" (used by label key/value checks). */
export function maxLenBytesError(length: number): string {
  return `must be no more than ${length} bytes`;
}

/** Explains a regex mismatch, listing examples and the regex itself. */
export function regexError(msg: string, regex: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${regex}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${regex}')`;
}

/** "must be non-empty". */
export function emptyError(): string {
  return 'must be non-empty';
}

/** "must be between LO and HI, inclusive". */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}
