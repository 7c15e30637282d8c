import {
  FieldsLike,
  andFieldSelectors,
  everythingFields,
  fieldSelectorFromSet,
  nothingFields,
  oneTermEqualSelector,
  oneTermNotEqualSelector,
  parseFieldSelector,
} from './selector';

describe('parseFieldSelector', () => {
  it.each([
    { desc: 'single term', input: 'metadata.name=foo', out: 'metadata.name=foo' },
    { desc: 'double equals becomes =', input: 'metadata.name==foo', out: 'metadata.name=foo' },
    { desc: 'not equals with empty value', input: 'spec.nodeName!=', out: 'spec.nodeName!=' },
    { desc: 'terms are sorted', input: 'metadata.name=foo,spec.nodeName!=', out: 'metadata.name=foo,spec.nodeName!=' },
    { desc: 'sorting by whole term', input: 'z=1,a=2', out: 'a=2,z=1' },
    { desc: 'empty', input: '', out: '' },
    { desc: 'empty terms skipped', input: 'a=1,,b=2,', out: 'a=1,b=2' },
    { desc: 'escaped comma in value', input: 'a=b\\,c', out: 'a=b\\,c' },
    { desc: 'escaped equals in value', input: 'a=b\\=c', out: 'a=b\\=c' },
    { desc: 'first operator splits', input: 'a!=b', out: 'a!=b' },
    { desc: 'spaces are kept', input: 'a = b', out: 'a = b' },
  ])('$desc: $input', ({ input, out }) => {
    expect(parseFieldSelector(input).toString()).toBe(out);
  });

  it.each([
    { desc: 'no operator', input: 'metadata.name', msg: "invalid selector: 'metadata.name'; can't understand 'metadata.name'" },
    { desc: 'no operator among others', input: 'a=b,c', msg: "invalid selector: 'a=b,c'; can't understand 'c'" },
    { desc: 'unescaped equals in value', input: 'a=b=c', msg: 'invalid field selector: unescaped character in value: 61' },
    { desc: 'bad escape', input: 'a=\\x', msg: 'invalid field selector: invalid escape sequence: \\x' },
  ])('rejects $desc', ({ input, msg }) => {
    expect(() => parseFieldSelector(input)).toThrow(msg);
  });

  it.each([
    { desc: 'equals hit', sel: 'metadata.name=foo', fields: { 'metadata.name': 'foo' }, match: true },
    { desc: 'equals miss', sel: 'metadata.name=foo', fields: { 'metadata.name': 'bar' }, match: false },
    { desc: 'unscheduled pods', sel: 'spec.nodeName=', fields: { 'spec.nodeName': '' }, match: true },
    { desc: 'missing field reads as empty', sel: 'spec.nodeName=', fields: {}, match: true },
    { desc: 'not equals empty', sel: 'spec.nodeName!=', fields: { 'spec.nodeName': 'n1' }, match: true },
    { desc: 'not equals empty on missing field', sel: 'spec.nodeName!=', fields: {}, match: false },
    { desc: 'conjunction', sel: 'a=1,b!=2', fields: { a: '1', b: '3' }, match: true },
    { desc: 'conjunction miss', sel: 'a=1,b!=2', fields: { a: '1', b: '2' }, match: false },
    { desc: 'escaped value', sel: 'a=x\\,y', fields: { a: 'x,y' }, match: true },
    { desc: 'map fields', sel: 'a=1', fields: new Map([['a', '1']]), match: true },
    { desc: 'inherited properties ignored', sel: 'toString=', fields: {}, match: true },
    { desc: 'empty selector', sel: '', fields: {}, match: true },
  ])('matches: $desc', ({ sel, fields, match }) => {
    expect(parseFieldSelector(sel).matches(fields as FieldsLike)).toBe(match);
  });

  it('exposes requirements for callers to check', () => {
    expect(parseFieldSelector('metadata.name==foo,spec.nodeName!=,foo=bar').requirements()).toEqual([
      { field: 'foo', operator: '=', value: 'bar' },
      { field: 'metadata.name', operator: '=', value: 'foo' },
      { field: 'spec.nodeName', operator: '!=', value: '' },
    ]);
  });

  it.each([
    { desc: 'single term', sel: 'a=1', field: 'a', want: '1' },
    { desc: 'in conjunction', sel: 'b!=2,a=1', field: 'a', want: '1' },
    { desc: 'not equals', sel: 'a!=1', field: 'a', want: undefined },
    { desc: 'other field', sel: 'a=1', field: 'b', want: undefined },
  ])('requiresExactMatch: $desc', ({ sel, field, want }) => {
    expect(parseFieldSelector(sel).requiresExactMatch(field)).toBe(want);
  });
});

describe('transform', () => {
  it('rewrites fields and values', () => {
    const sel = parseFieldSelector('spec.host=n1,metadata.name=x', (f, v) => [f === 'spec.host' ? 'spec.nodeName' : f, v]);
    expect(sel.toString()).toBe('metadata.name=x,spec.nodeName=n1');
  });

  it('drops terms mapped to empty field and value', () => {
    const sel = parseFieldSelector('a=1,b=2', (f, v) => (f === 'a' ? ['', ''] : [f, v]));
    expect(sel.toString()).toBe('b=2');
  });

  it('a single dropped term selects everything', () => {
    const sel = parseFieldSelector('a=1', () => ['', '']);
    expect(sel.empty()).toBe(true);
    expect(sel.matches({})).toBe(true);
  });

  it('propagates errors from the transform', () => {
    expect(() =>
      parseFieldSelector('foo=bar', (f) => {
        throw new Error(`field label not supported: ${f}`);
      }),
    ).toThrow('field label not supported: foo');
  });
});

describe('constructed selectors', () => {
  it.each([
    { desc: 'everything', sel: everythingFields(), str: '', empty: true, match: true },
    { desc: 'nothing', sel: nothingFields(), str: '', empty: false, match: false },
    { desc: 'one equal term', sel: oneTermEqualSelector('a', 'x,y'), str: 'a=x\\,y', empty: false, match: false },
    { desc: 'one not-equal term', sel: oneTermNotEqualSelector('a', '1'), str: 'a!=1', empty: false, match: true },
    { desc: 'and', sel: andFieldSelectors(oneTermEqualSelector('a', ''), oneTermNotEqualSelector('b', '1')), str: 'a=,b!=1', empty: false, match: true },
    { desc: 'and of empties', sel: andFieldSelectors(everythingFields()), str: '', empty: true, match: true },
    { desc: 'from set', sel: fieldSelectorFromSet({ b: '2', a: '1' }), str: 'a=1,b=2', empty: false, match: false },
    { desc: 'from missing set', sel: fieldSelectorFromSet(undefined), str: '', empty: true, match: true },
  ])('$desc', ({ sel, str, empty, match }) => {
    expect(sel.toString()).toBe(str);
    expect(sel.empty()).toBe(empty);
    expect(sel.matches({})).toBe(match);
  });
});
