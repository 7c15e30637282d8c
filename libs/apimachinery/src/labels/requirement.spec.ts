import { FieldErrorsAggregate } from '../validation/field-error-aggregate';
import { FieldPath } from '../validation/field-path';
import { LabelsLike, Operator, Requirement, lookupLabel, newRequirement } from './requirement';

function fieldErrorsOf(fn: () => unknown): { type: string; field: string; badValue: unknown }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof FieldErrorsAggregate) return e.errors.map(({ type, field, badValue }) => ({ type, field, badValue }));
    throw e;
  }
  return [];
}

describe('newRequirement', () => {
  const long = 'a'.repeat(254);
  it.each([
    { desc: 'in without values', key: 'x1', op: 'in', vals: [], errs: [{ type: 'FieldValueInvalid', field: 'values', badValue: [] }] },
    { desc: 'notin without values', key: 'x2', op: 'notin', vals: [], errs: [{ type: 'FieldValueInvalid', field: 'values', badValue: [] }] },
    { desc: 'in with a value', key: 'x3', op: 'in', vals: ['foo'], errs: [] },
    { desc: 'notin with a value', key: 'x4', op: 'notin', vals: ['foo'], errs: [] },
    {
      desc: 'equals with two values',
      key: 'x5',
      op: '=',
      vals: ['bar', 'foo'],
      errs: [{ type: 'FieldValueInvalid', field: 'values', badValue: ['bar', 'foo'] }],
    },
    { desc: 'exists', key: 'x6', op: 'exists', vals: [], errs: [] },
    { desc: 'does not exist', key: 'x7', op: '!', vals: [], errs: [] },
    {
      desc: 'exists with a value',
      key: 'x8',
      op: 'exists',
      vals: ['foo'],
      errs: [{ type: 'FieldValueInvalid', field: 'values', badValue: ['foo'] }],
    },
    { desc: 'gt with integer', key: 'x11', op: 'gt', vals: ['1'], errs: [] },
    { desc: 'lt with integer', key: 'x12', op: 'lt', vals: ['6'], errs: [] },
    { desc: 'gt without value', key: 'x13', op: 'gt', vals: [], errs: [{ type: 'FieldValueInvalid', field: 'values', badValue: [] }] },
    { desc: 'gt with non-integer', key: 'x14', op: 'gt', vals: ['bar'], errs: [{ type: 'FieldValueInvalid', field: 'values[0]', badValue: 'bar' }] },
    { desc: 'lt with non-integer', key: 'x15', op: 'lt', vals: ['bar'], errs: [{ type: 'FieldValueInvalid', field: 'values[0]', badValue: 'bar' }] },
    { desc: 'key too long', key: long, op: 'exists', vals: [], errs: [{ type: 'FieldValueInvalid', field: 'key', badValue: long }] },
    { desc: 'value too long', key: 'x16', op: '=', vals: [long], errs: [{ type: 'FieldValueInvalid', field: 'values[0][x16]', badValue: long }] },
    { desc: 'value with space', key: 'x17', op: '=', vals: ['a b'], errs: [{ type: 'FieldValueInvalid', field: 'values[0][x17]', badValue: 'a b' }] },
    {
      desc: 'unsupported operator',
      key: 'x18',
      op: 'unsupportedOp',
      vals: [],
      errs: [{ type: 'FieldValueNotSupported', field: 'operator', badValue: 'unsupportedOp' }],
    },
  ])('$desc', ({ key, op, vals, errs }) => {
    expect(fieldErrorsOf(() => newRequirement(key, op as Operator, vals))).toEqual(errs);
  });

  it('lists supported operators for an unknown one', () => {
    expect(() => newRequirement('x', 'bogus' as Operator, [])).toThrow(
      'operator: Unsupported value: "bogus": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    );
  });

  it('prefixes error fields with the given path', () => {
    expect(fieldErrorsOf(() => newRequirement('k', 'in', ['a b'], FieldPath.of('spec', 'selector')))).toEqual([
      { type: 'FieldValueInvalid', field: 'spec.selector.values[0][k]', badValue: 'a b' },
    ]);
  });

  it('aggregates several problems into one message', () => {
    expect(() => newRequirement('x', 'gt', ['a', 'b'])).toThrow(
      /^\[values: Invalid value: \["a","b"\]: for 'Gt', 'Lt' operators, exactly one value is required, values\[0\]: Invalid value: "a": .*, values\[1\]: Invalid value: "b": .*\]$/,
    );
  });
});

describe('Requirement', () => {
  it.each([
    { desc: 'in', req: new Requirement('x', 'in', ['def', 'abc']), out: 'x in (abc,def)' },
    { desc: 'notin with one value', req: new Requirement('x', 'notin', ['abc']), out: 'x notin (abc)' },
    { desc: 'notin empty value', req: new Requirement('z', 'notin', ['']), out: 'z notin ()' },
    { desc: 'equals', req: new Requirement('x', '=', ['abc']), out: 'x=abc' },
    { desc: 'double equals', req: new Requirement('y', '==', ['jkl']), out: 'y==jkl' },
    { desc: 'not equals', req: new Requirement('z', '!=', ['a']), out: 'z!=a' },
    { desc: 'exists', req: new Requirement('z', 'exists', []), out: 'z' },
    { desc: 'does not exist', req: new Requirement('z', '!', []), out: '!z' },
    { desc: 'gt', req: new Requirement('x', 'gt', ['2']), out: 'x>2' },
    { desc: 'lt', req: new Requirement('y', 'lt', ['8']), out: 'y<8' },
  ])('toString: $desc', ({ req, out }) => {
    expect(req.toString()).toBe(out);
  });

  it('keeps values in the given order but prints them sorted', () => {
    const r = new Requirement('x', 'in', ['b', 'a']);
    expect(r.values).toEqual(['b', 'a']);
    expect(r.sortedValues()).toEqual(['a', 'b']);
  });

  it.each([
    { desc: 'identical', a: new Requirement('x', 'in', ['a']), b: new Requirement('x', 'in', ['a']), eq: true },
    { desc: 'other key', a: new Requirement('x', 'in', ['a']), b: new Requirement('y', 'in', ['a']), eq: false },
    { desc: 'other operator', a: new Requirement('x', 'in', ['a']), b: new Requirement('x', 'notin', ['a']), eq: false },
    { desc: 'value order matters', a: new Requirement('x', 'in', ['a', 'b']), b: new Requirement('x', 'in', ['b', 'a']), eq: false },
  ])('equals: $desc', ({ a, b, eq }) => {
    expect(a.equals(b)).toBe(eq);
  });

  it.each([
    { desc: 'gt requires exactly one value', req: new Requirement('x', 'gt', ['1', '2']), labels: { x: '5' }, match: false },
    { desc: 'gt with non-integer requirement value', req: new Requirement('x', 'gt', ['a']), labels: { x: '5' }, match: false },
    { desc: 'lt beyond float precision', req: new Requirement('x', 'lt', ['9007199254740993']), labels: { x: '9007199254740992' }, match: true },
    { desc: 'gt outside int64', req: new Requirement('x', 'gt', ['1']), labels: { x: '9223372036854775808' }, match: false },
  ])('matches: $desc', ({ req, labels, match }) => {
    expect(req.matches(labels)).toBe(match);
  });
});

describe('lookupLabel', () => {
  it.each([
    { desc: 'own key', labels: { a: 'b' }, key: 'a', want: 'b' },
    { desc: 'missing key', labels: { a: 'b' }, key: 'c', want: undefined },
    { desc: 'inherited property', labels: {}, key: 'toString', want: undefined },
    { desc: 'map', labels: new Map([['a', 'b']]), key: 'a', want: 'b' },
    { desc: 'null labels', labels: null, key: 'a', want: undefined },
  ])('$desc', ({ labels, key, want }) => {
    expect(lookupLabel(labels as LabelsLike, key)).toBe(want);
  });
});
