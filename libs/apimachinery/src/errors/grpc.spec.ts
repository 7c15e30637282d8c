import { newConflict, newInvalid, newNotFound } from './constructors';
import { GrpcCode, grpcCodeFor, grpcCodeForError, httpCodeForReason, statusErrorFromGrpc } from './grpc';
import { StatusError } from './status-error';

describe('grpcCodeFor', () => {
  it.each([
    { desc: 'NotFound maps to NOT_FOUND', reason: 'NotFound', code: GrpcCode.NOT_FOUND, n: 5 },
    { desc: 'AlreadyExists maps to ALREADY_EXISTS', reason: 'AlreadyExists', code: GrpcCode.ALREADY_EXISTS, n: 6 },
    { desc: 'Conflict maps to ABORTED', reason: 'Conflict', code: GrpcCode.ABORTED, n: 10 },
    { desc: 'Invalid maps to INVALID_ARGUMENT', reason: 'Invalid', code: GrpcCode.INVALID_ARGUMENT, n: 3 },
    { desc: 'BadRequest maps to INVALID_ARGUMENT', reason: 'BadRequest', code: GrpcCode.INVALID_ARGUMENT, n: 3 },
    { desc: 'Expired maps to OUT_OF_RANGE', reason: 'Expired', code: GrpcCode.OUT_OF_RANGE, n: 11 },
    { desc: 'Gone maps to OUT_OF_RANGE', reason: 'Gone', code: GrpcCode.OUT_OF_RANGE, n: 11 },
    { desc: 'Forbidden maps to PERMISSION_DENIED', reason: 'Forbidden', code: GrpcCode.PERMISSION_DENIED, n: 7 },
    { desc: 'Unauthorized maps to UNAUTHENTICATED', reason: 'Unauthorized', code: GrpcCode.UNAUTHENTICATED, n: 16 },
    { desc: 'Timeout maps to DEADLINE_EXCEEDED', reason: 'Timeout', code: GrpcCode.DEADLINE_EXCEEDED, n: 4 },
    { desc: 'TooManyRequests maps to RESOURCE_EXHAUSTED', reason: 'TooManyRequests', code: GrpcCode.RESOURCE_EXHAUSTED, n: 8 },
    { desc: 'ServiceUnavailable maps to UNAVAILABLE', reason: 'ServiceUnavailable', code: GrpcCode.UNAVAILABLE, n: 14 },
    { desc: 'MethodNotAllowed maps to UNIMPLEMENTED', reason: 'MethodNotAllowed', code: GrpcCode.UNIMPLEMENTED, n: 12 },
    { desc: 'InternalError maps to INTERNAL', reason: 'InternalError', code: GrpcCode.INTERNAL, n: 13 },
    { desc: 'RequestEntityTooLarge maps to RESOURCE_EXHAUSTED', reason: 'RequestEntityTooLarge', code: GrpcCode.RESOURCE_EXHAUSTED, n: 8 },
    { desc: 'ServerTimeout maps to UNAVAILABLE', reason: 'ServerTimeout', code: GrpcCode.UNAVAILABLE, n: 14 },
    { desc: 'unknown maps to UNKNOWN', reason: '', code: GrpcCode.UNKNOWN, n: 2 },
    { desc: 'toString maps to UNKNOWN', reason: 'toString', code: GrpcCode.UNKNOWN, n: 2 },
  ])('$reason => $n', ({ reason, code, n }) => {
    expect(grpcCodeFor(reason)).toBe(code);
    expect(code).toBe(n);
  });
});

describe('grpcCodeForError', () => {
  it.each([
    { desc: 'status error', err: newNotFound({ resource: 'pods' }, 'x'), code: GrpcCode.NOT_FOUND },
    { desc: 'plain error', err: new Error('boom'), code: GrpcCode.INTERNAL },
    { desc: 'unknown reason falls back to HTTP code', err: new StatusError({ code: 409, reason: 'Odd' }), code: GrpcCode.ABORTED },
    { desc: 'unknown reason and code', err: new StatusError({ code: 418 }), code: GrpcCode.UNKNOWN },
  ])('$desc', ({ err, code }) => {
    expect(grpcCodeForError(err)).toBe(code);
  });
});

