import { invalid, required } from '../validation/field-error';
import { path } from '../validation/field-path';
import {
  OPTIMISTIC_LOCK_ERROR_MSG,
  newAlreadyExists,
  newApplyConflict,
  newBadRequest,
  newConflict,
  newForbidden,
  newGenerateNameConflict,
  newGenericServerResponse,
  newGone,
  newInternalError,
  newInvalid,
  newMethodNotSupported,
  newNotFound,
  newRequestEntityTooLarge,
  newResourceExpired,
  newServerTimeout,
  newServerTimeoutForKind,
  newServiceUnavailable,
  newTimeout,
  newTooManyRequests,
  newTooManyRequestsError,
  newUnauthorized,
} from './constructors';
import { StatusError } from './status-error';

const pods = { group: '', resource: 'pods' };
const deployments = { group: 'apps', resource: 'deployments' };

describe('error constructors', () => {
  it.each([
    {
      desc: 'not found',
      err: newNotFound(pods, 'x'),
      code: 404,
      reason: 'NotFound',
      message: 'pods "x" not found',
      details: { name: 'x', kind: 'pods' },
    },
    {
      desc: 'not found in a group',
      err: newNotFound(deployments, 'web'),
      code: 404,
      reason: 'NotFound',
      message: 'deployments.apps "web" not found',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
    },
    {
      desc: 'already exists',
      err: newAlreadyExists(pods, 'x'),
      code: 409,
      reason: 'AlreadyExists',
      message: 'pods "x" already exists',
      details: { name: 'x', kind: 'pods' },
    },
    {
      desc: 'generate name conflict',
      err: newGenerateNameConflict(pods, 'web-abcde', 1),
      code: 409,
      reason: 'AlreadyExists',
      message: 'pods "web-abcde" already exists, the server was not able to generate a unique name for the object',
      details: { name: 'web-abcde', kind: 'pods', retryAfterSeconds: 1 },
    },
    {
      desc: 'conflict',
      err: newConflict(pods, 'x', new Error(OPTIMISTIC_LOCK_ERROR_MSG)),
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on pods "x": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'x', kind: 'pods' },
    },
    {
      desc: 'apply conflict',
      err: newApplyConflict([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }], 'Apply failed'),
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }] },
    },
    {
      desc: 'forbidden with name',
      err: newForbidden(pods, 'x', 'User "bob" cannot get resource'),
      code: 403,
      reason: 'Forbidden',
      message: 'pods "x" is forbidden: User "bob" cannot get resource',
      details: { name: 'x', kind: 'pods' },
    },
    {
      desc: 'forbidden without name',
      err: newForbidden(pods, '', new Error('nope')),
      code: 403,
      reason: 'Forbidden',
      message: 'pods is forbidden: nope',
      details: { kind: 'pods' },
    },
    {
      desc: 'forbidden without resource',
      err: newForbidden({ resource: '' }, '', 'nope'),
      code: 403,
      reason: 'Forbidden',
      message: 'forbidden: nope',
      details: {},
    },
    { desc: 'unauthorized', err: newUnauthorized(), code: 401, reason: 'Unauthorized', message: 'not authorized', details: undefined },
    { desc: 'unauthorized with reason', err: newUnauthorized('bad token'), code: 401, reason: 'Unauthorized', message: 'bad token', details: undefined },
    { desc: 'gone', err: newGone('too old'), code: 410, reason: 'Gone', message: 'too old', details: undefined },
    {
      desc: 'expired',
      err: newResourceExpired('too old resource version: 1 (5)'),
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 1 (5)',
      details: undefined,
    },
    { desc: 'bad request', err: newBadRequest('field label not supported: foo'), code: 400, reason: 'BadRequest', message: 'field label not supported: foo', details: undefined },
    { desc: 'too many requests', err: newTooManyRequests('slow down', 3), code: 429, reason: 'TooManyRequests', message: 'slow down', details: { retryAfterSeconds: 3 } },
    { desc: 'too many requests error', err: newTooManyRequestsError('limit'), code: 429, reason: 'TooManyRequests', message: 'Too many requests: limit', details: undefined },
    { desc: 'service unavailable', err: newServiceUnavailable('etcd down'), code: 503, reason: 'ServiceUnavailable', message: 'etcd down', details: undefined },
    {
      desc: 'method not supported',
      err: newMethodNotSupported(deployments, 'watch'),
      code: 405,
      reason: 'MethodNotAllowed',
      message: 'watch is not supported on resources of kind "deployments.apps"',
      details: { group: 'apps', kind: 'deployments' },
    },
    {
      desc: 'server timeout',
      err: newServerTimeout(pods, 'create', 2),
      code: 500,
      reason: 'ServerTimeout',
      message: 'The create operation against pods could not be completed at this time, please try again.',
      details: { name: 'create', kind: 'pods', retryAfterSeconds: 2 },
    },
    {
      desc: 'server timeout for kind',
      err: newServerTimeoutForKind({ group: 'apps', kind: 'Deployment' }, 'get'),
      code: 500,
      reason: 'ServerTimeout',
      message: 'The get operation against Deployment.apps could not be completed at this time, please try again.',
      details: { name: 'get', group: 'apps', kind: 'Deployment' },
    },
    {
      desc: 'internal error',
      err: newInternalError(new Error('disk full')),
      code: 500,
      reason: 'InternalError',
      message: 'Internal error occurred: disk full',
      details: { causes: [{ message: 'disk full' }] },
    },
    { desc: 'timeout', err: newTimeout('request did not complete within 60s', 1), code: 504, reason: 'Timeout', message: 'Timeout: request did not complete within 60s', details: { retryAfterSeconds: 1 } },
    {
      desc: 'request entity too large',
      err: newRequestEntityTooLarge('limit is 3145728'),
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: limit is 3145728',
      details: undefined,
    },
  ])('$desc', ({ err, code, reason, message, details }) => {
    expect(err).toBeInstanceOf(StatusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('StatusError');
    expect(err.message).toBe(message);
    expect(err.code).toBe(code);
    expect(err.reason).toBe(reason);
    expect(err.status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) });
  });

  it('keeps the original error as cause', () => {
    const original = new Error('disk full');
    expect(newInternalError(original).cause).toBe(original);
    expect(newConflict(pods, 'x', original).cause).toBe(original);
    expect(newNotFound(pods, 'x').cause).toBeUndefined();
  });

  it('serializes as the Status object', () => {
    expect(JSON.parse(JSON.stringify(newNotFound(pods, 'x')))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "x" not found',
      reason: 'NotFound',
      details: { name: 'x', kind: 'pods' },
      code: 404,
    });
  });

  it('quotes names like Go does', () => {
    expect(newNotFound(pods, 'a"b\n').message).toBe('pods "a\\"b\\n" not found');
  });
});

