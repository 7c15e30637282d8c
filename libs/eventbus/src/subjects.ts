/**
 * NATS subjects for committed-change events:
 *
 *   k8ts.events.<resource>.<namespace or _>.<name>
 *
 * Every token is escaped so that any Kubernetes name is a single, literal
 * NATS token. Kubernetes names may contain dots (DNS-1123 subdomains such as
 * `node-1.example.com`), and NATS uses the dot as its token separator, so:
 *
 *  - `.`, `*`, `>`, `%`, whitespace, control characters and non-ASCII are
 *    written as `%XX`, one escape per UTF-8 byte, upper-case hex
 *    (`web.v1` → `web%2Ev1`);
 *  - a value that is exactly `_` is written `%5F`, because a bare `_` in
 *    the namespace position means "cluster-scoped";
 *  - everything else (letters, digits, `-`, `:` …) is left alone, so common
 *    subjects stay readable: `k8ts.events.pods.default.web-1`.
 *
 * Decoding is the inverse (percent-decoding of UTF-8), so the mapping
 * round-trips exactly. See docs/architecture.md, "NATS subjects".
 */

export const EVENT_SUBJECT_PREFIX = 'k8ts.events';
/** The namespace token of cluster-scoped objects. */
export const CLUSTER_SCOPE_TOKEN = '_';
/** Matches every event of every resource. */
export const ALL_EVENTS_WILDCARD = `${EVENT_SUBJECT_PREFIX}.>`;

export class SubjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubjectError';
  }
}

const encoder = new TextEncoder();

function mustEscape(byte: number): boolean {
  // Printable ASCII except the NATS separator/wildcards and our escape char.
  if (byte <= 0x20 || byte >= 0x7f) return true;
  return byte === 0x2e /* . */ || byte === 0x2a /* * */ || byte === 0x3e /* > */ || byte === 0x25; /* % */
}

/** Escapes one value into a single literal NATS subject token. */
export function encodeSubjectToken(value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SubjectError(`subject token must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  if (value === CLUSTER_SCOPE_TOKEN) return '%5F';
  let out = '';
  for (const byte of encoder.encode(value)) {
    out += mustEscape(byte) ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

/** Inverse of {@link encodeSubjectToken}. */
export function decodeSubjectToken(token: string): string {
  if (token.length === 0 || /[.*>\s]/.test(token)) {
    throw new SubjectError(`not a literal subject token: ${JSON.stringify(token)}`);
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(token)) {
    throw new SubjectError(`bad escape in subject token ${JSON.stringify(token)}`);
  }
  try {
    return decodeURIComponent(token);
  } catch {
    throw new SubjectError(`subject token ${JSON.stringify(token)} does not decode to UTF-8`);
  }
}

function namespaceToken(namespace: string | undefined): string {
  return namespace === undefined || namespace === '' ? CLUSTER_SCOPE_TOKEN : encodeSubjectToken(namespace);
}

/**
 * The subject of one object's events. `namespace` undefined or '' means a
 * cluster-scoped object. Example: `eventSubject('pods', 'default', 'web-1')`
 * → `k8ts.events.pods.default.web-1`.
 */
export function eventSubject(resource: string, namespace: string | undefined, name: string): string {
  return `${EVENT_SUBJECT_PREFIX}.${encodeSubjectToken(resource)}.${namespaceToken(namespace)}.${encodeSubjectToken(name)}`;
}

/**
 * A subscription subject for a resource:
 *  - `namespace` undefined: every object, all namespaces and cluster scope
 *    (`k8ts.events.pods.>`);
 *  - `namespace` '': cluster-scoped objects only (`k8ts.events.nodes._.*`);
 *  - otherwise: one namespace (`k8ts.events.pods.default.*`).
 */
export function resourceWildcard(resource: string, namespace?: string): string {
  const base = `${EVENT_SUBJECT_PREFIX}.${encodeSubjectToken(resource)}`;
  return namespace === undefined ? `${base}.>` : `${base}.${namespaceToken(namespace)}.*`;
}

export interface EventSubjectParts {
  resource: string;
  /** undefined for cluster-scoped objects */
  namespace: string | undefined;
  name: string;
}

/** Splits and decodes a subject made by {@link eventSubject}. */
export function parseEventSubject(subject: string): EventSubjectParts {
  const prefix = `${EVENT_SUBJECT_PREFIX}.`;
  const rest = subject.startsWith(prefix) ? subject.slice(prefix.length).split('.') : [];
  if (rest.length !== 3) throw new SubjectError(`not an event subject: ${JSON.stringify(subject)}`);
  const [resource, ns, name] = rest as [string, string, string];
  return {
    resource: decodeSubjectToken(resource),
    namespace: ns === CLUSTER_SCOPE_TOKEN ? undefined : decodeSubjectToken(ns),
    name: decodeSubjectToken(name),
  };
}
