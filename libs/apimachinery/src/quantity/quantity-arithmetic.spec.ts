import {
  Quantity,
  QuantityFormat,
  Scale,
  compareQuantities,
  newMilliQuantity,
  newQuantity,
  newScaledQuantity,
  parseQuantity,
  quantityFromJSON,
} from './quantity';

const q = (unscaled: bigint | number, exp: number, format: QuantityFormat) => Quantity.of({ unscaled: BigInt(unscaled), exp }, format);

describe('arithmetic', () => {
  it.each([
    { desc: 'add across scales', a: q(10, 0, 'DecimalSI'), b: q(1, 1, 'DecimalSI'), out: '20', format: 'DecimalSI' },
    { desc: 'add keeps receiver format', a: q(10, 0, 'DecimalSI'), b: q(1, 0, 'BinarySI'), out: '11', format: 'DecimalSI' },
    { desc: 'add keeps binary receiver format', a: q(10, 0, 'BinarySI'), b: q(1, 0, 'DecimalSI'), out: '11', format: 'BinarySI' },
    { desc: 'zero receiver takes the other format', a: q(0, 0, 'DecimalSI'), b: parseQuantity('1Gi'), out: '1Gi', format: 'BinarySI' },
    { desc: 'adding zero keeps suffix', a: parseQuantity('100m'), b: parseQuantity('0'), out: '100m', format: 'DecimalSI' },
    { desc: 'milli plus Gi', a: parseQuantity('500m'), b: parseQuantity('1Gi'), out: '1073741824500m', format: 'DecimalSI' },
  ])('add: $desc', ({ a, b, out, format }) => {
    const sum = a.add(b);
    expect(sum.toString()).toBe(out);
    expect(sum.format).toBe(format);
  });

  it.each([
    { desc: 'to zero', a: q(10, 0, 'DecimalSI'), b: q(1, 1, 'DecimalSI'), value: '0' },
    { desc: 'mixed formats', a: q(10, 0, 'DecimalSI'), b: q(1, 0, 'BinarySI'), value: '9' },
    { desc: 'from zero', a: q(0, 0, 'DecimalSI'), b: q(50, 0, 'DecimalSI'), value: '-50' },
    { desc: 'zero subtrahend', a: q(50, 0, 'DecimalSI'), b: q(0, 0, 'DecimalSI'), value: '50' },
    { desc: 'milli from one', a: parseQuantity('1'), b: parseQuantity('250m'), value: '0.75' },
  ])('sub: $desc', ({ a, b, value }) => {
    expect(a.sub(b).toDecimalString()).toBe(value);
  });

  it('zero minus a quantity equals its negation', () => {
    for (const s of ['100m', '1Gi']) {
      const v = parseQuantity(s);
      expect(parseQuantity('0').sub(v).toString()).toBe(v.neg().toString());
      expect(v.sub(parseQuantity('0')).toString()).toBe(s);
    }
  });

  it.each([
    { desc: 'times ten', a: q(10, 0, 'DecimalSI'), n: 10, value: '100' },
    { desc: 'times zero', a: q(50, 0, 'DecimalSI'), n: 0, value: '0' },
    { desc: 'negative factor', a: q(10, 0, 'BinarySI'), n: -1, value: '-10' },
    { desc: 'beyond int64', a: q(9223372036854775807n, 0, 'DecimalSI'), n: 2n, value: '18446744073709551614' },
  ])('mul: $desc', ({ a, n, value }) => {
    expect(a.mul(n).toDecimalString()).toBe(value);
  });

  it('neg does not change the original', () => {
    const a = q(901, -2, 'DecimalSI');
    expect(a.neg().toString()).toBe('-9010m');
    expect(a.toString()).toBe('9010m');
  });

  it('add and sub cancel across scales', () => {
    let total = parseQuantity('0');
    const parts = Array.from({ length: 50 }, (_, i) => newScaledQuantity(BigInt(i) * 7919n + 13n, (i % 21) - 10));
    for (const p of parts) total = total.add(p);
    for (const p of parts) total = total.sub(p);
    expect(total.isZero()).toBe(true);
  });
});

