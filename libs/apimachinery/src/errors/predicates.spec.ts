import { newAlreadyExists, newBadRequest, newConflict, newForbidden, newGone, newInternalError, newInvalid, newMethodNotSupported, newNotFound, newRequestEntityTooLarge, newResourceExpired, newServerTimeout, newServiceUnavailable, newTimeout, newTooManyRequests, newUnauthorized } from './constructors';
import {
  hasStatusCause,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isForbidden,
  isGone,
  isInternalError,
  isInvalid,
  isMethodNotSupported,
  isNotAcceptable,
  isNotFound,
  isRequestEntityTooLarge,
  isResourceExpired,
  isServerTimeout,
  isServiceUnavailable,
  isStoreReadError,
  isTimeout,
  isTooManyRequests,
  isUnauthorized,
  isUnexpectedServerError,
  isUnsupportedMediaType,
  reasonForError,
  suggestsClientDelay,
} from './predicates';
import { StatusError } from './status-error';

const gr = { resource: 'pods' };

const predicates = {
  isNotFound,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isGone,
  isResourceExpired,
  isForbidden,
  isUnauthorized,
  isBadRequest,
  isMethodNotSupported,
  isServiceUnavailable,
  isTimeout,
  isServerTimeout,
  isInternalError,
  isTooManyRequests,
  isRequestEntityTooLarge,
  isNotAcceptable,
  isUnsupportedMediaType,
  isStoreReadError,
};

describe('predicates', () => {
  it.each([
    { desc: 'not found', err: newNotFound(gr, 'x'), yes: ['isNotFound'], reason: 'NotFound' },
    { desc: 'already exists', err: newAlreadyExists(gr, 'x'), yes: ['isAlreadyExists'], reason: 'AlreadyExists' },
    { desc: 'conflict', err: newConflict(gr, 'x', 'e'), yes: ['isConflict'], reason: 'Conflict' },
    { desc: 'invalid', err: newInvalid({ kind: 'Pod' }, 'x', []), yes: ['isInvalid'], reason: 'Invalid' },
    { desc: 'gone', err: newGone('m'), yes: ['isGone'], reason: 'Gone' },
    { desc: 'expired', err: newResourceExpired('m'), yes: ['isResourceExpired'], reason: 'Expired' },
    { desc: 'forbidden', err: newForbidden(gr, 'x', 'e'), yes: ['isForbidden'], reason: 'Forbidden' },
    { desc: 'unauthorized', err: newUnauthorized(), yes: ['isUnauthorized'], reason: 'Unauthorized' },
    { desc: 'bad request', err: newBadRequest('m'), yes: ['isBadRequest'], reason: 'BadRequest' },
    { desc: 'method not allowed', err: newMethodNotSupported(gr, 'watch'), yes: ['isMethodNotSupported'], reason: 'MethodNotAllowed' },
    { desc: 'service unavailable', err: newServiceUnavailable('m'), yes: ['isServiceUnavailable'], reason: 'ServiceUnavailable' },
    { desc: 'timeout', err: newTimeout('m'), yes: ['isTimeout'], reason: 'Timeout' },
    { desc: 'server timeout', err: newServerTimeout(gr, 'get'), yes: ['isServerTimeout'], reason: 'ServerTimeout' },
    { desc: 'internal error', err: newInternalError('m'), yes: ['isInternalError'], reason: 'InternalError' },
    { desc: 'too many requests', err: newTooManyRequests('m'), yes: ['isTooManyRequests'], reason: 'TooManyRequests' },
    { desc: 'entity too large', err: newRequestEntityTooLarge('m'), yes: ['isRequestEntityTooLarge'], reason: 'RequestEntityTooLarge' },
    { desc: 'unknown reason, 404 code', err: new StatusError({ code: 404, reason: '' }), yes: ['isNotFound'], reason: '' },
    { desc: 'unknown reason, 409 code', err: new StatusError({ code: 409, reason: 'Custom' }), yes: ['isConflict'], reason: 'Custom' },
    { desc: 'unknown reason, 500 code', err: new StatusError({ code: 500 }), yes: ['isInternalError'], reason: '' },
    { desc: 'unknown reason, 406 code', err: new StatusError({ code: 406 }), yes: ['isNotAcceptable'], reason: '' },
    { desc: 'unknown reason, 415 code', err: new StatusError({ code: 415 }), yes: ['isUnsupportedMediaType'], reason: '' },
    { desc: 'known reason wins over code', err: new StatusError({ code: 404, reason: 'Conflict' }), yes: ['isConflict'], reason: 'Conflict' },
    { desc: 'any 429 is too many requests', err: new StatusError({ code: 429, reason: 'Forbidden' }), yes: ['isForbidden', 'isTooManyRequests'], reason: 'Forbidden' },
    { desc: 'store read error', err: new StatusError({ code: 500, reason: 'StorageReadError' }), yes: ['isStoreReadError'], reason: 'StorageReadError' },
    { desc: 'plain error', err: new Error('x'), yes: [], reason: '' },
    { desc: 'not an error', err: 'boom', yes: [], reason: '' },
    { desc: 'null', err: null, yes: [], reason: '' },
    { desc: 'wrapped via cause', err: new Error('outer', { cause: newNotFound(gr, 'x') }), yes: ['isNotFound'], reason: 'NotFound' },
    {
      desc: 'status-shaped object from another copy',
      err: { name: 'StatusError', message: 'm', status: { kind: 'Status', code: 409, reason: 'AlreadyExists' } },
      yes: ['isAlreadyExists'],
      reason: 'AlreadyExists',
    },
  ])('$desc', ({ err, yes, reason }) => {
    const got = Object.entries(predicates)
      .filter(([, fn]) => fn(err))
      .map(([name]) => name)
      .sort();
    expect(got).toEqual([...yes].sort());
    expect(reasonForError(err)).toBe(reason);
  });
});

describe('causes and retry hints', () => {
  it('finds causes by type', () => {
    const err = new StatusError({ code: 500, details: { causes: [{ reason: 'UnexpectedServerResponse', message: 'x' }] } });
    expect(hasStatusCause(err, 'UnexpectedServerResponse')).toBe(true);
    expect(isUnexpectedServerError(err)).toBe(true);
    expect(isUnexpectedServerError(newNotFound(gr, 'x'))).toBe(false);
  });

  it.each([
    { desc: 'server timeout without delay', err: newServerTimeout(gr, 'get'), want: 0 },
    { desc: 'server timeout with delay', err: newServerTimeout(gr, 'get', 5), want: 5 },
    { desc: 'too many requests with delay', err: newTooManyRequests('m', 2), want: 2 },
    { desc: 'too many requests without delay', err: newTooManyRequests('m', 0), want: undefined },
    { desc: 'no details', err: newBadRequest('m'), want: undefined },
    { desc: 'plain error', err: new Error('m'), want: undefined },
  ])('suggestsClientDelay: $desc', ({ err, want }) => {
    expect(suggestsClientDelay(err)).toBe(want);
  });
});
