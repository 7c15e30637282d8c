import { LabelSelectorLike } from '../validation/labels';
import {
  LabelSelectorError,
  formatLabelSelector,
  labelsMatchSelector,
  parseToLabelSelector,
  selectorFromLabelSelector,
} from './label-selector';
import { LabelsLike } from './requirement';
import { matchesNothing, parseSelector } from './selector';

describe('selectorFromLabelSelector', () => {
  it.each([
    { desc: 'missing selector matches nothing', ps: undefined, out: '', nothing: true },
    { desc: 'null selector matches nothing', ps: null, out: '', nothing: true },
    { desc: 'empty selector matches everything', ps: {}, out: '', nothing: false },
    { desc: 'empty lists match everything', ps: { matchLabels: {}, matchExpressions: [] }, out: '', nothing: false },
    { desc: 'matchLabels', ps: { matchLabels: { foo: 'bar', baz: 'blah' } }, out: 'baz=blah,foo=bar', nothing: false },
    {
      desc: 'In',
      ps: { matchExpressions: [{ key: 'foo', operator: 'In', values: ['b', 'a'] }] },
      out: 'foo in (a,b)',
      nothing: false,
    },
    {
      desc: 'NotIn',
      ps: { matchExpressions: [{ key: 'foo', operator: 'NotIn', values: ['a'] }] },
      out: 'foo notin (a)',
      nothing: false,
    },
    { desc: 'Exists', ps: { matchExpressions: [{ key: 'foo', operator: 'Exists' }] }, out: 'foo', nothing: false },
    {
      desc: 'DoesNotExist',
      ps: { matchExpressions: [{ key: 'foo', operator: 'DoesNotExist', values: null }] },
      out: '!foo',
      nothing: false,
    },
    {
      desc: 'labels and expressions combined, sorted by key',
      ps: { matchLabels: { z: '1' }, matchExpressions: [{ key: 'a', operator: 'Exists' }] },
      out: 'a,z=1',
      nothing: false,
    },
  ])('$desc', ({ ps, out, nothing }) => {
    const sel = selectorFromLabelSelector(ps as LabelSelectorLike | null | undefined);
    expect(sel.toString()).toBe(out);
    expect(matchesNothing(sel)).toBe(nothing);
  });

  it.each([
    { desc: 'unknown operator', ps: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, err: '"Gt" is not a valid label selector operator' },
    { desc: 'missing operator', ps: { matchExpressions: [{ key: 'a' }] }, err: '"" is not a valid label selector operator' },
    { desc: 'In without values', ps: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, err: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty" },
    { desc: 'Exists with values', ps: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, err: 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist' },
    { desc: 'invalid label value', ps: { matchLabels: { a: 'b c' } }, err: /^values\[0\]\[a\]: Invalid value: "b c"/ },
    { desc: 'invalid key', ps: { matchLabels: { '-a': 'b' } }, err: /^key: Invalid value: "-a"/ },
  ])('rejects $desc', ({ ps, err }) => {
    expect(() => selectorFromLabelSelector(ps as LabelSelectorLike)).toThrow(err);
  });

  it('reports unknown operators with LabelSelectorError', () => {
    expect(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] })).toThrow(LabelSelectorError);
  });
});

describe('labelsMatchSelector', () => {
  it.each([
    { desc: 'null selector matches nothing', labels: { a: 'b' }, sel: null, match: false },
    { desc: 'empty selector matches everything', labels: { a: 'b' }, sel: {}, match: true },
    { desc: 'empty selector matches no labels too', labels: undefined, sel: {}, match: true },
    { desc: 'matchLabels hit', labels: { app: 'web', tier: 'fe' }, sel: { matchLabels: { app: 'web' } }, match: true },
    { desc: 'matchLabels miss', labels: { app: 'db' }, sel: { matchLabels: { app: 'web' } }, match: false },
    {
      desc: 'expression hit',
      labels: { env: 'prod' },
      sel: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] },
      match: true,
    },
    {
      desc: 'invalid selector matches nothing',
      labels: { env: 'prod' },
      sel: { matchExpressions: [{ key: 'env', operator: 'Bogus' }] },
      match: false,
    },
    { desc: 'parsed Selector', labels: { a: 'b' }, sel: parseSelector('a=b'), match: true },
  ])('$desc', ({ labels, sel, match }) => {
    expect(labelsMatchSelector(labels as LabelsLike, sel as LabelSelectorLike)).toBe(match);
  });
});

describe('parseToLabelSelector', () => {
  it.each([
    { desc: 'empty', input: '', out: { matchLabels: {}, matchExpressions: [] } },
    { desc: 'equality', input: 'a=b,c==d', out: { matchLabels: { a: 'b', c: 'd' }, matchExpressions: [] } },
    {
      desc: 'set based',
      input: 'x in (b,a),y notin (c),z,!w',
      out: {
        matchLabels: {},
        matchExpressions: [
          { key: 'w', operator: 'DoesNotExist', values: [] },
          { key: 'x', operator: 'In', values: ['a', 'b'] },
          { key: 'y', operator: 'NotIn', values: ['c'] },
          { key: 'z', operator: 'Exists', values: [] },
        ],
      },
    },
  ])('$desc', ({ input, out }) => {
    expect(parseToLabelSelector(input)).toEqual(out);
  });

  it.each([
    { desc: 'greater than', input: 'a>1', msg: '"gt" isn\'t supported in label selectors' },
    { desc: 'not equals', input: 'a!=b', msg: '"!=" is not a valid label selector operator' },
    { desc: 'syntax error', input: 'a in (b', msg: /^couldn't parse the selector string "a in \(b": unable to parse requirement/ },
  ])('rejects $desc', ({ input, msg }) => {
    expect(() => parseToLabelSelector(input)).toThrow(msg);
  });

  it.each([
    { desc: 'missing', ps: undefined, out: '<none>' },
    { desc: 'empty', ps: {}, out: '<none>' },
    { desc: 'labels', ps: { matchLabels: { b: '2', a: '1' } }, out: 'a=1,b=2' },
    { desc: 'invalid', ps: { matchExpressions: [{ key: 'a', operator: 'Bad' }] }, out: '<error>' },
  ])('formatLabelSelector: $desc', ({ ps, out }) => {
    expect(formatLabelSelector(ps)).toBe(out);
  });
});
