import {
  MAX_GENERATE_NAME_PREFIX_LENGTH,
  NAME_SUFFIX_ALPHABET,
  generateName,
  generateNameSuffix,
  randomString,
  safeEncodeString,
} from './generate-name';

function seq(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('generated names', () => {
  it('uses the upstream alphabet', () => {
    expect(NAME_SUFFIX_ALPHABET).toBe('bcdfghjklmnpqrstvwxz2456789');
  });

  it.each([
    { desc: 'first letter', rng: seq([0]), out: 'bbbbb' },
    { desc: 'last letter', rng: seq([0.9999]), out: '99999' },
    { desc: 'mixed', rng: seq([0, 0.5, 0.9999, 0.1, 0.2]), out: 'br9dh' },
    { desc: 'rng returning 1 is clamped', rng: seq([1]), out: '99999' },
  ])('generateNameSuffix with $desc', ({ rng, out }) => {
    expect(generateNameSuffix(rng)).toBe(out);
  });

  it('is random and valid by default', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const s = generateNameSuffix();
      expect(s).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      seen.add(s);
    }
    expect(seen.size).toBeGreaterThan(40);
  });

  it.each([
    { desc: 'short base', base: 'web-', out: 'web-bbbbb' },
    { desc: 'long base is truncated', base: 'x'.repeat(70), out: 'x'.repeat(MAX_GENERATE_NAME_PREFIX_LENGTH) + 'bbbbb' },
    { desc: 'empty base', base: '', out: 'bbbbb' },
  ])('generateName: $desc', ({ base, out }) => {
    expect(generateName(base, seq([0]))).toBe(out);
    expect(generateName(base, seq([0])).length).toBeLessThanOrEqual(63);
  });

  it('randomString has the asked length', () => {
    expect(randomString(10)).toHaveLength(10);
  });

  it.each([
    { desc: 'encode 0', in: '0', out: '4' },
    { desc: 'encode 123', in: '123', out: '567' },
    { desc: 'encode 4294967295', in: '4294967295', out: '86f8fbc6f9' },
  ])('safeEncodeString($in)', ({ in: input, out }) => {
    expect(safeEncodeString(input)).toBe(out);
  });
});
