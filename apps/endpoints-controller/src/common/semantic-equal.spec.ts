import { IGNORE_RESOURCE_VERSION, semanticallyEqual } from './semantic-equal';

describe('semanticallyEqual', () => {
  it.each<{ desc: string; a: unknown; b: unknown; ignore?: ReadonlySet<string>; want: boolean }>([
    { desc: 'equal scalars', a: 1, b: 1, want: true },
    { desc: 'different scalars', a: 1, b: 2, want: false },
    { desc: 'false is not unset', a: { ready: false }, b: {}, want: false },
    { desc: 'unset values are all equal', a: { a: undefined, b: null, c: [], d: {}, e: '' }, b: {}, want: true },
    { desc: 'array order matters', a: [1, 2], b: [2, 1], want: false },
    { desc: 'nested difference', a: { x: [{ y: 1 }] }, b: { x: [{ y: 2 }] }, want: false },
    { desc: 'ignored keys at any depth', a: { r: { resourceVersion: '1', n: 'a' } }, b: { r: { resourceVersion: '2', n: 'a' } }, ignore: IGNORE_RESOURCE_VERSION, want: true },
    { desc: 'array vs object', a: [], b: { 0: 1 }, want: false },
  ])('$desc', ({ a, b, ignore, want }) => {
    expect(semanticallyEqual(a, b, ignore)).toBe(want);
    expect(semanticallyEqual(b, a, ignore)).toBe(want);
  });
});