describe('comparison', () => {
  it.each([
    { desc: 'zeros', x: '0', y: '0', cmp: 0 },
    { desc: 'milli', x: '100m', y: '50m', cmp: 1 },
    { desc: 'milli reversed', x: '50m', y: '100m', cmp: -1 },
    { desc: 'decimal vs binary', x: '10000T', y: '100Gi', cmp: 1 },
    { desc: 'equal across formats', x: '1024', y: '1Ki', cmp: 0 },
    { desc: 'equal across scales', x: '1', y: '1000m', cmp: 0 },
    { desc: 'negative', x: '-1', y: '0', cmp: -1 },
    { desc: 'two negatives', x: '-2', y: '-1', cmp: -1 },
    { desc: 'tiny vs huge', x: '1n', y: '1e300', cmp: -1 },
    { desc: 'huge vs huge', x: '2e300', y: '1e300', cmp: 1 },
    { desc: 'close values at different scales', x: '1000000000000000000001n', y: '1000000000000', cmp: 1 },
  ])('$desc: $x vs $y', ({ x, y, cmp }) => {
    expect(parseQuantity(x).cmp(parseQuantity(y))).toBe(cmp);
    expect(compareQuantities(parseQuantity(y), parseQuantity(x))).toBe(cmp === 0 ? 0 : -cmp);
    expect(parseQuantity(x).equals(parseQuantity(y))).toBe(cmp === 0);
  });

  it.each([
    { desc: 'mostPositive vs 0.1', a: q(9223372036854775807n, 0, 'DecimalSI'), b: q(1, -1, 'DecimalSI'), cmp: 1 },
    { desc: 'mostPositive*10 vs 1', a: q(9223372036854775807n, 1, 'DecimalSI'), b: q(1, 0, 'DecimalSI'), cmp: 1 },
    { desc: 'mostPositive e-16 vs 1k', a: q(9223372036854775807n, -16, 'DecimalSI'), b: q(1, 3, 'DecimalSI'), cmp: -1 },
    { desc: 'mostNegative e-18 vs -1', a: q(-9223372036854775808n, -18, 'DecimalSI'), b: q(-1, 0, 'DecimalSI'), cmp: -1 },
    { desc: 'mostNegative e-19 vs -1', a: q(-9223372036854775808n, -19, 'DecimalSI'), b: q(-1, 0, 'DecimalSI'), cmp: 1 },
    { desc: '10^18 e-17 vs 10', a: q(10n ** 18n, -17, 'DecimalSI'), b: q(1, 1, 'DecimalSI'), cmp: 0 },
    { desc: '10^18+1 e-17 vs 10', a: q(10n ** 18n + 1n, -17, 'DecimalSI'), b: q(1, 1, 'DecimalSI'), cmp: 1 },
    { desc: '10^18-1 e-17 vs 10', a: q(10n ** 18n - 1n, -17, 'DecimalSI'), b: q(1, 1, 'DecimalSI'), cmp: -1 },
    { desc: 'zeros at different scales', a: q(0, 1, 'DecimalSI'), b: q(0, -1, 'DecimalSI'), cmp: 0 },
  ])('extremes: $desc', ({ a, b, cmp }) => {
    expect(a.cmp(b)).toBe(cmp);
    expect(b.cmp(a)).toBe(cmp === 0 ? 0 : -cmp);
  });
});

