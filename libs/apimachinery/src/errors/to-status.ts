import { newInternalError } from './constructors';
import { Status } from './status';
import { StatusError, asStatusError, statusOf } from './status-error';

/**
 * The Status to send for any thrown value. A StatusError (also when wrapped
 * via `cause`) is used as is, with `status` defaulting to Failure and a
 * missing code filled in (200 for Success, 500 otherwise); anything else
 * becomes a 500 InternalError (`Internal error occurred: <message>`).
 */
export function toStatus(err: unknown): Status {
  const found = statusOf(err) ?? newInternalError(err).status;
  const status: Status = { ...found, kind: 'Status', apiVersion: 'v1' };
  if (!status.status) status.status = 'Failure';
  if (!status.code) status.code = status.status === 'Success' ? 200 : 500;
  return status;
}

/** HTTP status code for any thrown value (500 unless it carries a Status). */
export function httpStatusFor(err: unknown): number {
  return toStatus(err).code;
}

/** Turn any thrown value into a StatusError (InternalError, keeping the original as `cause`, for others). */
export function toStatusError(err: unknown): StatusError {
  const se = asStatusError(err);
  if (se) return se;
  const s = statusOf(err);
  return s ? new StatusError(s, { cause: err }) : newInternalError(err);
}
