import { addDec, compareDec, decToString, floatPow10, roundAwayFromZero, stripFactors } from './decimal';

const d = (unscaled: bigint, exp: number) => ({ unscaled, exp });

describe('decimal helpers', () => {
  it.each([
    { desc: 'integer', dec: d(15n, 0), out: '15' },
    { desc: 'fraction', dec: d(15n, -1), out: '1.5' },
    { desc: 'leading zeros', dec: d(5n, -3), out: '0.005' },
    { desc: 'positive exponent', dec: d(15n, 2), out: '1500' },
    { desc: 'negative', dec: d(-15n, -1), out: '-1.5' },
    { desc: 'trailing zeros removed', dec: d(1500n, -3), out: '1.5' },
    { desc: 'zero', dec: d(0n, -3), out: '0' },
  ])('decToString: $desc', ({ dec, out }) => {
    expect(decToString(dec)).toBe(out);
  });

  it.each([
    { desc: 'exact', dec: d(1500n, -3), exp: -1, out: '1.5', exact: true },
    { desc: 'rounds up', dec: d(1501n, -3), exp: -1, out: '1.6', exact: false },
    { desc: 'negative rounds away from zero', dec: d(-1501n, -3), exp: -1, out: '-1.6', exact: false },
    { desc: 'far below the target', dec: d(5n, -20), exp: -9, out: '0.000000001', exact: false },
    { desc: 'already coarser', dec: d(5n, 2), exp: 0, out: '500', exact: true },
    { desc: 'zero', dec: d(0n, -20), exp: -9, out: '0', exact: true },
  ])('roundAwayFromZero: $desc', ({ dec, exp, out, exact }) => {
    const r = roundAwayFromZero(dec, exp);
    expect(decToString(r.dec)).toBe(out);
    expect(r.exact).toBe(exact);
  });

  it.each([
    { desc: 'equal at different exponents', a: d(10n, 0), b: d(1n, 1), cmp: 0 },
    { desc: 'sign decides', a: d(-1n, 100), b: d(1n, -100), cmp: -1 },
    { desc: 'magnitude decides', a: d(1n, 1000000000), b: d(999n, 0), cmp: 1 },
    { desc: 'negative magnitudes', a: d(-1n, 10), b: d(-1n, 5), cmp: -1 },
  ])('compareDec: $desc', ({ a, b, cmp }) => {
    expect(compareDec(a, b)).toBe(cmp);
  });

  it('addDec aligns exponents', () => {
    expect(decToString(addDec(d(1n, 3), d(5n, -1)))).toBe('1000.5');
  });

  it.each([
    { desc: '1000n by 10n', x: 1000n, f: 10n, rest: 1n, times: 3 },
    { desc: '3n * 1024n * 1024n by 1024n', x: 3n * 1024n * 1024n, f: 1024n, rest: 3n, times: 2 },
    { desc: '-2048n by 1024n', x: -2048n, f: 1024n, rest: -2n, times: 1 },
    { desc: '0n by 10n', x: 0n, f: 10n, rest: 0n, times: 0 },
  ])('stripFactors($x, $f)', ({ x, f, rest, times }) => {
    expect(stripFactors(x, f)).toEqual({ rest, times });
  });

  it.each([
    { desc: '10^0', n: 0, want: 1 },
    { desc: '10^3', n: 3, want: 1000 },
    { desc: '10^40', n: 40, want: 1e40 },
    { desc: '10^-1', n: -1, want: 0.1 },
    { desc: '10^-8', n: -8, want: 1 / 1e8 },
    { desc: '10^400', n: 400, want: Infinity },
    { desc: '10^-400', n: -400, want: 0 },
  ])('floatPow10($n)', ({ n, want }) => {
    expect(floatPow10(n)).toBe(want);
  });
});
