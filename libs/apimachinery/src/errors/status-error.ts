import { Status, StatusDetails, StatusLike } from './status';

/** Drop empty strings/zero/undefined from details, as upstream's JSON encoding (omitempty) does. */
export function compactDetails(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) out.causes = d.causes.map(compactCause);
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

function compactCause(c: { reason?: string; message?: string; field?: string }) {
  const out: { reason?: string; message?: string; field?: string } = {};
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  if (c.field) out.field = c.field;
  return out;
}

/**
 * The Status as upstream encodes it: empty `status`, `message`, `reason`
 * and zero `code` are left out (Go's omitempty), `metadata` is always present.
 */
export function statusForWire(s: Status): StatusLike {
  const out: StatusLike = { kind: s.kind, apiVersion: s.apiVersion, metadata: s.metadata };
  if (s.status) out.status = s.status;
  if (s.message) out.message = s.message;
  if (s.reason) out.reason = s.reason;
  if (s.details) out.details = s.details;
  if (s.code) out.code = s.code;
  return out;
}

/** Fill in the fixed parts of a Status (kind, apiVersion, metadata, status). */
export function normalizeStatus(s: StatusLike): Status {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: { ...(s.metadata ?? {}) },
    status: s.status || 'Failure',
    message: s.message ?? '',
    reason: s.reason ?? '',
    code: s.code ?? 0,
  };
  if (s.details) status.details = compactDetails(s.details);
  return status;
}

/**
 * An error carrying a Kubernetes Status: what the apiserver returns for a
 * failed call and what clients rebuild from a failed response. The message
 * is the Status message.
 */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  readonly status: Status;

  constructor(status: StatusLike, options?: { cause?: unknown }) {
    const normalized = normalizeStatus(status);
    super(normalized.message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.status = normalized;
  }

  /** HTTP status code. */
  get code(): number {
    return this.status.code;
  }

  get reason(): string {
    return this.status.reason;
  }

  get details(): StatusDetails | undefined {
    return this.status.details;
  }

  /** Serializes as the Status object (see {@link statusForWire}). */
  toJSON(): StatusLike {
    return statusForWire(this.status);
  }
}

function looksLikeStatus(x: unknown): x is StatusLike {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as StatusLike;
  return s.kind === 'Status' && (typeof s.code === 'number' || typeof s.reason === 'string');
}

/**
 * The Status behind an error, if any: a StatusError anywhere in the `cause`
 * chain, or an error-like object exposing a Status-shaped `status`
 * property (e.g. a StatusError from another copy of this library).
 */
export function statusOf(err: unknown): Status | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 32 && cur !== null && cur !== undefined; depth++) {
    if (cur instanceof StatusError) return cur.status;
    if (typeof cur === 'object') {
      const s = (cur as { status?: unknown }).status;
      if (looksLikeStatus(s)) return normalizeStatus(s);
      cur = (cur as { cause?: unknown }).cause;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** The StatusError itself if `err` is one or wraps one (via `cause`). */
export function asStatusError(err: unknown): StatusError | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 32 && typeof cur === 'object' && cur !== null; depth++) {
    if (cur instanceof StatusError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Text of any thrown value (Error message, string, or String(x)). */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return String(err);
}
