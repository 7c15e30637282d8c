// Failed calls come back as StatusError, rebuilt from the Status the server
// put in the `k8ts-status-bin` trailer (or, when there is none, e.g. a local
// deadline or an unreachable server, from the gRPC code and message). So
// callers use the apimachinery predicates: isNotFound(err), isConflict(err)...
import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { decodeObject, type Status } from '@k8ts/api';
import { GrpcCode, StatusError, statusErrorFromGrpc } from '@k8ts/apimachinery';

/** Trailer carrying the protobuf-encoded meta/v1 Status of a failed call. */
export const STATUS_TRAILER = 'k8ts-status-bin';

function isServiceError(err: unknown): err is ServiceError {
  if (!(err instanceof Error) || err instanceof StatusError) return false;
  const e = err as Partial<ServiceError>;
  return typeof e.code === 'number' && typeof e.details === 'string';
}

/** The Status in a call's trailing metadata, if the server sent one. */
export function statusFromTrailer(metadata: Metadata | undefined): Status | undefined {
  const raw = metadata?.get(STATUS_TRAILER)[0];
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  try {
    return decodeObject('Status', raw);
  } catch {
    return undefined;
  }
}

/**
 * A StatusError for any error of a gRPC call. The original ServiceError is
 * kept as `cause` (see grpcCodeOf). StatusErrors pass through.
 */
export function toApiError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (!isServiceError(err)) {
    return new StatusError({ code: 500, reason: 'InternalError', message: `client error: ${(err as Error)?.message ?? String(err)}` }, { cause: err });
  }
  const status = statusFromTrailer(err.metadata);
  const built = statusErrorFromGrpc(err.code, status ?? (err.details || err.message));
  return new StatusError(built.status, { cause: err });
}

/** The gRPC status code behind an error from this client (undefined when there was no gRPC call). */
export function grpcCodeOf(err: unknown): GrpcCode | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 8 && cur; depth++) {
    if (isServiceError(cur)) return cur.code as number as GrpcCode;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