describe('values', () => {
  it.each([
    { desc: 'integer', input: '5', value: 5, milli: 5000 },
    { desc: 'fraction rounds up', input: '1.5', value: 2, milli: 1500 },
    { desc: 'milli rounds up to one', input: '100m', value: 1, milli: 100 },
    { desc: 'negative rounds away from zero', input: '-1.5', value: -2, milli: -1500 },
    { desc: 'half', input: '0.5', value: 1, milli: 500 },
    { desc: 'nano rounds up', input: '1n', value: 1, milli: 1 },
    { desc: 'Gi', input: '1Gi', value: 1073741824, milli: 1073741824000 },
    { desc: 'zero', input: '0', value: 0, milli: 0 },
  ])('$desc: $input', ({ input, value, milli }) => {
    expect(parseQuantity(input).value()).toBe(value);
    expect(parseQuantity(input).milliValue()).toBe(milli);
    expect(parseQuantity(input).valueBigInt()).toBe(BigInt(value));
    expect(parseQuantity(input).milliValueBigInt()).toBe(BigInt(milli));
  });

  it.each([
    { desc: 'large binary', input: '7Ei', want: 8070450532247928832n },
    { desc: 'just below the limit', input: '9223372036854775807', want: 9223372036854775807n },
    { desc: 'beyond int64 saturates', input: '10E', want: 9223372036854775807n },
    { desc: 'far beyond int64 saturates', input: '1e100', want: 9223372036854775807n },
    { desc: 'negative beyond int64 saturates', input: '-10E', want: -9223372036854775808n },
  ])('valueBigInt: $desc', ({ input, want }) => {
    expect(parseQuantity(input).valueBigInt()).toBe(want);
  });

  it.each([
    { desc: 'from Nano to Nano', from: Scale.Nano, to: Scale.Nano, want: 1 },
    { desc: 'from Nano to Micro', from: Scale.Nano, to: Scale.Micro, want: 1 },
    { desc: 'from Nano to Milli', from: Scale.Nano, to: Scale.Milli, want: 1 },
    { desc: 'from Nano to 0', from: Scale.Nano, to: 0, want: 1 },
    { desc: 'from Micro to Nano', from: Scale.Micro, to: Scale.Nano, want: 1000 },
    { desc: 'from Milli to Nano', from: Scale.Milli, to: Scale.Nano, want: 1000000 },
    { desc: 'from Milli to Micro', from: Scale.Milli, to: Scale.Micro, want: 1000 },
    { desc: 'from 0 to Nano', from: 0, to: Scale.Nano, want: 1000000000 },
    { desc: 'from 0 to Milli', from: 0, to: Scale.Milli, want: 1000 },
    { desc: 'from 2 to -2', from: 2, to: -2, want: 10000 },
  ])('scaledValue from 10^$from to 10^$to', ({ from, to, want }) => {
    expect(newScaledQuantity(1, from).scaledValue(to)).toBe(want);
  });

  it.each([
    { desc: 'zero', q: q(0, 0, 'DecimalSI'), want: 0 },
    { desc: 'one', q: q(1, 0, 'BinarySI'), want: 1 },
    { desc: 'scaled up', q: q(7 * 1024 * 1024, 4, 'BinarySI'), want: 7 * 1024 * 1024 * 10000 },
    { desc: 'one decimal', q: q(7 * 1024 * 1024, -1, 'DecimalSI'), want: 7 * 1024 * 1024 * 1e-1 },
    { desc: 'eight decimals', q: q(7 * 1024 * 1024, -8, 'DecimalSI'), want: (7 * 1024 * 1024) / 100000000 },
    { desc: 'milli', q: parseQuantity('1500m'), want: 1.5 },
  ])('asApproximateFloat64: $desc', ({ q: quantity, want }) => {
    expect(quantity.asApproximateFloat64()).toBe(want);
  });
});

describe('roundUp', () => {
  it.each([
    { desc: '9.01 at -3', in: '9.01', scale: -3, value: '9.01', exact: true },
    { desc: '9.01 at -2', in: '9.01', scale: -2, value: '9.01', exact: true },
    { desc: '9.01 at -1', in: '9.01', scale: -1, value: '9.1', exact: false },
    { desc: '9.01 at 0', in: '9.01', scale: 0, value: '10', exact: false },
    { desc: '9.01 at 1', in: '9.01', scale: 1, value: '10', exact: false },
    { desc: '9.01 at 2', in: '9.01', scale: 2, value: '100', exact: false },
    { desc: '-9.01 at -3', in: '-9.01', scale: -3, value: '-9.01', exact: true },
    { desc: '-9.01 at -1', in: '-9.01', scale: -1, value: '-9.1', exact: false },
    { desc: '-9.01 at 0', in: '-9.01', scale: 0, value: '-10', exact: false },
    { desc: '-9.01 at 2', in: '-9.01', scale: 2, value: '-100', exact: false },
  ])('$in to 10^$scale', ({ in: input, scale, value, exact }) => {
    const r = parseQuantity(input).roundUp(scale);
    expect(r.quantity.toDecimalString()).toBe(value);
    expect(r.exact).toBe(exact);
  });
});

