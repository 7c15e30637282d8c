import { goJSON, goQuote } from '../util/go-compat';
import { FieldPathLike, pathString } from './field-path';

/**
 * Machine-readable reason a field is invalid. These strings double as the
 * `reason` of a `StatusCause` in an Invalid (422) response.
 */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTooFew'
  | 'FieldValueTooShort'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

/** Marker for "do not print the bad value" (upstream's omitValue). */
export const OMIT_VALUE: unique symbol = Symbol('k8ts.omitValue');

/** A field-level validation error (upstream `field.Error`). Plain data: safe to compare and serialize. */
export interface FieldError {
  type: FieldErrorType;
  /** Rendered field path, e.g. `spec.containers[0].image`. */
  field: string;
  badValue: unknown;
  detail: string;
  /** Optional identifier of the check that produced the error (for tests). */
  origin?: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTooFew: 'Too few',
  FieldValueTooShort: 'Too short',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

/** Human text for an error type ("Required value", "Invalid value", ...). */
export function fieldErrorTypeText(type: FieldErrorType | string): string {
  return (TYPE_TEXT as Record<string, string | undefined>)[type] ?? `<unknown error ${goQuote(type)}>`;
}

function make(type: FieldErrorType, p: FieldPathLike, badValue: unknown, detail: string): FieldError {
  return { type, field: pathString(p), badValue, detail };
}

/** A required value is missing (empty string, null, empty list). */
export function required(p: FieldPathLike, detail = ''): FieldError {
  return make('FieldValueRequired', p, '', detail);
}

/** A malformed value (failed regex, out of range, ...). */
export function invalid(p: FieldPathLike, value: unknown, detail = ''): FieldError {
  return make('FieldValueInvalid', p, value, detail);
}

/** A value that must be unique is repeated. */
export function duplicate(p: FieldPathLike, value: unknown): FieldError {
  return make('FieldValueDuplicate', p, value, '');
}

/** A referenced value could not be found. */
export function notFound(p: FieldPathLike, value: unknown): FieldError {
  return make('FieldValueNotFound', p, value, '');
}

/** A value outside an enumerated set; the valid values are listed in the detail. */
export function notSupported(p: FieldPathLike, value: unknown, validValues: readonly unknown[]): FieldError {
  const detail = validValues.length > 0 ? 'supported values: ' + validValues.map((v) => goQuote(String(v))).join(', ') : '';
  return make('FieldValueNotSupported', p, value, detail);
}

/** A well-formed value that is not allowed in the current context. */
export function forbidden(p: FieldPathLike, detail = ''): FieldError {
  return make('FieldValueForbidden', p, '', detail);
}

function lengthDetail(max: number, unit: string, fallback: string): string {
  if (max < 0) return fallback;
  return `may not be more than ${max} ${unit}${max === 1 ? '' : 's'}`;
}

/** A value longer than `maxLength` bytes (a negative max omits the number). The value itself is not echoed. */
export function tooLong(p: FieldPathLike, _value: unknown, maxLength: number): FieldError {
  return make('FieldValueTooLong', p, '<value omitted>', lengthDetail(maxLength, 'byte', 'value is too long'));
}

/** Like {@link tooLong} but counting characters. */
export function tooLongCharacters(p: FieldPathLike, _value: unknown, maxLength: number): FieldError {
  return make('FieldValueTooLong', p, '<value omitted>', lengthDetail(maxLength, 'character', 'value is too long'));
}

/** A list with more than `max` items (negative numbers are left out of the message). */
export function tooMany(p: FieldPathLike, actualQuantity: number, maxQuantity: number): FieldError {
  const detail =
    maxQuantity >= 0 ? `must have at most ${maxQuantity} item${maxQuantity === 1 ? '' : 's'}` : 'has too many items';
  return make('FieldValueTooMany', p, actualQuantity >= 0 ? actualQuantity : OMIT_VALUE, detail);
}

/** A list with fewer than `min` items. */
export function tooFew(p: FieldPathLike, actualQuantity: number, minQuantity: number): FieldError {
  const detail =
    minQuantity >= 0 ? `must have at least ${minQuantity} item${minQuantity === 1 ? '' : 's'}` : 'has too few items';
  return make('FieldValueTooFew', p, actualQuantity, detail);
}

/** A string shorter than `minLength` characters. */
export function tooShort(p: FieldPathLike, value: string, minLength: number): FieldError {
  const detail =
    minLength >= 0 ? `must be at least ${minLength} character${minLength === 1 ? '' : 's'}` : 'value is too short';
  return make('FieldValueTooShort', p, value, detail);
}

/** A value of the wrong type for the schema. */
export function typeInvalid(p: FieldPathLike, value: unknown, detail = ''): FieldError {
  return make('FieldValueTypeInvalid', p, value, detail);
}

/** A failure not caused by user input. */
export function internalError(p: FieldPathLike, err: unknown): FieldError {
  const detail = err instanceof Error ? err.message : String(err);
  return make('InternalError', p, err, detail);
}

/** Set `origin` on an error (returns the same object). */
export function withOrigin<T extends FieldError | FieldError[]>(errs: T, origin: string): T {
  for (const e of Array.isArray(errs) ? errs : [errs]) e.origin = origin;
  return errs;
}

const VALUE_TYPES = new Set<string>([
  'FieldValueInvalid',
  'FieldValueTypeInvalid',
  'FieldValueNotSupported',
  'FieldValueNotFound',
  'FieldValueDuplicate',
  'FieldValueTooMany',
  'FieldValueTooFew',
]);

const BARE_TYPES = new Set<string>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'FieldValueTooShort',
  'InternalError',
]);

function renderValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return goQuote(v);
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v);
    default:
      return goJSON(v) ?? String(v);
  }
}

/** The error text without the field name, e.g. `Invalid value: 0: must be between 1 and 65535, inclusive`. */
export function fieldErrorBody(e: FieldError): string {
  let s: string;
  if (BARE_TYPES.has(e.type)) {
    s = fieldErrorTypeText(e.type);
  } else if (VALUE_TYPES.has(e.type)) {
    s = e.badValue === OMIT_VALUE ? fieldErrorTypeText(e.type) : `${fieldErrorTypeText(e.type)}: ${renderValue(e.badValue)}`;
  } else {
    s = `Internal error: unhandled error code: ${fieldErrorTypeText(e.type)}: please report this`;
  }
  if (e.detail.length > 0) s += ': ' + e.detail;
  return s;
}

/** `field: body`, the form used when errors are aggregated into messages. */
export function fieldErrorToString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}
