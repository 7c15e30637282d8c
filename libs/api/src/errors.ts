// Typed errors of the codecs in this library. All extend ApiCodecError, so
// callers can catch the family or one specific failure; `cause` keeps the
// underlying error (JSON SyntaxError, protobuf RangeError...) when there is one.

/** Base class of every error thrown by the @k8ts/api codecs. */
export class ApiCodecError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** apiVersion/kind (or a resource name) that the kind registry does not know. */
export class UnknownKindError extends ApiCodecError {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
    options?: { cause?: unknown },
  ) {
    super(`unknown kind ${JSON.stringify(kind)} in apiVersion ${JSON.stringify(apiVersion)}`, options);
  }
}

/** A resource name ("pods", "deployments.apps/scale") that the kind registry does not know. */
export class UnknownResourceError extends ApiCodecError {
  constructor(
    readonly resource: string,
    readonly group: string | undefined,
  ) {
    super(`unknown resource ${JSON.stringify(resource)}${group === undefined ? '' : ` in group ${JSON.stringify(group)}`}`);
  }
}

/** An object whose apiVersion/kind differs from the one the caller expected. */
export class KindMismatchError extends ApiCodecError {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`expected kind ${expected}, got ${actual}`);
  }
}

/** Input that is not a well-formed object of the expected shape (bad JSON, wrong types, bad times...). */
export class MalformedObjectError extends ApiCodecError {}

/** Bytes that do not start with the Kubernetes protobuf magic "k8s\0". */
export class BadMagicError extends ApiCodecError {
  constructor(readonly prefix: Uint8Array) {
    super(`not a Kubernetes protobuf body: expected magic 6b 38 73 00, got ${hex(prefix)}`);
  }
}

/** Protobuf data that ends in the middle of a field. */
export class TruncatedDataError extends ApiCodecError {}

function hex(bytes: Uint8Array): string {
  if (bytes.length === 0) return '(empty)';
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Maps an error thrown by a protobuf decoder to our error classes: the wire
 * reader throws RangeError("premature EOF") when the data stops early, anything
 * else is malformed input. ApiCodecErrors pass through unchanged.
 */
export function protobufDecodeError(what: string, err: unknown): ApiCodecError {
  if (err instanceof ApiCodecError) return err;
  if (err instanceof RangeError && /premature EOF/.test(err.message)) return new TruncatedDataError(`${what}: truncated protobuf data`, { cause: err });
  const detail = err instanceof Error ? err.message : String(err);
  return new MalformedObjectError(`${what}: invalid protobuf data (${detail})`, { cause: err });
}
