import { Quantity, QuantityFormat, QuantityParseError, newScaledQuantity, parseQuantity } from './quantity';

const q = (unscaled: bigint | number, exp: number, format: QuantityFormat) => Quantity.of({ unscaled: BigInt(unscaled), exp }, format);

// Cases from upstream's parse table: input, exact value, resulting format.
const PARSE_TABLE: { desc: string; input: string; value: string; format: QuantityFormat }[] = [
  { desc: 'zero', input: '0', value: '0', format: 'DecimalSI' },
  { desc: 'zero nano', input: '0n', value: '0', format: 'DecimalSI' },
  { desc: 'zero micro', input: '0u', value: '0', format: 'DecimalSI' },
  { desc: 'zero milli', input: '0m', value: '0', format: 'DecimalSI' },
  { desc: 'zero Ki', input: '0Ki', value: '0', format: 'BinarySI' },
  { desc: 'zero k', input: '0k', value: '0', format: 'DecimalSI' },
  { desc: 'zero Mi', input: '0Mi', value: '0', format: 'BinarySI' },
  { desc: 'zero Gi', input: '0Gi', value: '0', format: 'BinarySI' },
  { desc: 'zero T', input: '0T', value: '0', format: 'DecimalSI' },
  { desc: 'no suffix', input: '1', value: '1', format: 'DecimalSI' },
  { desc: 'Ki', input: '1Ki', value: '1024', format: 'BinarySI' },
  { desc: '8Ki', input: '8Ki', value: '8192', format: 'BinarySI' },
  { desc: 'Mi', input: '7Mi', value: '7340032', format: 'BinarySI' },
  { desc: 'Gi', input: '6Gi', value: '6442450944', format: 'BinarySI' },
  { desc: 'Ti', input: '5Ti', value: '5497558138880', format: 'BinarySI' },
  { desc: 'Pi', input: '4Pi', value: '4503599627370496', format: 'BinarySI' },
  { desc: 'Ei', input: '3Ei', value: '3458764513820540928', format: 'BinarySI' },
  { desc: '10Ti', input: '10Ti', value: '10995116277760', format: 'BinarySI' },
  { desc: '100Ti', input: '100Ti', value: '109951162777600', format: 'BinarySI' },
  { desc: 'nano', input: '5n', value: '0.000000005', format: 'DecimalSI' },
  { desc: 'micro', input: '4u', value: '0.000004', format: 'DecimalSI' },
  { desc: 'milli', input: '3m', value: '0.003', format: 'DecimalSI' },
  { desc: 'kilo', input: '8k', value: '8000', format: 'DecimalSI' },
  { desc: '50k', input: '50k', value: '50000', format: 'DecimalSI' },
  { desc: 'mega', input: '7M', value: '7000000', format: 'DecimalSI' },
  { desc: 'giga', input: '6G', value: '6000000000', format: 'DecimalSI' },
  { desc: 'tera', input: '5T', value: '5000000000000', format: 'DecimalSI' },
  { desc: '300T', input: '300T', value: '300000000000000', format: 'DecimalSI' },
  { desc: 'peta', input: '2P', value: '2000000000000000', format: 'DecimalSI' },
  { desc: 'exa', input: '1E', value: '1000000000000000000', format: 'DecimalSI' },
  { desc: 'negative exponent', input: '1E-3', value: '0.001', format: 'DecimalExponent' },
  { desc: 'exponent', input: '1e3', value: '1000', format: 'DecimalExponent' },
  { desc: 'exponent 6', input: '1E6', value: '1000000', format: 'DecimalExponent' },
  { desc: 'exponent 18', input: '1E18', value: '1000000000000000000', format: 'DecimalExponent' },
  { desc: 'exponent 14', input: '1e14', value: '100000000000000', format: 'DecimalExponent' },
  { desc: 'fraction with suffix', input: '100.035k', value: '100035', format: 'DecimalSI' },
  { desc: 'thousandth', input: '0.001', value: '0.001', format: 'DecimalSI' },
  { desc: 'fraction of k', input: '0.0005k', value: '0.5', format: 'DecimalSI' },
  { desc: 'half', input: '0.5', value: '0.5', format: 'DecimalSI' },
  { desc: 'trailing zeros', input: '0.50000', value: '0.5', format: 'DecimalSI' },
  { desc: 'half with e0', input: '0.5e0', value: '0.5', format: 'DecimalExponent' },
  { desc: 'half e-1', input: '0.5e-1', value: '0.05', format: 'DecimalExponent' },
  { desc: 'fraction of M', input: '10.035M', value: '10035000', format: 'DecimalSI' },
  { desc: '1.2e3', input: '1.2e3', value: '1200', format: 'DecimalExponent' },
  { desc: 'explicit plus exponent', input: '1.3E+6', value: '1300000', format: 'DecimalExponent' },
  { desc: '1.40e9', input: '1.40e9', value: '1400000000', format: 'DecimalExponent' },
  { desc: '1.7E18', input: '1.7E18', value: '1700000000000000000', format: 'DecimalExponent' },
  { desc: '9.01', input: '9.01', value: '9.01', format: 'DecimalSI' },
  { desc: '8.1k', input: '8.1k', value: '8100', format: 'DecimalSI' },
  { desc: '7.123456M', input: '7.123456M', value: '7123456', format: 'DecimalSI' },
  { desc: '6.987654321G', input: '6.987654321G', value: '6987654321', format: 'DecimalSI' },
  { desc: '5.444T', input: '5.444T', value: '5444000000000', format: 'DecimalSI' },
  { desc: '2.5P', input: '2.5P', value: '2500000000000000', format: 'DecimalSI' },
  { desc: '1.01E', input: '1.01E', value: '1010000000000000000', format: 'DecimalSI' },
  { desc: 'rounds up past nano', input: '3.001n', value: '0.000000004', format: 'DecimalSI' },
  { desc: 'rounds exponent form', input: '1.1E-9', value: '0.000000002', format: 'DecimalExponent' },
  { desc: 'tenth of a nano', input: '0.0000000001', value: '0.000000001', format: 'DecimalSI' },
  { desc: 'half a nano', input: '0.0000000005', value: '0.000000001', format: 'DecimalSI' },
  { desc: 'half a nano, exponent', input: '0.5e-9', value: '0.000000001', format: 'DecimalExponent' },
  { desc: '0.9n', input: '0.9n', value: '0.000000001', format: 'DecimalSI' },
  { desc: 'rounds at nano', input: '0.00000012345', value: '0.000000124', format: 'DecimalSI' },
  { desc: 'rounds at nano 2', input: '0.00000012354', value: '0.000000124', format: 'DecimalSI' },
  { desc: 'binary capped at int64', input: '9Ei', value: '9223372036854775807', format: 'BinarySI' },
  { desc: 'binary capped, many digits', input: '9223372036854775807Ki', value: '9223372036854775807', format: 'BinarySI' },
  { desc: 'decimal is not capped', input: '12E', value: '12000000000000000000', format: 'DecimalSI' },
  { desc: 'fractional Ki', input: '100.035Ki', value: '102435.84', format: 'BinarySI' },
  { desc: 'half Mi', input: '0.5Mi', value: '524288', format: 'BinarySI' },
  { desc: 'fractional Gi', input: '0.05Gi', value: '53687091.2', format: 'BinarySI' },
  { desc: 'fractional Ti', input: '0.025Ti', value: '27487790694.4', format: 'BinarySI' },
  { desc: 'tiny binary becomes decimal', input: '0.000000000001Ki', value: '0.000000002', format: 'DecimalSI' },
  { desc: 'leading dot', input: '.001', value: '0.001', format: 'DecimalSI' },
  { desc: 'leading dot with suffix', input: '.0001k', value: '0.1', format: 'DecimalSI' },
  { desc: 'trailing dot', input: '1.', value: '1', format: 'DecimalSI' },
  { desc: 'trailing dot with suffix', input: '1.G', value: '1000000000', format: 'DecimalSI' },
  { desc: 'many digits', input: '128974848', value: '128974848', format: 'DecimalSI' },
  { desc: '129e6', input: '129e6', value: '129000000', format: 'DecimalExponent' },
  { desc: '123Mi', input: '123Mi', value: '128974848', format: 'BinarySI' },
  { desc: 'more digits than int64', input: '100000000000000000000000', value: '100000000000000000000000', format: 'DecimalSI' },
];

