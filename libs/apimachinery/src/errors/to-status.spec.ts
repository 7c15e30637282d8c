import { newNotFound } from './constructors';
import { StatusError, statusForWire } from './status-error';
import { httpStatusFor, toStatus, toStatusError } from './to-status';

describe('toStatus', () => {
  it.each([
    {
      desc: 'status error passes through',
      err: newNotFound({ resource: 'pods' }, 'x'),
      want: { code: 404, reason: 'NotFound', message: 'pods "x" not found', status: 'Failure' },
    },
    {
      desc: 'plain error becomes internal error',
      err: new Error('boom'),
      want: { code: 500, reason: 'InternalError', message: 'Internal error occurred: boom', status: 'Failure' },
    },
    {
      desc: 'thrown string',
      err: 'boom',
      want: { code: 500, reason: 'InternalError', message: 'Internal error occurred: boom', status: 'Failure' },
    },
    {
      desc: 'undefined',
      err: undefined,
      want: { code: 500, reason: 'InternalError', message: 'Internal error occurred: undefined', status: 'Failure' },
    },
    {
      desc: 'wrapped status error',
      err: new Error('outer', { cause: newNotFound({ resource: 'pods' }, 'x') }),
      want: { code: 404, reason: 'NotFound', message: 'pods "x" not found', status: 'Failure' },
    },
    {
      desc: 'missing code on a failure',
      err: new StatusError({ reason: 'Custom', message: 'm' }),
      want: { code: 500, reason: 'Custom', message: 'm', status: 'Failure' },
    },
    {
      desc: 'missing code on a success',
      err: new StatusError({ status: 'Success', message: 'deleted' }),
      want: { code: 200, reason: '', message: 'deleted', status: 'Success' },
    },
  ])('$desc', ({ err, want }) => {
    const s = toStatus(err);
    expect(s).toMatchObject({ kind: 'Status', apiVersion: 'v1', metadata: {}, ...want });
    expect(httpStatusFor(err)).toBe(want.code);
  });

  it('toStatusError keeps status errors and wraps others', () => {
    const nf = newNotFound({ resource: 'pods' }, 'x');
    expect(toStatusError(nf)).toBe(nf);
    const boom = new Error('boom');
    const wrapped = toStatusError(boom);
    expect(wrapped.code).toBe(500);
    expect(wrapped.cause).toBe(boom);
  });
});

describe('statusForWire', () => {
  it.each([
    {
      desc: 'empty fields are left out',
      err: new StatusError({ status: 'Success' }),
      wire: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' },
    },
    {
      desc: 'full status',
      err: newNotFound({ resource: 'pods' }, 'x'),
      wire: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'pods "x" not found',
        reason: 'NotFound',
        details: { name: 'x', kind: 'pods' },
        code: 404,
      },
    },
  ])('$desc', ({ err, wire }) => {
    expect(statusForWire(err.status)).toEqual(wire);
    expect(JSON.stringify(err)).toBe(JSON.stringify(wire));
  });
});
