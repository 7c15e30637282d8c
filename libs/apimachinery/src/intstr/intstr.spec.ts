import {
  IntOrStringLike,
  fromInt,
  fromString,
  getScaledValueFromIntOrPercent,
  getValueFromIntOrPercent,
  intOrStringToJSON,
  intOrStringToString,
  intOrStringValue,
  intOrStringValueOrDefault,
  isIntOrStringString,
  parseIntOrString,
} from './intstr';

describe('constructors', () => {
  it.each([
    { desc: 'fromInt', got: fromInt(93), want: { type: 0, intVal: 93 } },
    { desc: 'fromInt truncates to int32', got: fromInt(2 ** 31), want: { type: 0, intVal: -(2 ** 31) } },
    { desc: 'fromString', got: fromString('76'), want: { type: 1, strVal: '76' } },
    { desc: 'parse int', got: parseIntOrString('76'), want: { type: 0, intVal: 76 } },
    { desc: 'parse negative int', got: parseIntOrString('-5'), want: { type: 0, intVal: -5 } },
    { desc: 'parse percent', got: parseIntOrString('25%'), want: { type: 1, strVal: '25%' } },
    { desc: 'parse beyond int32', got: parseIntOrString('2147483648'), want: { type: 1, strVal: '2147483648' } },
  ])('$desc', ({ got, want }) => {
    expect(got).toEqual(want);
  });
});

describe('accessors', () => {
  it.each([
    { desc: 'int object', x: { type: 0, intVal: 8080 }, value: 8080, str: '8080', json: 8080, isString: false },
    { desc: 'string object', x: { type: 1, strVal: 'http' }, value: 0, str: 'http', json: 'http', isString: true },
    { desc: 'numeric string', x: { type: 1, strVal: '42' }, value: 42, str: '42', json: '42', isString: true },
    { desc: 'plain number', x: 7, value: 7, str: '7', json: 7, isString: false },
    { desc: 'plain string', x: '25%', value: 0, str: '25%', json: '25%', isString: true },
    { desc: 'object without type but with strVal', x: { strVal: 'http' }, value: 0, str: 'http', json: 'http', isString: true },
    { desc: 'object without type', x: { intVal: 3 }, value: 3, str: '3', json: 3, isString: false },
    { desc: 'empty object', x: {}, value: 0, str: '0', json: 0, isString: false },
  ])('$desc', ({ x, value, str, json, isString }) => {
    expect(intOrStringValue(x as IntOrStringLike)).toBe(value);
    expect(intOrStringToString(x as IntOrStringLike)).toBe(str);
    expect(intOrStringToJSON(x as IntOrStringLike)).toBe(json);
    expect(isIntOrStringString(x as IntOrStringLike)).toBe(isString);
  });

  it('valueOrDefault', () => {
    expect(intOrStringValueOrDefault(undefined, '25%')).toBe('25%');
    expect(intOrStringValueOrDefault(1, '25%')).toBe(1);
  });
});

describe('getScaledValueFromIntOrPercent', () => {
  it.each([
    { desc: 'int is returned as is', x: fromInt(123), total: 100, roundUp: false, want: 123 },
    { desc: '90% down', x: fromString('90%'), total: 100, roundUp: true, want: 90 },
    { desc: '25% of 10 up', x: fromString('25%'), total: 10, roundUp: true, want: 3 },
    { desc: '25% of 10 down', x: fromString('25%'), total: 10, roundUp: false, want: 2 },
    { desc: '0%', x: '0%', total: 10, roundUp: true, want: 0 },
    { desc: '100% up', x: '100%', total: 7, roundUp: true, want: 7 },
    { desc: '33% of 3 up', x: '33%', total: 3, roundUp: true, want: 1 },
    { desc: '33% of 3 down', x: '33%', total: 3, roundUp: false, want: 0 },
    { desc: 'more than 100%', x: '150%', total: 10, roundUp: false, want: 15 },
    { desc: 'negative percent', x: '-10%', total: 10, roundUp: true, want: -1 },
    { desc: 'plain number', x: 5, total: 10, roundUp: true, want: 5 },
  ])('$desc', ({ x, total, roundUp, want }) => {
    expect(getScaledValueFromIntOrPercent(x, total, roundUp)).toBe(want);
  });

  it.each([
    { desc: 'missing value', x: undefined, msg: 'nil value for IntOrString' },
    { desc: 'not a percentage', x: fromString('90'), msg: 'invalid value for IntOrString: invalid type: string is not a percentage' },
    {
      desc: 'not a number',
      x: fromString('a%'),
      msg: 'invalid value for IntOrString: invalid value "a%": strconv.Atoi: parsing "a": invalid syntax',
    },
    {
      desc: 'percent sign only',
      x: '%',
      msg: 'invalid value for IntOrString: invalid value "%": strconv.Atoi: parsing "": invalid syntax',
    },
    {
      desc: 'out of range',
      x: '99999999999999999999%',
      msg: 'invalid value for IntOrString: invalid value "99999999999999999999%": strconv.Atoi: parsing "99999999999999999999": value out of range',
    },
    { desc: 'bad type', x: { type: 2 }, msg: 'invalid value for IntOrString: invalid type: neither int nor percentage' },
    {
      desc: 'percent in the middle',
      x: '1%0%',
      msg: 'invalid value for IntOrString: invalid value "1%0%": strconv.Atoi: parsing "1%0": invalid syntax',
    },
  ])('rejects $desc', ({ x, msg }) => {
    expect(() => getScaledValueFromIntOrPercent(x as IntOrStringLike | undefined, 10, true)).toThrow(msg);
  });
});

describe('getValueFromIntOrPercent (deprecated upstream)', () => {
  it.each([
    { desc: 'string without percent is a percentage', x: '90', total: 10, roundUp: true, want: 9 },
    { desc: 'percent signs anywhere are removed', x: '1%0%', total: 100, roundUp: true, want: 10 },
    { desc: 'int', x: 4, total: 100, roundUp: true, want: 4 },
  ])('$desc', ({ x, total, roundUp, want }) => {
    expect(getValueFromIntOrPercent(x, total, roundUp)).toBe(want);
  });
});
