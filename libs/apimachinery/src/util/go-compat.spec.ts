import { compareGoStrings, goJSON, goQuote, parseGoInt64, sortGoStrings, utf8Length } from './go-compat';

describe('goQuote', () => {
  it.each([
    { desc: 'plain', in: 'abc', out: '"abc"' },
    { desc: 'empty', in: '', out: '""' },
    { desc: 'quote and backslash', in: 'a"b\\c', out: '"a\\"b\\\\c"' },
    { desc: 'newline and tab', in: 'a\nb\tc', out: '"a\\nb\\tc"' },
    { desc: 'bell, backspace, form feed, vertical tab, CR', in: '\x07\b\f\v\r', out: '"\\a\\b\\f\\v\\r"' },
    { desc: 'other control characters', in: '\x00\x1f\x7f', out: '"\\x00\\x1f\\x7f"' },
    { desc: 'printable unicode kept', in: 'héllo wörld ✓', out: '"héllo wörld ✓"' },
    { desc: 'non-printable unicode escaped', in: '\u200b\u2028', out: '"\\u200b\\u2028"' },
    { desc: 'astral printable kept', in: '😀', out: '"😀"' },
    { desc: 'astral non-printable escaped', in: '\u{e0001}', out: '"\\U000e0001"' },
  ])('$desc', ({ in: input, out }) => {
    expect(goQuote(input)).toBe(out);
  });
});

describe('string ordering and sizes', () => {
  it.each([
    { desc: 'equal', a: 'a', b: 'a', cmp: 0 },
    { desc: 'prefix first', a: 'a', b: 'ab', cmp: -1 },
    { desc: 'byte order', a: 'B', b: 'a', cmp: -1 },
    { desc: 'astral after high BMP (unlike UTF-16 order)', a: '\u{1F600}', b: '\uFF21', cmp: 1 },
  ])('compareGoStrings: $desc', ({ a, b, cmp }) => {
    expect(compareGoStrings(a, b)).toBe(cmp);
    expect(compareGoStrings(b, a)).toBe(cmp === 0 ? 0 : -cmp);
  });

  it('sortGoStrings', () => {
    expect(sortGoStrings(new Set(['b', 'a', 'B']))).toEqual(['B', 'a', 'b']);
  });

  it.each([
    { desc: 'bytes of abc', in: 'abc', n: 3 },
    { desc: 'bytes of é', in: 'é', n: 2 },
    { desc: 'bytes of 😀', in: '😀', n: 4 },
  ])('utf8Length($in) = $n', ({ in: input, n }) => {
    expect(utf8Length(input)).toBe(n);
  });
});

describe('goJSON and parseGoInt64', () => {
  it.each([
    { desc: 'list', in: ['a', 'b'], out: '["a","b"]' },
    { desc: 'html escaped', in: '<&>', out: '"\\u003c\\u0026\\u003e"' },
    { desc: 'undefined is null', in: undefined, out: 'null' },
    { desc: 'bigint', in: { n: 5n }, out: '{"n":5}' },
  ])('goJSON: $desc', ({ in: input, out }) => {
    expect(goJSON(input)).toBe(out);
  });

  it('goJSON gives up on cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(goJSON(a)).toBeUndefined();
  });

  it.each([
    { desc: 'parse \'42\'', in: '42', out: 42n },
    { desc: 'parse \'+7\'', in: '+7', out: 7n },
    { desc: 'parse \'-0012\'', in: '-0012', out: -12n },
    { desc: 'parse \'9223372036854775807\'', in: '9223372036854775807', out: 9223372036854775807n },
    { desc: 'parse \'9223372036854775808\'', in: '9223372036854775808', out: undefined },
    { desc: 'parse \'-9223372036854775808\'', in: '-9223372036854775808', out: -9223372036854775808n },
    { desc: 'parse \'1_000\'', in: '1_000', out: undefined },
    { desc: 'parse \'0x10\'', in: '0x10', out: undefined },
    { desc: 'parse \'\'', in: '', out: undefined },
    { desc: 'parse \' 1\'', in: ' 1', out: undefined },
  ])('parseGoInt64($in)', ({ in: input, out }) => {
    expect(parseGoInt64(input)).toBe(out);
  });
});
