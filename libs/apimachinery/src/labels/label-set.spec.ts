import { FieldPath } from '../validation/field-path';
import {
  convertSelectorToLabelsMap,
  formatLabels,
  labelsConflict,
  labelsEqual,
  labelsToString,
  mergeLabels,
} from './label-set';

type Labels = Record<string, string>;

describe('label set helpers', () => {
  it.each([
    { desc: 'sorted pairs', labels: { b: '2', a: '1' }, str: 'a=1,b=2', formatted: 'a=1,b=2' },
    { desc: 'no labels', labels: {}, str: '', formatted: '<none>' },
    { desc: 'missing labels', labels: undefined, str: '', formatted: '<none>' },
  ])('labelsToString / formatLabels: $desc', ({ labels, str, formatted }) => {
    expect(labelsToString(labels as Labels)).toBe(str);
    expect(formatLabels(labels as Labels)).toBe(formatted);
  });

  it.each([
    { desc: 'disjoint', a: { a: '1' }, b: { b: '1' }, conflict: false },
    { desc: 'same value', a: { a: '1' }, b: { a: '1', b: '2' }, conflict: false },
    { desc: 'different value', a: { a: '1' }, b: { a: '2' }, conflict: true },
    { desc: 'empty', a: {}, b: { a: '2' }, conflict: false },
  ])('labelsConflict: $desc', ({ a, b, conflict }) => {
    expect(labelsConflict(a as Labels, b as Labels)).toBe(conflict);
    expect(labelsConflict(b as Labels, a as Labels)).toBe(conflict);
  });

  it.each<{ desc: string; a?: Labels | null; b?: Labels | null; out: Labels }>([
    { desc: 'union', a: { a: '1' }, b: { b: '2' }, out: { a: '1', b: '2' } },
    { desc: 'second wins', a: { a: '1' }, b: { a: '2' }, out: { a: '2' } },
    { desc: 'missing maps', a: undefined, b: null, out: {} },
  ])('mergeLabels: $desc', ({ a, b, out }) => {
    expect(mergeLabels(a, b)).toEqual(out);
  });

  it.each([
    { desc: 'equal', a: { a: '1', b: '2' }, b: { b: '2', a: '1' }, eq: true },
    { desc: 'different size', a: { a: '1' }, b: { a: '1', b: '2' }, eq: false },
    { desc: 'different value', a: { a: '1' }, b: { a: '2' }, eq: false },
    { desc: 'different key', a: { a: '1' }, b: { b: '1' }, eq: false },
    { desc: 'both empty', a: undefined, b: {}, eq: true },
  ])('labelsEqual: $desc', ({ a, b, eq }) => {
    expect(labelsEqual(a as Labels, b as Labels)).toBe(eq);
  });

  it.each([
    { desc: 'empty', input: '', out: {} },
    { desc: 'pairs with spaces', input: 'a = 1, b=2', out: { a: '1', b: '2' } },
  ])('convertSelectorToLabelsMap: $desc', ({ input, out }) => {
    expect(convertSelectorToLabelsMap(input)).toEqual(out);
  });

  it.each([
    { desc: 'double equals', input: 'a==b', err: 'invalid selector: [a  b]' },
    { desc: 'not-equals is read as a bad key', input: 'a!=b', err: /^<nil>: Invalid value: "a!"/ },
    { desc: 'missing value', input: 'a', err: 'invalid selector: [a]' },
    { desc: 'invalid key', input: '-a=b', err: /^<nil>: Invalid value: "-a"/ },
    { desc: 'invalid value', input: 'a=-b', err: /^\[a\]: Invalid value: "-b"/ },
  ])('convertSelectorToLabelsMap rejects $desc', ({ input, err }) => {
    expect(() => convertSelectorToLabelsMap(input)).toThrow(err);
  });

  it('uses the given path for value errors', () => {
    expect(() => convertSelectorToLabelsMap('a=-b', FieldPath.of('selector'))).toThrow(/^selector\[a\]: Invalid value/);
  });
});
