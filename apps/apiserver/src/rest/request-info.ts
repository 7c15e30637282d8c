// Parses a Kubernetes REST path into what it addresses, in the manner of
// upstream's RequestInfoFactory:
//
//   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}
//   /apis/{group}/{version}/namespaces/{ns}/{resource}/{name}/{subresource}
//   /api/v1/{resource}            (cluster-scoped, or every namespace)
//   /api/v1/namespaces/{name}     (the namespaces resource itself)
//
// The verb follows from the HTTP method and the shape: get vs list, delete vs
// deletecollection, and watch for ?watch=true (or the legacy /watch/ prefix).

export type RestVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface ResourceRequestInfo {
  readonly kind: 'resource';
  readonly verb: RestVerb;
  readonly group: string;
  readonly version: string;
  readonly namespace: string | undefined;
  readonly resource: string;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

export interface NonResourceRequestInfo {
  readonly kind: 'nonresource';
  readonly path: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const METHOD_VERBS: Record<string, RestVerb> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Parses `pathname` (already URL-decoded segments are handled here). */
export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const parts = pathname.split('/').filter((p) => p !== '').map(safeDecode);
  const nonResource: NonResourceRequestInfo = { kind: 'nonresource', path: pathname };
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api') {
    if (parts.length < 3) return nonResource;
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return nonResource;
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return nonResource;
  }
  let verb: RestVerb = METHOD_VERBS[method.toUpperCase()] ?? 'get';
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1];
    // /namespaces/{name} and /namespaces/{name}/status|finalize address the namespace itself.
    if (rest.length === 2 || (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
      rest = ['namespaces', ...rest.slice(1)];
      namespace = undefined;
    } else {
      rest = rest.slice(2);
    }
  }
  if (rest.length === 0) return nonResource;
  const [resource, name, subresource] = rest;
  if (rest.length > 3) return nonResource;
  if (legacyWatch || isTrue(query.get('watch'))) {
    if (verb === 'get') verb = 'watch';
  } else if (verb === 'get' && name === undefined) {
    verb = 'list';
  } else if (verb === 'delete' && name === undefined) {
    verb = 'deletecollection';
  }
  if (subresource && (subresource === 'exec' || subresource === 'log' || subresource === 'portforward' || subresource === 'attach' || subresource === 'proxy')) {
    if (subresource !== 'log') verb = 'connect';
  }
  return { kind: 'resource', verb, group, version, namespace, resource, name, subresource };
}

export function isTrue(v: string | null | undefined): boolean {
  return v === 'true' || v === '1';
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