describe('constructors', () => {
  it.each([
    { desc: 'one', value: 1, format: 'DecimalSI', out: '1' },
    { desc: 'thousand', value: 1000, format: 'DecimalSI', out: '1k' },
    { desc: 'kilo-thousands', value: 1234000, format: 'DecimalSI', out: '1234k' },
    { desc: 'Ki', value: 1024, format: 'BinarySI', out: '1Ki' },
    { desc: 'exponent', value: 1000000, format: 'DecimalExponent', out: '1e6' },
    { desc: 'Mi', value: 1024 * 1024, format: 'BinarySI', out: '1Mi' },
  ] as const)('newQuantity: $desc', ({ value, format, out }) => {
    const made = newQuantity(value, format);
    expect(made.toString()).toBe(out);
    expect(parseQuantity(out).value()).toBe(value);
  });

  it.each([
    { desc: 'one milli', value: 1, format: 'DecimalSI', out: '1m' },
    { desc: 'one', value: 1000, format: 'DecimalSI', out: '1' },
    { desc: 'thousands', value: 1234000, format: 'DecimalSI', out: '1234' },
    { desc: 'binary changes to decimal', value: 1024, format: 'BinarySI', out: '1024m' },
    { desc: 'exponent', value: 1000000, format: 'DecimalExponent', out: '1e3' },
    { desc: 'large binary', value: 1024 * 1024, format: 'BinarySI', out: '1048576m' },
  ] as const)('newMilliQuantity: $desc', ({ value, format, out }) => {
    expect(newMilliQuantity(value, format).toString()).toBe(out);
  });

  it.each([
    { desc: '1 at Nano', value: 1, scale: Scale.Nano, out: '1n' },
    { desc: '1000 at Nano', value: 1000, scale: Scale.Nano, out: '1u' },
    { desc: '1 at Micro', value: 1, scale: Scale.Micro, out: '1u' },
    { desc: '1000 at Micro', value: 1000, scale: Scale.Micro, out: '1m' },
    { desc: '1 at Milli', value: 1, scale: Scale.Milli, out: '1m' },
    { desc: '1000 at Milli', value: 1000, scale: Scale.Milli, out: '1' },
    { desc: '1 at 0', value: 1, scale: 0, out: '1' },
    { desc: '0 at Nano', value: 0, scale: Scale.Nano, out: '0' },
  ])('newScaledQuantity($value, $scale) = $out', ({ value, scale, out }) => {
    const made = newScaledQuantity(value, scale);
    expect(made.toString()).toBe(out);
    expect(parseQuantity(out).scaledValue(scale)).toBe(value);
  });

  it('rejects unsafe numbers', () => {
    expect(() => newQuantity(1.5, 'DecimalSI')).toThrow(RangeError);
    expect(newQuantity(2n ** 64n, 'DecimalSI').toString()).toBe('18446744073709551616');
  });
});

describe('quantityFromJSON', () => {
  it.each([
    { desc: 'quoted with leading space', in: ' 1', out: '1' },
    { desc: 'quoted with trailing space', in: '1 ', out: '1' },
    { desc: 'number', in: 1, out: '1' },
    { desc: 'ten', in: 10, out: '10' },
    { desc: 'negative number', in: -1, out: '-1' },
    { desc: 'float number', in: 0.5, out: '500m' },
    { desc: 'huge number', in: 1e21, out: '1e21' },
    { desc: 'string', in: '2Gi', out: '2Gi' },
  ])('$desc', ({ in: input, out }) => {
    expect(quantityFromJSON(input).toString()).toBe(out);
  });
});
