/** The Kubernetes `Status` object and its vocabulary. */

/** Why a request failed (machine-readable). '' means unknown. */
export type StatusReason =
  | ''
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'StorageReadError'
  | 'Timeout'
  | 'TooManyRequests'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable';

export const StatusReasons = {
  Unknown: '',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Gone',
  Invalid: 'Invalid',
  ServerTimeout: 'ServerTimeout',
  StoreReadError: 'StorageReadError',
  Timeout: 'Timeout',
  TooManyRequests: 'TooManyRequests',
  BadRequest: 'BadRequest',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  InternalError: 'InternalError',
  Expired: 'Expired',
  ServiceUnavailable: 'ServiceUnavailable',
} as const satisfies Record<string, StatusReason>;

/** Reasons the predicates treat as authoritative (the HTTP code is only consulted for other reasons). */
export const KNOWN_REASONS: ReadonlySet<string> = new Set(Object.values(StatusReasons).filter((r) => r !== ''));

/** Cause types beyond the field error types. */
export const CauseTypes = {
  UnexpectedServerResponse: 'UnexpectedServerResponse',
  FieldManagerConflict: 'FieldManagerConflict',
  ResourceVersionTooLarge: 'ResourceVersionTooLarge',
} as const;

/** One reason behind a failure; for Invalid errors, one per field error. */
export interface StatusCause {
  /** Machine-readable cause (a field error type such as `FieldValueInvalid`). */
  reason?: string;
  message?: string;
  /** Field path, e.g. `spec.containers[0].image`. */
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  /** The resource (or kind, for Invalid) concerned. */
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface ListMetaLike {
  selfLink?: string;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** The `Status` object returned for failed API calls. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: ListMetaLike;
  /** 'Failure' (or 'Success' for a few delete responses). */
  status: string;
  message: string;
  reason: StatusReason | string;
  details?: StatusDetails;
  /** HTTP status code. */
  code: number;
}

/** Loose input shape: any Status-like object (e.g. decoded JSON or a generated type). */
export interface StatusLike {
  kind?: string;
  apiVersion?: string;
  metadata?: ListMetaLike;
  status?: string;
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** `{group, resource}`; `group` '' or missing for the core group. */
export interface GroupResource {
  group?: string;
  resource: string;
}

/** `{group, kind}`; `group` '' or missing for the core group. */
export interface GroupKind {
  group?: string;
  kind: string;
}

/** `pods`, `deployments.apps`. */
export function groupResourceString(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** `Pod`, `Deployment.apps`. */
export function groupKindString(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}