describe('newInvalid', () => {
  const ports = path('spec', 'containers').index(0).child('ports').index(0).child('containerPort');

  it('lists every field error in the message and as causes', () => {
    const err = newInvalid({ group: '', kind: 'Pod' }, 'x', [
      invalid(ports, 0, 'must be between 1 and 65535, inclusive'),
      required(path('spec', 'containers').index(0).child('image'), ''),
    ]);
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.message).toBe(
      'Pod "x" is invalid: [spec.containers[0].ports[0].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive, spec.containers[0].image: Required value]',
    );
    expect(err.details).toEqual({
      name: 'x',
      kind: 'Pod',
      causes: [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0: must be between 1 and 65535, inclusive',
          field: 'spec.containers[0].ports[0].containerPort',
        },
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' },
      ],
    });
  });

  it.each([
    { desc: 'one error is not bracketed', errs: [required(path('a'), 'x')], message: 'Deployment.apps "web" is invalid: a: Required value: x' },
    { desc: 'no errors', errs: [], message: 'Deployment.apps "web" is invalid' },
    {
      desc: 'duplicate messages are collapsed',
      errs: [required(path('a'), 'x'), required(path('a'), 'x')],
      message: 'Deployment.apps "web" is invalid: a: Required value: x',
    },
  ])('$desc', ({ errs, message }) => {
    expect(newInvalid({ group: 'apps', kind: 'Deployment' }, 'web', errs).message).toBe(message);
  });
});

describe('newGenericServerResponse', () => {
  it.each([
    { desc: 'conflict on POST', code: 409, verb: 'POST', reason: 'AlreadyExists', message: 'the server reported a conflict (post pods x)' },
    { desc: 'conflict on PUT', code: 409, verb: 'PUT', reason: 'Conflict', message: 'the server reported a conflict (put pods x)' },
    { desc: 'not found', code: 404, verb: 'GET', reason: 'NotFound', message: 'the server could not find the requested resource (get pods x)' },
    { desc: 'forbidden keeps server message', code: 403, verb: 'GET', reason: 'Forbidden', message: 'denied (get pods x)' },
    { desc: 'not acceptable', code: 406, verb: 'GET', reason: 'NotAcceptable', message: 'denied (get pods x)' },
    {
      desc: 'server error',
      code: 502,
      verb: 'GET',
      reason: 'InternalError',
      message: 'an error on the server ("denied") has prevented the request from succeeding (get pods x)',
    },
    {
      desc: 'unknown code',
      code: 418,
      verb: 'GET',
      reason: '',
      message: 'the server responded with the status code 418 but did not return more information (get pods x)',
    },
  ])('$desc', ({ code, verb, reason, message }) => {
    const err = newGenericServerResponse(code, verb, pods, 'x', 'denied', 0, true);
    expect(err.code).toBe(code);
    expect(err.reason).toBe(reason);
    expect(err.message).toBe(message);
    expect(err.details?.causes).toEqual([{ reason: 'UnexpectedServerResponse', message: 'denied' }]);
  });
});