describe('parseQuantity', () => {
  it.each(PARSE_TABLE)('$desc: $input', ({ input, value, format }) => {
    const got = parseQuantity(input);
    expect(got.toDecimalString()).toBe(value);
    expect(got.format).toBe(format);
  });

  it.each(PARSE_TABLE)('negated: $desc', ({ input, value, format }) => {
    const got = parseQuantity('-' + input);
    expect(got.toDecimalString()).toBe(value === '0' ? '0' : '-' + value);
    expect(got.format).toBe(format);
  });

  it.each(PARSE_TABLE)('explicit plus: $desc', ({ input, value, format }) => {
    const got = parseQuantity('+' + input);
    expect(got.toDecimalString()).toBe(value);
    expect(got.format).toBe(format);
  });

  it.each([
    { desc: 'empty', input: '', code: 'FormatWrong' },
    { desc: 'two dots', input: '1.1.M', code: 'FormatWrong' },
    { desc: 'sign in the middle', input: '1+1.0M', code: 'FormatWrong' },
    { desc: 'unknown suffix mi', input: '0.1mi', code: 'Suffix' },
    { desc: 'unknown suffix letter', input: '0.1am', code: 'FormatWrong' },
    { desc: 'word', input: 'aoeu', code: 'FormatWrong' },
    { desc: 'lone i', input: '.5i', code: 'Suffix' },
    { desc: 'lone i after integer', input: '1i', code: 'Suffix' },
    { desc: 'negative with i', input: '-3.01i', code: 'Suffix' },
    { desc: 'exponent without digits', input: '-3.01e-', code: 'Suffix' },
    { desc: 'bare e', input: '1e', code: 'Suffix' },
    { desc: 'leading space', input: ' 1', code: 'FormatWrong' },
    { desc: 'trailing space', input: '1 ', code: 'FormatWrong' },
    { desc: 'no digits and a fine exponent', input: '.e-10', code: 'Numeric' },
    { desc: 'suffix then digits', input: '1Ki3', code: 'Suffix' },
    { desc: 'exponent beyond int64', input: '1e99999999999999999999', code: 'Suffix' },
  ])('rejects $desc: "$input"', ({ input, code }) => {
    let err: unknown;
    try {
      parseQuantity(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuantityParseError);
    expect((err as QuantityParseError).code).toBe(code);
    expect((err as QuantityParseError).input).toBe(input);
  });

  it('uses the upstream error messages', () => {
    expect(() => parseQuantity('x')).toThrow("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    expect(() => parseQuantity('1mi')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity('.e-10')).toThrow('unable to parse numeric part of quantity');
  });

  it.each([
    { desc: 'a lone sign is zero', input: '-', value: '0' },
    { desc: 'a lone dot is zero', input: '.', value: '0' },
    { desc: 'leading zeros', input: '007', value: '7' },
  ])('accepts odd inputs like upstream: $desc', ({ input, value }) => {
    expect(parseQuantity(input).toDecimalString()).toBe(value);
  });
});

describe('canonical toString', () => {
  it.each([
    { desc: 'half', input: '0.5', out: '500m' },
    { desc: '1000m', input: '1000m', out: '1' },
    { desc: '1024Mi', input: '1024Mi', out: '1Gi' },
    { desc: '1.5Gi', input: '1.5Gi', out: '1536Mi' },
    { desc: '100m kept', input: '100m', out: '100m' },
    { desc: '1Ki', input: '1Ki', out: '1Ki' },
    { desc: '1Mi', input: '1Mi', out: '1Mi' },
    { desc: '1000M', input: '1000M', out: '1G' },
    { desc: 'binary below 1024 becomes decimal', input: '.001Ki', out: '1024m' },
    { desc: 'micro Ki', input: '.000001Ki', out: '1024u' },
    { desc: 'nano Ki', input: '.000000001Ki', out: '1024n' },
    { desc: 'rounded up Ki', input: '.000000000001Ki', out: '2n' },
    { desc: 'exponent kept', input: '1e3', out: '1e3' },
    { desc: 'exponent normalised', input: '1.5e3', out: '1500' },
    { desc: 'exponent to multiple of three', input: '12e4', out: '120e3' },
    { desc: 'fraction of k', input: '1.5k', out: '1500' },
    { desc: 'large decimal', input: '128974848', out: '128974848' },
    { desc: '129e6', input: '129e6', out: '129e6' },
    { desc: '123Mi', input: '123Mi', out: '123Mi' },
    { desc: 'negative one', input: '-1', out: '-1' },
    { desc: 'fractional Ki', input: '100.035Ki', out: '102435840m' },
    { desc: 'binary not a multiple of 1024', input: '1025Ki', out: '1025Ki' },
    { desc: 'capped binary', input: '9Ei', out: '9223372036854775807' },
    { desc: 'exa', input: '10E', out: '10E' },
    { desc: 'big decimal', input: '10000000000000000000', out: '10E' },
    { desc: 'rounded nano', input: '3.001n', out: '4n' },
    { desc: 'negative half', input: '-0.5', out: '-500m' },
    { desc: 'negative Gi', input: '-1024Mi', out: '-1Gi' },
    { desc: 'explicit plus kept as written', input: '+1', out: '+1' },
    { desc: 'leading zeros kept as written', input: '01', out: '01' },
    { desc: 'upper-case exponent kept as written', input: '1E3', out: '1E3' },
    { desc: 'zero with suffix', input: '0Mi', out: '0' },
    { desc: 'beyond E falls back to exponent form', input: '1000E', out: '1e21' },
  ])('$desc: $input => $out', ({ input, out }) => {
    expect(parseQuantity(input).toString()).toBe(out);
    expect(JSON.stringify({ q: parseQuantity(input) })).toBe(`{"q":"${out}"}`);
  });

  // Values built directly (upstream's TestQuantityString), plus an alternate spelling that must canonicalise the same.
  it.each([
    { desc: '1Gi', in: q(1024 * 1024 * 1024, 0, 'BinarySI'), expect: '1Gi', alternate: '1024Mi' },
    { desc: '300Mi', in: q(300 * 1024 * 1024, 0, 'BinarySI'), expect: '300Mi', alternate: '307200Ki' },
    { desc: '6Ki', in: q(6 * 1024, 0, 'BinarySI'), expect: '6Ki', alternate: '' },
    { desc: '1001Gi', in: q(1001n * 1024n ** 3n, 0, 'BinarySI'), expect: '1001Gi', alternate: '1025024Mi' },
    { desc: '1Ti', in: q(1024n ** 4n, 0, 'BinarySI'), expect: '1Ti', alternate: '1024Gi' },
    { desc: 'small binary', in: q(5, 0, 'BinarySI'), expect: '5', alternate: '5000m' },
    { desc: 'binary fraction', in: q(500, -3, 'BinarySI'), expect: '500m', alternate: '0.5' },
    { desc: '1G', in: q(1, 9, 'DecimalSI'), expect: '1G', alternate: '1000M' },
    { desc: '1G from M', in: q(1000, 6, 'DecimalSI'), expect: '1G', alternate: '0.001T' },
    { desc: '1G from k', in: q(1000000, 3, 'DecimalSI'), expect: '1G', alternate: '' },
    { desc: '1m', in: q(1, -3, 'DecimalSI'), expect: '1m', alternate: '1000u' },
    { desc: '80m', in: q(80, -3, 'DecimalSI'), expect: '80m', alternate: '' },
    { desc: '1080m', in: q(1080, -3, 'DecimalSI'), expect: '1080m', alternate: '1.08' },
    { desc: '1080m from centi', in: q(108, -2, 'DecimalSI'), expect: '1080m', alternate: '1080000000n' },
    { desc: '1080m from 10^-4', in: q(10800, -4, 'DecimalSI'), expect: '1080m', alternate: '' },
    { desc: '300M', in: q(300, 6, 'DecimalSI'), expect: '300M', alternate: '' },
    { desc: '1T', in: q(1, 12, 'DecimalSI'), expect: '1T', alternate: '' },
    { desc: '1234567M', in: q(1234567, 6, 'DecimalSI'), expect: '1234567M', alternate: '' },
    { desc: 'binary not integral', in: q(1234567, -3, 'BinarySI'), expect: '1234567m', alternate: '' },
    { desc: '3k', in: q(3, 3, 'DecimalSI'), expect: '3k', alternate: '' },
    { desc: '1025 binary', in: q(1025, 0, 'BinarySI'), expect: '1025', alternate: '' },
    { desc: 'zero', in: q(0, 0, 'DecimalSI'), expect: '0', alternate: '' },
    { desc: 'binary zero', in: q(0, 0, 'BinarySI'), expect: '0', alternate: '' },
    { desc: '1e9', in: q(1, 9, 'DecimalExponent'), expect: '1e9', alternate: '.001e12' },
    { desc: '1e-3', in: q(1, -3, 'DecimalExponent'), expect: '1e-3', alternate: '0.001e0' },
    { desc: '1e-9', in: q(1, -9, 'DecimalExponent'), expect: '1e-9', alternate: '1000e-12' },
    { desc: '80e-3', in: q(80, -3, 'DecimalExponent'), expect: '80e-3', alternate: '' },
    { desc: '300e6', in: q(300, 6, 'DecimalExponent'), expect: '300e6', alternate: '' },
    { desc: 'exponent zero', in: q(0, 0, 'DecimalExponent'), expect: '0', alternate: '00' },
    { desc: '1n', in: q(1, -9, 'DecimalSI'), expect: '1n', alternate: '' },
    { desc: '1080n from 10^-8', in: q(108, -8, 'DecimalSI'), expect: '1080n', alternate: '' },
    { desc: '1080n from 10^-10', in: q(10800, -10, 'DecimalSI'), expect: '1080n', alternate: '' },
    { desc: '1080u', in: q(1080, -6, 'DecimalSI'), expect: '1080u', alternate: '' },
  ])('$desc', ({ in: quantity, expect: want, alternate }) => {
    expect(quantity.toString()).toBe(want);
    expect(parseQuantity(want).toString()).toBe(want);
    if (alternate) expect(parseQuantity(alternate).toString()).toBe(want);
    if (!quantity.isZero()) expect(quantity.neg().toString()).toBe('-' + want);
  });

  it.each([
    { desc: 'below nano', in: newScaledQuantity(1, -12), out: '1e-12' },
    { desc: 'below nano, not a multiple of three', in: newScaledQuantity(1, -10), out: '100e-12' },
    { desc: 'binary above Ei', in: q(2n ** 70n, 0, 'BinarySI'), out: '1180591620717411303424' },
  ])('outside the suffix tables: $desc', ({ in: quantity, out }) => {
    expect(quantity.toString()).toBe(out);
  });
});
