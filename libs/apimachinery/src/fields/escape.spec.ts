import { FieldSelectorParseError, escapeFieldValue, unescapeFieldValue } from './escape';

describe('field value escaping', () => {
  it.each([
    { desc: 'plain', raw: 'foo', escaped: 'foo' },
    { desc: 'empty', raw: '', escaped: '' },
    { desc: 'comma', raw: 'a,b', escaped: 'a\\,b' },
    { desc: 'equals', raw: 'a=b', escaped: 'a\\=b' },
    { desc: 'backslash', raw: 'a\\b', escaped: 'a\\\\b' },
    { desc: 'all three', raw: '\\=,', escaped: '\\\\\\=\\,' },
    { desc: 'unicode', raw: 'ü=1', escaped: 'ü\\=1' },
  ])('$desc', ({ raw, escaped }) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });

  it.each([
    { desc: 'unknown escape', input: 'a\\b', msg: 'invalid field selector: invalid escape sequence: \\b' },
    { desc: 'dangling backslash', input: 'a\\', msg: 'invalid field selector: invalid escape sequence: \\' },
    { desc: 'unescaped comma', input: 'a,b', msg: 'invalid field selector: unescaped character in value: 44' },
    { desc: 'unescaped equals', input: 'a=b', msg: 'invalid field selector: unescaped character in value: 61' },
  ])('rejects $desc', ({ input, msg }) => {
    expect(() => unescapeFieldValue(input)).toThrow(new FieldSelectorParseError(msg));
  });
});
