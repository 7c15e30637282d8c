import { FieldErrorsAggregate, aggregateFieldErrors, aggregateMessage } from './field-error-aggregate';
import {
  FieldError,
  OMIT_VALUE,
  duplicate,
  fieldErrorBody,
  fieldErrorToString,
  fieldErrorTypeText,
  forbidden,
  internalError,
  invalid,
  notFound,
  notSupported,
  required,
  tooFew,
  tooLong,
  tooLongCharacters,
  tooMany,
  tooShort,
  typeInvalid,
  withOrigin,
} from './field-error';
import { path } from './field-path';

const p = path('spec').child('field');

describe('field error constructors', () => {
  it.each([
    { desc: 'required', err: required(p, 'must be set'), type: 'FieldValueRequired', str: 'spec.field: Required value: must be set' },
    { desc: 'required without detail', err: required(p), type: 'FieldValueRequired', str: 'spec.field: Required value' },
    {
      desc: 'invalid number',
      err: invalid(path('spec', 'containers').index(0).child('ports').index(0).child('containerPort'), 0, 'must be between 1 and 65535, inclusive'),
      type: 'FieldValueInvalid',
      str: 'spec.containers[0].ports[0].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    },
    { desc: 'invalid string is quoted', err: invalid(p, 'a"b', 'bad'), type: 'FieldValueInvalid', str: 'spec.field: Invalid value: "a\\"b": bad' },
    { desc: 'invalid boolean', err: invalid(p, true, 'bad'), type: 'FieldValueInvalid', str: 'spec.field: Invalid value: true: bad' },
    { desc: 'invalid list is JSON', err: invalid(p, ['a', 'b'], 'bad'), type: 'FieldValueInvalid', str: 'spec.field: Invalid value: ["a","b"]: bad' },
    { desc: 'invalid object is JSON', err: invalid(p, { a: 1 }, ''), type: 'FieldValueInvalid', str: 'spec.field: Invalid value: {"a":1}' },
    { desc: 'invalid null', err: invalid(p, null, 'x'), type: 'FieldValueInvalid', str: 'spec.field: Invalid value: null: x' },
    { desc: 'invalid JSON escapes HTML characters', err: invalid(p, ['<a&b>'], ''), type: 'FieldValueInvalid', str: 'spec.field: Invalid value: ["\\u003ca\\u0026b\\u003e"]' },
    { desc: 'duplicate', err: duplicate(p, 'x'), type: 'FieldValueDuplicate', str: 'spec.field: Duplicate value: "x"' },
    { desc: 'not found', err: notFound(p, 'x'), type: 'FieldValueNotFound', str: 'spec.field: Not found: "x"' },
    {
      desc: 'not supported',
      err: notSupported(p, 'Sometimes', ['Always', 'Never']),
      type: 'FieldValueNotSupported',
      str: 'spec.field: Unsupported value: "Sometimes": supported values: "Always", "Never"',
    },
    { desc: 'not supported without list', err: notSupported(p, 'x', []), type: 'FieldValueNotSupported', str: 'spec.field: Unsupported value: "x"' },
    { desc: 'forbidden', err: forbidden(p, 'not allowed'), type: 'FieldValueForbidden', str: 'spec.field: Forbidden: not allowed' },
    { desc: 'too long', err: tooLong(p, 'xxxx', 3), type: 'FieldValueTooLong', str: 'spec.field: Too long: may not be more than 3 bytes' },
    { desc: 'too long, one byte', err: tooLong(p, 'xx', 1), type: 'FieldValueTooLong', str: 'spec.field: Too long: may not be more than 1 byte' },
    { desc: 'too long, unknown max', err: tooLong(p, 'xx', -1), type: 'FieldValueTooLong', str: 'spec.field: Too long: value is too long' },
    { desc: 'too long in characters', err: tooLongCharacters(p, 'xx', 1), type: 'FieldValueTooLong', str: 'spec.field: Too long: may not be more than 1 character' },
    { desc: 'too many', err: tooMany(p, 5, 3), type: 'FieldValueTooMany', str: 'spec.field: Too many: 5: must have at most 3 items' },
    { desc: 'too many, unknown count', err: tooMany(p, -1, 1), type: 'FieldValueTooMany', str: 'spec.field: Too many: must have at most 1 item' },
    { desc: 'too many, unknown max', err: tooMany(p, 2, -1), type: 'FieldValueTooMany', str: 'spec.field: Too many: 2: has too many items' },
    { desc: 'too few', err: tooFew(p, 0, 1), type: 'FieldValueTooFew', str: 'spec.field: Too few: 0: must have at least 1 item' },
    { desc: 'too short', err: tooShort(p, 'a', 2), type: 'FieldValueTooShort', str: 'spec.field: Too short: must be at least 2 characters' },
    { desc: 'type invalid', err: typeInvalid(p, 'x', 'must be a number'), type: 'FieldValueTypeInvalid', str: 'spec.field: Invalid value: "x": must be a number' },
    { desc: 'internal error', err: internalError(p, new Error('boom')), type: 'InternalError', str: 'spec.field: Internal error: boom' },
    { desc: 'missing path', err: required(undefined, ''), type: 'FieldValueRequired', str: '<nil>: Required value' },
    { desc: 'rendered string path', err: invalid('spec.clusterIPs[0]', '1.2.3', 'bad'), type: 'FieldValueInvalid', str: 'spec.clusterIPs[0]: Invalid value: "1.2.3": bad' },
  ])('$desc', ({ err, type, str }) => {
    expect(err.type).toBe(type);
    expect(fieldErrorToString(err)).toBe(str);
  });

  it('omits the bad value when asked to', () => {
    expect(fieldErrorBody({ type: 'FieldValueInvalid', field: 'f', badValue: OMIT_VALUE, detail: 'd' })).toBe('Invalid value: d');
  });

  it('reports unknown types', () => {
    const e = { type: 'Weird', field: 'f', badValue: 1, detail: '' } as unknown as FieldError;
    expect(fieldErrorBody(e)).toBe('Internal error: unhandled error code: <unknown error "Weird">: please report this');
    expect(fieldErrorTypeText('Weird')).toBe('<unknown error "Weird">');
  });

  it('withOrigin tags one error or a list', () => {
    expect(withOrigin(required(p), 'x').origin).toBe('x');
    expect(withOrigin([required(p), forbidden(p)], 'y').map((e) => e.origin)).toEqual(['y', 'y']);
  });
});

describe('aggregation', () => {
  it.each([
    { desc: 'one message', msgs: ['a'], out: 'a' },
    { desc: 'several messages', msgs: ['a', 'b'], out: '[a, b]' },
    { desc: 'duplicates dropped', msgs: ['a', 'a'], out: 'a' },
    { desc: 'duplicates among several', msgs: ['a', 'b', 'a'], out: '[a, b]' },
  ])('aggregateMessage: $desc', ({ msgs, out }) => {
    expect(aggregateMessage(msgs)).toBe(out);
  });

  it('aggregateFieldErrors returns undefined for no errors', () => {
    expect(aggregateFieldErrors([])).toBeUndefined();
  });

  it('aggregateFieldErrors drops duplicate errors and keeps the rest', () => {
    const agg = aggregateFieldErrors([required(p, 'x'), required(p, 'x'), forbidden(p, 'y')]);
    expect(agg).toBeInstanceOf(FieldErrorsAggregate);
    expect(agg?.errors).toHaveLength(2);
    expect(agg?.message).toBe('[spec.field: Required value: x, spec.field: Forbidden: y]');
    expect(agg?.name).toBe('FieldErrorsAggregate');
  });
});