describe('statusErrorFromGrpc', () => {
  it('rebuilds the exact Status the server sent', () => {
    const sent = newInvalid({ kind: 'Pod' }, 'x', []).status;
    const err = statusErrorFromGrpc(GrpcCode.INVALID_ARGUMENT, JSON.parse(JSON.stringify(sent)));
    expect(err.status).toEqual(sent);
  });

  it('fills in a missing HTTP code from the reason', () => {
    expect(statusErrorFromGrpc(GrpcCode.ABORTED, { reason: 'Conflict', message: 'm' }).code).toBe(409);
  });

  it.each([
    { desc: 'not found', code: GrpcCode.NOT_FOUND, reason: 'NotFound', http: 404 },
    { desc: 'already exists', code: GrpcCode.ALREADY_EXISTS, reason: 'AlreadyExists', http: 409 },
    { desc: 'aborted', code: GrpcCode.ABORTED, reason: 'Conflict', http: 409 },
    { desc: 'failed precondition', code: GrpcCode.FAILED_PRECONDITION, reason: 'Conflict', http: 409 },
    { desc: 'invalid argument', code: GrpcCode.INVALID_ARGUMENT, reason: 'BadRequest', http: 400 },
    { desc: 'out of range', code: GrpcCode.OUT_OF_RANGE, reason: 'Expired', http: 410 },
    { desc: 'permission denied', code: GrpcCode.PERMISSION_DENIED, reason: 'Forbidden', http: 403 },
    { desc: 'unauthenticated', code: GrpcCode.UNAUTHENTICATED, reason: 'Unauthorized', http: 401 },
    { desc: 'deadline', code: GrpcCode.DEADLINE_EXCEEDED, reason: 'Timeout', http: 504 },
    { desc: 'cancelled', code: GrpcCode.CANCELLED, reason: 'Timeout', http: 504 },
    { desc: 'exhausted', code: GrpcCode.RESOURCE_EXHAUSTED, reason: 'TooManyRequests', http: 429 },
    { desc: 'unavailable', code: GrpcCode.UNAVAILABLE, reason: 'ServiceUnavailable', http: 503 },
    { desc: 'unimplemented', code: GrpcCode.UNIMPLEMENTED, reason: 'MethodNotAllowed', http: 405 },
    { desc: 'internal', code: GrpcCode.INTERNAL, reason: 'InternalError', http: 500 },
    { desc: 'unknown', code: GrpcCode.UNKNOWN, reason: 'InternalError', http: 500 },
    { desc: 'data loss', code: GrpcCode.DATA_LOSS, reason: 'InternalError', http: 500 },
  ])('from code only: $desc', ({ code, reason, http }) => {
    const withMessage = statusErrorFromGrpc(code, 'details from server');
    expect(withMessage.reason).toBe(reason);
    expect(withMessage.code).toBe(http);
    expect(withMessage.message).toBe('details from server');
    expect(statusErrorFromGrpc(code).message.length).toBeGreaterThan(0);
  });

  it('uses upstream generic messages when nothing else is known', () => {
    expect(statusErrorFromGrpc(GrpcCode.NOT_FOUND).message).toBe('the server could not find the requested resource');
  });

  it('round-trips through the gRPC code', () => {
    const original = newConflict({ group: 'apps', resource: 'deployments' }, 'web', 'stale');
    const back = statusErrorFromGrpc(grpcCodeForError(original), original.status);
    expect(back.status).toEqual(original.status);
  });

  it.each([
    { desc: 'Invalid', reason: 'Invalid', http: 422 },
    { desc: 'Gone', reason: 'Gone', http: 410 },
    { desc: 'RequestEntityTooLarge', reason: 'RequestEntityTooLarge', http: 413 },
    { desc: 'NotAcceptable', reason: 'NotAcceptable', http: 406 },
    { desc: 'UnsupportedMediaType', reason: 'UnsupportedMediaType', http: 415 },
    { desc: 'NotFound', reason: 'NotFound', http: 404 },
    { desc: 'Whatever', reason: 'Whatever', http: 500 },
  ])('httpCodeForReason($reason) = $http', ({ reason, http }) => {
    expect(httpCodeForReason(reason)).toBe(http);
  });
});
