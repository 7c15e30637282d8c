import { goQuote } from '../util/go-compat';
import { aggregateMessage } from '../validation/field-error-aggregate';
import { FieldError, fieldErrorBody, fieldErrorToString } from '../validation/field-error';
import { CauseTypes, GroupKind, GroupResource, StatusCause, groupKindString, groupResourceString } from './status';
import { StatusError, errorText } from './status-error';

/** Constructors for the standard API errors, with upstream messages and codes. */

/** The message the registry uses when an update lost an optimistic-concurrency race. */
export const OPTIMISTIC_LOCK_ERROR_MSG =
  'the object has been modified; please apply your changes to the latest version and try again';

function causeOpt(err: unknown): { cause?: unknown } | undefined {
  return err instanceof Error ? { cause: err } : undefined;
}

/** 404 NotFound: `pods "x" not found`. */
export function newNotFound(gr: GroupResource, name: string): StatusError {
  return new StatusError({
    code: 404,
    reason: 'NotFound',
    details: { group: gr.group, kind: gr.resource, name },
    message: `${groupResourceString(gr)} ${goQuote(name)} not found`,
  });
}

/** 409 AlreadyExists: `pods "x" already exists`. */
export function newAlreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError({
    code: 409,
    reason: 'AlreadyExists',
    details: { group: gr.group, kind: gr.resource, name },
    message: `${groupResourceString(gr)} ${goQuote(name)} already exists`,
  });
}

/** 409 AlreadyExists when generateName could not produce a unique name. */
export function newGenerateNameConflict(gr: GroupResource, name: string, retryAfterSeconds: number): StatusError {
  return new StatusError({
    code: 409,
    reason: 'AlreadyExists',
    details: { group: gr.group, kind: gr.resource, name, retryAfterSeconds },
    message: `${groupResourceString(gr)} ${goQuote(name)} already exists, the server was not able to generate a unique name for the object`,
  });
}

/** 401 Unauthorized (message defaults to "not authorized"). */
export function newUnauthorized(reason = ''): StatusError {
  return new StatusError({ code: 401, reason: 'Unauthorized', message: reason || 'not authorized' });
}

/** 403 Forbidden: `pods "x" is forbidden: <err>` (or `forbidden: <err>` without a resource). */
export function newForbidden(gr: GroupResource, name: string, err: unknown): StatusError {
  const text = errorText(err);
  let message: string;
  if (!gr.group && !gr.resource) message = `forbidden: ${text}`;
  else if (name === '') message = `${groupResourceString(gr)} is forbidden: ${text}`;
  else message = `${groupResourceString(gr)} ${goQuote(name)} is forbidden: ${text}`;
  return new StatusError(
    { code: 403, reason: 'Forbidden', details: { group: gr.group, kind: gr.resource, name }, message },
    causeOpt(err),
  );
}

/**
 * 409 Conflict: `Operation cannot be fulfilled on pods "x": <err>`.
 * Pass {@link OPTIMISTIC_LOCK_ERROR_MSG} for resourceVersion mismatches.
 */
export function newConflict(gr: GroupResource, name: string, err: unknown): StatusError {
  return new StatusError(
    {
      code: 409,
      reason: 'Conflict',
      details: { group: gr.group, kind: gr.resource, name },
      message: `Operation cannot be fulfilled on ${groupResourceString(gr)} ${goQuote(name)}: ${errorText(err)}`,
    },
    causeOpt(err),
  );
}

/** 409 Conflict for server-side apply, with the conflicting fields as causes. */
export function newApplyConflict(causes: StatusCause[], message: string): StatusError {
  return new StatusError({ code: 409, reason: 'Conflict', details: { causes }, message });
}

/** 410 Gone (deprecated upstream in favour of {@link newResourceExpired}). */
export function newGone(message: string): StatusError {
  return new StatusError({ code: 410, reason: 'Gone', message });
}

/** 410 Expired: the requested resourceVersion is too old. */
export function newResourceExpired(message: string): StatusError {
  return new StatusError({ code: 410, reason: 'Expired', message });
}

/**
 * 422 Invalid: `Pod "x" is invalid: [<field errors>]`, with one cause per
 * field error (reason = error type, field = path, message = error body).
 */
export function newInvalid(gk: GroupKind, name: string, errs: readonly FieldError[]): StatusError {
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const prefix = `${groupKindString(gk)} ${goQuote(name)} is invalid`;
  const message = errs.length === 0 ? prefix : `${prefix}: ${aggregateMessage(errs.map(fieldErrorToString))}`;
  return new StatusError({
    code: 422,
    reason: 'Invalid',
    details: { group: gk.group, kind: gk.kind, name, causes },
    message,
  });
}

/** 400 BadRequest with the given message. */
export function newBadRequest(reason: string): StatusError {
  return new StatusError({ code: 400, reason: 'BadRequest', message: reason });
}

