import { fieldErrorToString } from './field-error';
import { path } from './field-path';
import {
  TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
  annotationsSize,
  labelSelectorHasInvalidLabelValue,
  validateAnnotations,
  validateLabelSelector,
  validateLabels,
} from './labels';

const strs = (errs: Parameters<typeof fieldErrorToString>[0][]) => errs.map(fieldErrorToString);

type Row = { desc: string; errs: unknown[] };

describe('validateLabels', () => {
  const p = path('metadata', 'labels');
  it.each<Row & { labels?: Record<string, string> }>([
    { desc: 'valid labels', labels: { app: 'web', 'example.com/tier': 'front-end', empty: '' }, errs: [] },
    { desc: 'no labels', labels: undefined, errs: [] },
    {
      desc: 'bad key',
      labels: { '-app': 'web' },
      errs: [expect.stringMatching(/^metadata\.labels: Invalid value: "-app": name part must consist of/)],
    },
    {
      desc: 'bad value',
      labels: { app: 'web site' },
      errs: [expect.stringMatching(/^metadata\.labels: Invalid value: "web site": a valid label must be an empty string/)],
    },
    {
      desc: 'long value',
      labels: { app: 'a'.repeat(64) },
      errs: [`metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 bytes`],
    },
  ])('$desc', ({ labels, errs }) => {
    expect(strs(validateLabels(labels, p))).toEqual(errs);
  });

  it('tags errors with their origin', () => {
    expect(validateLabels({ '-a': '-b' }, p).map((e) => e.origin)).toEqual(['format=k8s-label-key', 'format=k8s-label-value']);
  });
});

describe('validateAnnotations', () => {
  const p = path('metadata', 'annotations');
  it.each<Row & { annotations: Record<string, string> }>([
    { desc: 'valid', annotations: { 'example.com/note': 'anything at all: {"json": true}' }, errs: [] },
    { desc: 'upper-case prefix is fine', annotations: { 'Example.COM/Note': 'x' }, errs: [] },
    {
      desc: 'bad key',
      annotations: { 'a b': 'x' },
      errs: [expect.stringMatching(/^metadata\.annotations: Invalid value: "a b": name part must consist of/)],
    },
    {
      desc: 'exactly at the size limit',
      annotations: { k: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_BYTES - 1) },
      errs: [],
    },
    {
      desc: 'over the size limit',
      annotations: { k: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) },
      errs: ['metadata.annotations: Too long: may not be more than 262144 bytes'],
    },
  ])('$desc', ({ annotations, errs }) => {
    expect(strs(validateAnnotations(annotations, p))).toEqual(errs);
  });

  it('counts bytes, not characters', () => {
    expect(annotationsSize({ k: 'é' })).toBe(3);
  });
});

describe('validateLabelSelector', () => {
  const p = path('spec', 'selector');
  it.each([
    { desc: 'missing', ps: undefined, errs: [] },
    { desc: 'valid', ps: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['d'] }] }, errs: [] },
    {
      desc: 'In without values',
      ps: { matchExpressions: [{ key: 'c', operator: 'In', values: [] }] },
      errs: ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
    },
    {
      desc: 'Exists with values',
      ps: { matchExpressions: [{ key: 'c', operator: 'Exists', values: ['x'] }] },
      errs: ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
    },
    {
      desc: 'unknown operator',
      ps: { matchExpressions: [{ key: 'c', operator: 'Gt', values: ['1'] }] },
      errs: ['spec.selector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator'],
    },
    {
      desc: 'bad matchLabels value',
      ps: { matchLabels: { a: '-' } },
      errs: [expect.stringMatching(/^spec\.selector\.matchLabels: Invalid value: "-"/)],
    },
    {
      desc: 'bad expression value',
      ps: { matchExpressions: [{ key: 'c', operator: 'In', values: ['ok', '-'] }] },
      errs: [expect.stringMatching(/^spec\.selector\.matchExpressions\[0\]\.values\[1\]: Invalid value: "-"/)],
    },
  ])('$desc', ({ ps, errs }) => {
    expect(strs(validateLabelSelector(ps, {}, p))).toEqual(errs);
  });

  it.each([
    { desc: 'unknown operator allowed', opts: { allowUnknownOperatorInRequirement: true }, ps: { matchExpressions: [{ key: 'c', operator: 'Gt' }] } },
    { desc: 'invalid values allowed', opts: { allowInvalidLabelValueInSelector: true }, ps: { matchExpressions: [{ key: 'c', operator: 'In', values: ['-'] }] } },
  ])('options: $desc', ({ opts, ps }) => {
    expect(validateLabelSelector(ps, opts, p)).toEqual([]);
  });

  it.each([
    { desc: 'missing', ps: undefined, has: false },
    { desc: 'valid values', ps: { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }, has: false },
    { desc: 'invalid value', ps: { matchExpressions: [{ key: 'a', operator: 'In', values: ['b c'] }] }, has: true },
  ])('labelSelectorHasInvalidLabelValue: $desc', ({ ps, has }) => {
    expect(labelSelectorHasInvalidLabelValue(ps)).toBe(has);
  });
});
