import { LabelsLike, newRequirement } from './requirement';
import {
  everything,
  matchesNothing,
  nothing,
  parseSelector,
  selectorFromRequirements,
  selectorFromSet,
  validatedSelectorFromSet,
} from './selector';

describe('parseSelector', () => {
  it.each([
    { desc: 'equality terms', input: 'x=a,y=b,z=c', out: 'x=a,y=b,z=c' },
    { desc: 'empty string selects everything', input: '', out: '' },
    { desc: 'inequality', input: 'x!=a,y=b', out: 'x!=a,y=b' },
    { desc: 'empty value', input: 'x=', out: 'x=' },
    { desc: 'empty value with trailing space', input: 'x= ', out: 'x=' },
    { desc: 'two empty values', input: 'x=,z= ', out: 'x=,z=' },
    { desc: 'spaces around values', input: 'x= ,z= ', out: 'x=,z=' },
    { desc: 'does-not-exist', input: '!x', out: '!x' },
    { desc: 'greater than', input: 'x>1', out: 'x>1' },
    { desc: 'greater and less than', input: 'x>1,z<5', out: 'x>1,z<5' },
    { desc: 'double equals kept', input: 'x==a', out: 'x==a' },
    { desc: 'sorted by key', input: 'x=a,a=x', out: 'a=x,x=a' },
    { desc: 'leading carriage return', input: '\rx', out: 'x' },
    { desc: 'set values sorted', input: 'x in (def,abc)', out: 'x in (abc,def)' },
    { desc: 'duplicate set values collapse', input: 'x in (abc,abc)', out: 'x in (abc)' },
    { desc: 'empty set is the empty value', input: 'x in ()', out: 'x in ()' },
    { desc: 'trailing comma adds empty value', input: 'x in (abc,)', out: 'x in (,abc)' },
    { desc: 'runs of commas', input: 'x in (a,,a,,a,,a,,)', out: 'x in (,a)' },
    { desc: 'leading comma', input: 'x notin (, a)', out: 'x notin (,a)' },
    { desc: 'blank set', input: 'x notin ( )', out: 'x notin ()' },
    { desc: 'keywords as values', input: 'a in (x,y,notin, z,in)', out: 'a in (in,notin,x,y,z)' },
    { desc: 'keyword as key and value', input: 'notin=in', out: 'notin=in' },
    { desc: 'tabs and newlines', input: 'x  notin\t\n(abc,def)', out: 'x notin (abc,def)' },
    { desc: 'prefixed key', input: 'this-is-a-dns.domain.com/key-with-dash', out: 'this-is-a-dns.domain.com/key-with-dash' },
    {
      desc: 'mixed terms',
      input: 'x notin (abc,,def),bar,z in (),w',
      out: 'bar,w,x notin (,abc,def),z in ()',
    },
    { desc: 'trailing whitespace', input: 'a ', out: 'a' },
    { desc: 'a NUL character ends an identifier', input: 'a=b\u0000,c', out: 'a=b,c' },
    { desc: 'a NUL character where a token starts ends the input', input: 'a=b \u0000,c', out: 'a=b' },
  ])('$desc: $input', ({ input, out }) => {
    expect(parseSelector(input).toString()).toBe(out);
  });

  it.each([
    { desc: 'logical or is not syntax', input: 'x=a||y=b' },
    { desc: 'chained equals', input: 'x==a==b' },
    { desc: 'does-not-exist with value', input: '!x=a' },
    { desc: 'non-integer for lt', input: 'x<a' },
    { desc: 'double comma', input: 'x,,y' },
    { desc: 'leading comma', input: ',x,y' },
    { desc: 'misspelt operator', input: 'x nott in (y)' },
    { desc: 'trailing comma', input: 'a in (xyz),' },
    { desc: 'missing comma between terms', input: 'a in (xyz)b notin ()' },
    { desc: 'missing comma in set', input: 'a in (xyz abc)' },
    { desc: 'unterminated set', input: 'a notin(' },
    { desc: 'parenthesis without operator', input: 'a (' },
    { desc: 'lone parenthesis', input: '(' },
    { desc: 'invalid key', input: 'a b=c' },
    { desc: 'invalid value', input: 'a=b$' },
  ])('rejects $desc: $input', ({ input }) => {
    expect(() => parseSelector(input)).toThrow();
  });
});

