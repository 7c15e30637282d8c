import { CauseTypes, KNOWN_REASONS, StatusCause, StatusReason } from './status';
import { statusOf } from './status-error';

/**
 * Classification of errors by Status reason. As upstream, when the reason
 * is not one of the known reasons the HTTP code decides.
 */

function reasonAndCode(err: unknown): [string, number] {
  const s = statusOf(err);
  return s ? [s.reason, s.code] : ['', 0];
}

function check(err: unknown, reason: StatusReason, code: number): boolean {
  const [r, c] = reasonAndCode(err);
  return r === reason || (!KNOWN_REASONS.has(r) && c === code);
}

/** The Status reason of `err` ('' when it carries none). */
export function reasonForError(err: unknown): string {
  return reasonAndCode(err)[0];
}

export const isNotFound = (err: unknown): boolean => check(err, 'NotFound', 404);
export const isAlreadyExists = (err: unknown): boolean => reasonForError(err) === 'AlreadyExists';
export const isConflict = (err: unknown): boolean => check(err, 'Conflict', 409);
export const isInvalid = (err: unknown): boolean => check(err, 'Invalid', 422);
export const isGone = (err: unknown): boolean => check(err, 'Gone', 410);
export const isResourceExpired = (err: unknown): boolean => reasonForError(err) === 'Expired';
export const isNotAcceptable = (err: unknown): boolean => check(err, 'NotAcceptable', 406);
export const isUnsupportedMediaType = (err: unknown): boolean => check(err, 'UnsupportedMediaType', 415);
export const isMethodNotSupported = (err: unknown): boolean => check(err, 'MethodNotAllowed', 405);
export const isServiceUnavailable = (err: unknown): boolean => check(err, 'ServiceUnavailable', 503);
export const isBadRequest = (err: unknown): boolean => check(err, 'BadRequest', 400);
export const isUnauthorized = (err: unknown): boolean => check(err, 'Unauthorized', 401);
export const isForbidden = (err: unknown): boolean => check(err, 'Forbidden', 403);
export const isTimeout = (err: unknown): boolean => check(err, 'Timeout', 504);
export const isServerTimeout = (err: unknown): boolean => reasonForError(err) === 'ServerTimeout';
export const isInternalError = (err: unknown): boolean => check(err, 'InternalError', 500);
export const isStoreReadError = (err: unknown): boolean => reasonForError(err) === 'StorageReadError';

/** TooManyRequests by reason, or any 429. */
export function isTooManyRequests(err: unknown): boolean {
  const [r, c] = reasonAndCode(err);
  return r === 'TooManyRequests' || c === 429;
}

/** RequestEntityTooLarge by reason, or any 413. */
export function isRequestEntityTooLarge(err: unknown): boolean {
  const [r, c] = reasonAndCode(err);
  return r === 'RequestEntityTooLarge' || c === 413;
}

/** The first cause of the given type, if the error has one. */
export function statusCause(err: unknown, type: string): StatusCause | undefined {
  return statusOf(err)?.details?.causes?.find((c) => c.reason === type);
}

/** Whether the error has a cause of the given type. */
export function hasStatusCause(err: unknown, type: string): boolean {
  return statusCause(err, type) !== undefined;
}

/** Whether the error was built from a response the client could not interpret. */
export function isUnexpectedServerError(err: unknown): boolean {
  return hasStatusCause(err, CauseTypes.UnexpectedServerResponse);
}

/** Seconds the server asked the client to wait, if any (ServerTimeout always counts, even with 0). */
export function suggestsClientDelay(err: unknown): number | undefined {
  const s = statusOf(err);
  if (!s?.details) return undefined;
  if (s.reason === 'ServerTimeout') return s.details.retryAfterSeconds ?? 0;
  const secs = s.details.retryAfterSeconds ?? 0;
  return secs > 0 ? secs : undefined;
}
