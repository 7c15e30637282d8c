import { newGenericServerResponse } from './constructors';
import { KNOWN_REASONS, StatusLike } from './status';
import { StatusError, statusOf } from './status-error';

/** gRPC status codes (numerically identical to the gRPC spec; no gRPC dependency needed). */
export enum GrpcCode {
  OK = 0,
  CANCELLED = 1,
  UNKNOWN = 2,
  INVALID_ARGUMENT = 3,
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  PERMISSION_DENIED = 7,
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  ABORTED = 10,
  OUT_OF_RANGE = 11,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
  DATA_LOSS = 15,
  UNAUTHENTICATED = 16,
}

const REASON_TO_GRPC: Readonly<Record<string, GrpcCode>> = {
  NotFound: GrpcCode.NOT_FOUND,
  AlreadyExists: GrpcCode.ALREADY_EXISTS,
  Conflict: GrpcCode.ABORTED,
  Invalid: GrpcCode.INVALID_ARGUMENT,
  BadRequest: GrpcCode.INVALID_ARGUMENT,
  NotAcceptable: GrpcCode.INVALID_ARGUMENT,
  UnsupportedMediaType: GrpcCode.INVALID_ARGUMENT,
  Expired: GrpcCode.OUT_OF_RANGE,
  Gone: GrpcCode.OUT_OF_RANGE,
  Forbidden: GrpcCode.PERMISSION_DENIED,
  Unauthorized: GrpcCode.UNAUTHENTICATED,
  Timeout: GrpcCode.DEADLINE_EXCEEDED,
  ServerTimeout: GrpcCode.UNAVAILABLE,
  TooManyRequests: GrpcCode.RESOURCE_EXHAUSTED,
  RequestEntityTooLarge: GrpcCode.RESOURCE_EXHAUSTED,
  ServiceUnavailable: GrpcCode.UNAVAILABLE,
  MethodNotAllowed: GrpcCode.UNIMPLEMENTED,
  InternalError: GrpcCode.INTERNAL,
  StorageReadError: GrpcCode.INTERNAL,
};

const HTTP_TO_GRPC: Readonly<Record<number, GrpcCode>> = {
  400: GrpcCode.INVALID_ARGUMENT,
  401: GrpcCode.UNAUTHENTICATED,
  403: GrpcCode.PERMISSION_DENIED,
  404: GrpcCode.NOT_FOUND,
  405: GrpcCode.UNIMPLEMENTED,
  406: GrpcCode.INVALID_ARGUMENT,
  409: GrpcCode.ABORTED,
  410: GrpcCode.OUT_OF_RANGE,
  413: GrpcCode.RESOURCE_EXHAUSTED,
  415: GrpcCode.INVALID_ARGUMENT,
  422: GrpcCode.INVALID_ARGUMENT,
  429: GrpcCode.RESOURCE_EXHAUSTED,
  500: GrpcCode.INTERNAL,
  503: GrpcCode.UNAVAILABLE,
  504: GrpcCode.DEADLINE_EXCEEDED,
};

/** gRPC code for a Status reason; UNKNOWN for '' or unrecognised reasons. */
export function grpcCodeFor(reason: string): GrpcCode {
  return Object.prototype.hasOwnProperty.call(REASON_TO_GRPC, reason) ? REASON_TO_GRPC[reason] : GrpcCode.UNKNOWN;
}

/**
 * gRPC code for any thrown value: by Status reason, or by HTTP code when the
 * reason is not a known one; errors without a Status are INTERNAL.
 */
export function grpcCodeForError(err: unknown): GrpcCode {
  const s = statusOf(err);
  if (!s) return GrpcCode.INTERNAL;
  if (KNOWN_REASONS.has(s.reason)) return grpcCodeFor(s.reason);
  return HTTP_TO_GRPC[s.code] ?? (s.code >= 500 || s.code === 0 ? GrpcCode.INTERNAL : GrpcCode.UNKNOWN);
}

/** The Status reason and HTTP code assumed for a gRPC code when no Status came with it. */
const GRPC_TO_STATUS: Readonly<Record<number, [reason: string, code: number]>> = {
  [GrpcCode.CANCELLED]: ['Timeout', 504],
  [GrpcCode.INVALID_ARGUMENT]: ['BadRequest', 400],
  [GrpcCode.DEADLINE_EXCEEDED]: ['Timeout', 504],
  [GrpcCode.NOT_FOUND]: ['NotFound', 404],
  [GrpcCode.ALREADY_EXISTS]: ['AlreadyExists', 409],
  [GrpcCode.PERMISSION_DENIED]: ['Forbidden', 403],
  [GrpcCode.RESOURCE_EXHAUSTED]: ['TooManyRequests', 429],
  [GrpcCode.FAILED_PRECONDITION]: ['Conflict', 409],
  [GrpcCode.ABORTED]: ['Conflict', 409],
  [GrpcCode.OUT_OF_RANGE]: ['Expired', 410],
  [GrpcCode.UNIMPLEMENTED]: ['MethodNotAllowed', 405],
  [GrpcCode.UNAVAILABLE]: ['ServiceUnavailable', 503],
  [GrpcCode.UNAUTHENTICATED]: ['Unauthorized', 401],
};

/** HTTP code a Status reason implies (used to complete a Status that lacks one). */
export function httpCodeForReason(reason: string): number {
  for (const [r, code] of Object.values(GRPC_TO_STATUS)) if (r === reason) return code;
  switch (reason) {
    case 'Invalid':
      return 422;
    case 'Gone':
      return 410;
    case 'RequestEntityTooLarge':
      return 413;
    case 'NotAcceptable':
      return 406;
    case 'UnsupportedMediaType':
      return 415;
    default:
      return 500;
  }
}

/**
 * Rebuild a StatusError on the receiving side of a gRPC call. When the
 * server sent its Status (e.g. in trailing metadata) pass it as `status`;
 * missing `code` is derived from the reason. Otherwise `status` may be the
 * gRPC details message, and reason/code are derived from the gRPC code
 * (INVALID_ARGUMENT -> BadRequest 400, OUT_OF_RANGE -> Expired 410,
 * CANCELLED/DEADLINE_EXCEEDED -> Timeout 504, FAILED_PRECONDITION/ABORTED ->
 * Conflict 409, UNKNOWN/INTERNAL/DATA_LOSS/OK -> InternalError 500, ...).
 */
export function statusErrorFromGrpc(code: GrpcCode | number, status?: StatusLike | string | null): StatusError {
  if (status && typeof status === 'object' && (status.reason || status.code)) {
    const reason = status.reason ?? '';
    return new StatusError({ ...status, reason, code: status.code || httpCodeForReason(reason) });
  }
  const message = typeof status === 'string' ? status : status?.message ?? '';
  const mapped = GRPC_TO_STATUS[code];
  const [reason, httpCode] = mapped ?? ['InternalError', 500];
  const generic =
    newGenericServerResponse(httpCode, '', { resource: '' }, '', '').status.message ||
    `the server responded with the status code ${httpCode} but did not return more information`;
  return new StatusError({ code: httpCode, reason, message: message || generic });
}