describe('Selector.matches', () => {
  it.each([
    { desc: 'empty selector', sel: '', labels: { x: 'y' }, match: true },
    { desc: 'equals', sel: 'x=y', labels: { x: 'y' }, match: true },
    { desc: 'two equals', sel: 'x=y,z=w', labels: { x: 'y', z: 'w' }, match: true },
    { desc: 'two not-equals', sel: 'x!=y,z!=w', labels: { x: 'z', z: 'a' }, match: true },
    { desc: 'keywords as literals', sel: 'notin=in', labels: { notin: 'in' }, match: true },
    { desc: 'exists', sel: 'x', labels: { x: 'z' }, match: true },
    { desc: 'does not exist', sel: '!x', labels: { y: 'z' }, match: true },
    { desc: 'gt', sel: 'x>1', labels: { x: '2' }, match: true },
    { desc: 'lt', sel: 'x<1', labels: { x: '0' }, match: true },
    { desc: 'equals on missing key', sel: 'x=z', labels: {}, match: false },
    { desc: 'equals wrong value', sel: 'x=y', labels: { x: 'z' }, match: false },
    { desc: 'one of two equals wrong', sel: 'x=y,z=w', labels: { x: 'w', z: 'w' }, match: false },
    { desc: 'not-equals hit', sel: 'x!=y,z!=w', labels: { x: 'z', z: 'w' }, match: false },
    { desc: 'not-equals on missing key', sel: 'x!=y', labels: {}, match: true },
    { desc: 'exists missing', sel: 'x', labels: { y: 'z' }, match: false },
    { desc: 'does not exist present', sel: '!x', labels: { x: 'z' }, match: false },
    { desc: 'gt not greater', sel: 'x>1', labels: { x: '0' }, match: false },
    { desc: 'lt not less', sel: 'x<1', labels: { x: '2' }, match: false },
    { desc: 'gt on non-integer label', sel: 'z>1', labels: { z: 'v2' }, match: false },
    { desc: 'gt on missing label', sel: 'z>1', labels: {}, match: false },
    { desc: 'gt compares numerically', sel: 'z>9', labels: { z: '10' }, match: true },
    { desc: 'in hit', sel: 'x in (a,b)', labels: { x: 'b' }, match: true },
    { desc: 'in miss', sel: 'x in (a,b)', labels: { x: 'c' }, match: false },
    { desc: 'in on missing key', sel: 'x in (a)', labels: {}, match: false },
    { desc: 'in with empty value matches empty label', sel: 'x in ()', labels: { x: '' }, match: true },
    { desc: 'notin hit', sel: 'x notin (a,b)', labels: { x: 'a' }, match: false },
    { desc: 'notin miss', sel: 'x notin (a,b)', labels: { x: 'c' }, match: true },
    { desc: 'notin on missing key', sel: 'x notin (a)', labels: {}, match: true },
    { desc: 'missing labels', sel: 'x!=a', labels: undefined, match: true },
    { desc: 'inherited properties are not labels', sel: 'constructor', labels: {}, match: false },
    { desc: 'Map labels', sel: 'a=b', labels: new Map([['a', 'b']]), match: true },
    { desc: 'all terms must hold', sel: 'foo=bar,foobar=bar,baz=blah', labels: { foo: 'bar', baz: 'blah' }, match: false },
  ])('$desc: "$sel"', ({ sel, labels, match }) => {
    expect(parseSelector(sel).matches(labels as LabelsLike)).toBe(match);
  });
});

describe('special selectors', () => {
  it.each([
    { desc: 'everything', sel: everything(), empty: true, selectable: true, matches: true, isNothing: false },
    { desc: 'nothing', sel: nothing(), empty: false, selectable: false, matches: false, isNothing: true },
    { desc: 'empty set', sel: selectorFromSet({}), empty: true, selectable: true, matches: true, isNothing: false },
    { desc: 'missing set', sel: selectorFromSet(null), empty: true, selectable: true, matches: true, isNothing: false },
  ])('$desc', ({ sel, empty, selectable, matches, isNothing }) => {
    expect(sel.empty()).toBe(empty);
    expect(sel.selectable()).toBe(selectable);
    expect(sel.matches({ any: 'thing' })).toBe(matches);
    expect(matchesNothing(sel)).toBe(isNothing);
    expect(sel.toString()).toBe('');
    expect(sel.requirements()).toEqual([]);
  });

  it('nothing stays nothing when requirements are added', () => {
    expect(matchesNothing(nothing().add(newRequirement('a', 'exists', [])))).toBe(true);
  });
});

describe('selectorFromSet', () => {
  it.each([
    { desc: 'single pair', set: { app: 'foo' }, out: 'app=foo' },
    { desc: 'sorted by key', set: { app: 'foo', a: 'b' }, out: 'a=b,app=foo' },
    { desc: 'values are not validated', set: { a: 'has space' }, out: 'a=has space' },
  ])('$desc', ({ set, out }) => {
    const sel = selectorFromSet(set as Record<string, string>);
    expect(sel.toString()).toBe(out);
    expect(sel.matches(set as Record<string, string>)).toBe(true);
  });

  it('validatedSelectorFromSet rejects invalid values', () => {
    expect(() => validatedSelectorFromSet({ a: 'has space' })).toThrow(/values\[0\]\[a\]: Invalid value: "has space"/);
  });
});

describe('Selector.add / requiresExactMatch', () => {
  it('add returns a new selector sorted by key', () => {
    const base = selectorFromRequirements([newRequirement('key2', '=', ['value2'])]);
    const added = base.add(newRequirement('key', 'in', ['value']));
    expect(added.toString()).toBe('key in (value),key2=value2');
    expect(base.toString()).toBe('key2=value2');
  });

  it.each([
    { desc: 'in with one value', sel: 'key in (value)', label: 'key', want: 'value' },
    { desc: 'equals', sel: 'key=value', label: 'key', want: 'value' },
    { desc: 'double equals', sel: 'key==value', label: 'key', want: 'value' },
    { desc: 'in with two values', sel: 'key in (a,b)', label: 'key', want: undefined },
    { desc: 'not equals', sel: 'key!=value', label: 'key', want: undefined },
    { desc: 'other key', sel: 'key=value', label: 'other', want: undefined },
    { desc: 'exists', sel: 'key', label: 'key', want: undefined },
  ])('requiresExactMatch: $desc', ({ sel, label, want }) => {
    expect(parseSelector(sel).requiresExactMatch(label)).toBe(want);
  });
});
