import { randomInt } from 'node:crypto';

/** Random name suffixes for `metadata.generateName`, and the safe-encoding alphabet. */

/** Characters used for random suffixes: no vowels, no easily confused digits. */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Length of the random part appended to generateName. */
export const NAME_SUFFIX_LENGTH = 5;

/** Longest generateName prefix kept (63 minus the random suffix). */
export const MAX_GENERATE_NAME_PREFIX_LENGTH = 63 - NAME_SUFFIX_LENGTH;

/** Returns a number in [0, 1), like Math.random. */
export type RandomSource = () => number;

function pick(rng: RandomSource | undefined): string {
  const n = NAME_SUFFIX_ALPHABET.length;
  const i = rng ? Math.min(n - 1, Math.floor(rng() * n)) : randomInt(n);
  return NAME_SUFFIX_ALPHABET[i];
}

/** A random string of `length` characters from {@link NAME_SUFFIX_ALPHABET}. */
export function randomString(length: number, rng?: RandomSource): string {
  let out = '';
  for (let i = 0; i < length; i++) out += pick(rng);
  return out;
}

/** The 5-character random suffix for generated names. Uses crypto randomness unless `rng` is given. */
export function generateNameSuffix(rng?: RandomSource): string {
  return randomString(NAME_SUFFIX_LENGTH, rng);
}

/** `base` (truncated to 58 characters) plus a random suffix, as the apiserver does for generateName. */
export function generateName(base: string, rng?: RandomSource): string {
  const bytes = Buffer.from(base, 'utf8');
  const prefix =
    bytes.length > MAX_GENERATE_NAME_PREFIX_LENGTH ? bytes.subarray(0, MAX_GENERATE_NAME_PREFIX_LENGTH).toString('utf8') : base;
  return prefix + generateNameSuffix(rng);
}

/**
 * Map each character of `s` onto the suffix alphabet (by code point modulo
 * its length); used to render hashes such as pod-template-hash.
 */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += NAME_SUFFIX_ALPHABET[(ch.codePointAt(0) ?? 0) % NAME_SUFFIX_ALPHABET.length];
  return out;
}
