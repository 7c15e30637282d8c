import { FieldPath } from '../validation/field-path';
import { LabelSelectorParseError, parseRequirements } from './parser';

function parseError(input: string, path?: FieldPath): LabelSelectorParseError {
  try {
    parseRequirements(input, path);
  } catch (e) {
    if (e instanceof LabelSelectorParseError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(input)} to fail`);
}

describe('parseRequirements errors', () => {
  it.each([
    {
      desc: 'unterminated set',
      input: 'a in (b',
      reason: "unable to parse requirement: found '', expected: ',' or ')'",
      position: 7,
    },
    {
      desc: 'operator without key',
      input: '=x',
      reason: "found '=', expected: !, identifier, or 'end of string'",
      position: 0,
    },
    {
      desc: 'unary operator used as binary',
      input: 'a!b',
      reason: "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt",
      position: 1,
    },
    {
      desc: 'second value without comma',
      input: 'a in (xyz abc)',
      reason: "unable to parse requirement: found 'abc', expected: ',' or ')'",
      position: 10,
    },
    {
      desc: 'missing open parenthesis',
      input: 'a in b',
      reason: "unable to parse requirement: found 'b' expected: '('",
      position: 5,
    },
    {
      desc: 'operator inside set',
      input: 'a in (=)',
      reason: "unable to parse requirement: found '=', expected: ',', ')' or identifier",
      position: 6,
    },
    {
      desc: 'operator after comma in set',
      input: 'a in (b,=)',
      reason: "unable to parse requirement: found '=', expected: ',', or identifier",
      position: 8,
    },
    {
      desc: 'operator as exact value',
      input: 'a=(',
      reason: "unable to parse requirement: found '(', expected: identifier",
      position: 2,
    },
    {
      desc: 'garbage after requirement',
      input: 'a=b c',
      reason: "found 'c', expected: ',' or 'end of string'",
      position: 4,
    },
    {
      desc: 'trailing comma',
      input: 'a,',
      reason: "found '', expected: identifier after ','",
      position: 2,
    },
    {
      desc: 'double comma',
      input: 'x,,y',
      reason: "found ',', expected: identifier after ','",
      position: 2,
    },
    {
      desc: 'bang without key',
      input: '!=a',
      reason: "found '!=', expected: !, identifier, or 'end of string'",
      position: 0,
    },
    {
      desc: 'double bang',
      input: '!!a',
      reason: "unable to parse requirement: found '!', expected: identifier",
      position: 1,
    },
    {
      desc: 'does-not-exist followed by value',
      input: '!x=a',
      reason: "found '=', expected: ',' or 'end of string'",
      position: 2,
    },
  ])('$desc: $input', ({ input, reason, position }) => {
    const err = parseError(input);
    expect(err.reason).toBe(reason);
    expect(err.position).toBe(position);
    expect(err.message).toBe(`${reason} (at position ${position})`);
    expect(err.input).toBe(input);
  });

  it.each([
    {
      desc: 'invalid key without a path prints <nil>',
      input: 'a$b=c',
      path: undefined,
      reason: /^unable to parse requirement: <nil>: Invalid value: "a\$b": name part must consist of/,
    },
    {
      desc: 'invalid key with a path',
      input: 'k$=v',
      path: FieldPath.of('spec', 'selector'),
      reason: /^unable to parse requirement: spec\.selector: Invalid value: "k\$": name part must consist of/,
    },
    {
      desc: 'invalid value',
      input: 'k=v$',
      path: undefined,
      reason: /^unable to parse requirement: values\[0\]\[k\]: Invalid value: "v\$": a valid label must be an empty string/,
    },
    {
      desc: 'non-integer for gt',
      input: 'k>v',
      path: undefined,
      reason: /^unable to parse requirement: values\[0\]: Invalid value: "v": for 'Gt', 'Lt' operators, the value must be an integer$/,
    },
  ])('$desc', ({ input, path, reason }) => {
    const err = parseError(input, path);
    expect(err.reason).toMatch(reason);
    expect(err.fieldErrors?.length).toBeGreaterThan(0);
  });

  it('a space-separated key fails on the second word', () => {
    // "a b=c" lexes as identifier "a" followed by identifier "b".
    expect(parseError('a b=c').reason).toBe(
      "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    );
  });
});

describe('parseRequirements results', () => {
  it.each([
    { desc: 'exists', input: 'x', key: 'x', operator: 'exists', values: [] as string[] },
    { desc: 'does not exist', input: '!x', key: 'x', operator: '!', values: [] },
    { desc: 'equals', input: 'x=a', key: 'x', operator: '=', values: ['a'] },
    { desc: 'double equals', input: 'x==a', key: 'x', operator: '==', values: ['a'] },
    { desc: 'not equals', input: 'x!=a', key: 'x', operator: '!=', values: ['a'] },
    { desc: 'in', input: 'x in (b,a)', key: 'x', operator: 'in', values: ['a', 'b'] },
    { desc: 'notin', input: 'x notin (a)', key: 'x', operator: 'notin', values: ['a'] },
    { desc: 'gt', input: 'x>1', key: 'x', operator: 'gt', values: ['1'] },
    { desc: 'lt', input: 'x<7', key: 'x', operator: 'lt', values: ['7'] },
    { desc: 'empty exact value', input: 'x=', key: 'x', operator: '=', values: [''] },
    { desc: 'in as key', input: 'in', key: 'in', operator: 'exists', values: [] },
  ])('$desc', ({ input, key, operator, values }) => {
    const [r] = parseRequirements(input);
    expect({ key: r.key, operator: r.operator, values: r.values }).toEqual({ key, operator, values });
  });
});