/** 429 TooManyRequests with a retry hint (seconds). */
export function newTooManyRequests(message: string, retryAfterSeconds = 0): StatusError {
  return new StatusError({ code: 429, reason: 'TooManyRequests', message, details: { retryAfterSeconds } });
}

/** 429 TooManyRequests: `Too many requests: <message>`. */
export function newTooManyRequestsError(message: string): StatusError {
  return new StatusError({ code: 429, reason: 'TooManyRequests', message: `Too many requests: ${message}` });
}

/** 503 ServiceUnavailable. */
export function newServiceUnavailable(reason: string): StatusError {
  return new StatusError({ code: 503, reason: 'ServiceUnavailable', message: reason });
}

/** 405 MethodNotAllowed: `<action> is not supported on resources of kind "pods"`. */
export function newMethodNotSupported(gr: GroupResource, action: string): StatusError {
  return new StatusError({
    code: 405,
    reason: 'MethodNotAllowed',
    details: { group: gr.group, kind: gr.resource },
    message: `${action} is not supported on resources of kind ${goQuote(groupResourceString(gr))}`,
  });
}

/** 500 ServerTimeout: a transient failure; the client should retry. */
export function newServerTimeout(gr: GroupResource, operation: string, retryAfterSeconds = 0): StatusError {
  return new StatusError({
    code: 500,
    reason: 'ServerTimeout',
    details: { group: gr.group, kind: gr.resource, name: operation, retryAfterSeconds },
    message: `The ${operation} operation against ${groupResourceString(gr)} could not be completed at this time, please try again.`,
  });
}

/** {@link newServerTimeout} keyed by kind instead of resource. */
export function newServerTimeoutForKind(gk: GroupKind, operation: string, retryAfterSeconds = 0): StatusError {
  return newServerTimeout({ group: gk.group, resource: gk.kind }, operation, retryAfterSeconds);
}

/** 500 InternalError: `Internal error occurred: <err>`; the original error is kept as `cause`. */
export function newInternalError(err: unknown): StatusError {
  const text = errorText(err);
  return new StatusError(
    {
      code: 500,
      reason: 'InternalError',
      details: { causes: [{ message: text }] },
      message: `Internal error occurred: ${text}`,
    },
    causeOpt(err),
  );
}

/** 504 Timeout: `Timeout: <message>`; the operation may still complete. */
export function newTimeout(message: string, retryAfterSeconds = 0): StatusError {
  return new StatusError({ code: 504, reason: 'Timeout', message: `Timeout: ${message}`, details: { retryAfterSeconds } });
}

/** 413 RequestEntityTooLarge: `Request entity too large: <message>`. */
export function newRequestEntityTooLarge(message: string): StatusError {
  return new StatusError({ code: 413, reason: 'RequestEntityTooLarge', message: `Request entity too large: ${message}` });
}

const GENERIC: Readonly<Record<number, [reason: string, message: string]>> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: [
    'Timeout',
    'the server was unable to return a response in the time allotted, but may still be processing the request',
  ],
};

/**
 * An error for a server response without a usable Status body, derived
 * from the HTTP code (as clients do for unexpected responses).
 */
export function newGenericServerResponse(
  code: number,
  verb: string,
  gr: GroupResource,
  name: string,
  serverMessage: string,
  retryAfterSeconds = 0,
  isUnexpectedResponse = false,
): StatusError {
  let reason = '';
  let message = `the server responded with the status code ${code} but did not return more information`;
  if (code === 409) {
    reason = verb === 'POST' ? 'AlreadyExists' : 'Conflict';
    message = 'the server reported a conflict';
  } else if (code === 403) {
    reason = 'Forbidden';
    message = serverMessage;
  } else if (code === 406) {
    reason = 'NotAcceptable';
    message =
      serverMessage === '' || serverMessage === 'unknown'
        ? 'the server was unable to respond with a content type that the client supports'
        : serverMessage;
  } else if (code === 415) {
    reason = 'UnsupportedMediaType';
    message = serverMessage;
  } else if (GENERIC[code]) {
    [reason, message] = GENERIC[code];
  } else if (code >= 500) {
    reason = 'InternalError';
    message = `an error on the server (${goQuote(serverMessage)}) has prevented the request from succeeding`;
  }
  const grText = groupResourceString(gr);
  if (grText && name) message = `${message} (${verb.toLowerCase()} ${grText} ${name})`;
  else if (grText) message = `${message} (${verb.toLowerCase()} ${grText})`;
  return new StatusError({
    code,
    reason,
    details: {
      group: gr.group,
      kind: gr.resource,
      name,
      causes: isUnexpectedResponse ? [{ reason: CauseTypes.UnexpectedServerResponse, message: serverMessage }] : undefined,
      retryAfterSeconds,
    },
    message,
  });
}
