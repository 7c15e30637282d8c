// OpenAPI v3: /openapi/v3 lists one document per served group version
// (with a content hash in serverRelativeURL, as upstream); each document has
// the resource paths and the component schemas of its kinds. kubectl reads
// it to learn that the server supports fieldValidation (the parameter on
// each object path's patch operation, found through
// x-kubernetes-group-version-kind) before create -f / apply.
import { createHash } from 'node:crypto';
import { groupVersions, type ServedResource } from '../served-resources';
import { openApiName, protoMessageOf, type Schema, schemaClosure } from './schemas';

export interface OpenApiDocument {
  path: string;
  hash: string;
  body: string;
}

const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'];

function queryParam(name: string, type = 'string'): Schema {
  return { name, in: 'query', schema: { type, uniqueItems: true } };
}

function ref(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

function jsonContent(schema: Schema): Schema {
  return { content: { 'application/json': { schema }, 'application/yaml': { schema } } };
}

function operationId(verb: string, r: ServedResource, suffix = ''): string {
  const group = r.group ? r.group.split('.')[0].replace(/^./, (c) => c.toUpperCase()) : 'Core';
  const scope = r.namespaced ? 'Namespaced' : '';
  return `${verb}${group}V1${scope}${r.kind}${suffix}`;
}

function resourcePaths(r: ServedResource, prefix: string): Record<string, Schema> {
  const message = protoMessageOf(r.group, r.version, r.kind);
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const objSchema = message ? ref(openApiName(message)) : { type: 'object' };
  const listMessage = protoMessageOf(r.group, r.version, `${r.kind}List`);
  const listSchema = listMessage ? ref(openApiName(listMessage)) : { type: 'object' };
  const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
  const pathParams = [
    ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
  ];
  const op = (verb: string, action: string, extra: Schema = {}): Schema => ({
    operationId: operationId(verb, r),
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const ok = (schema: Schema) => ({ responses: { '200': { description: 'OK', ...jsonContent(schema) }, '401': { description: 'Unauthorized' } } });
  const patchBody = {
    requestBody: {
      required: true,
      content: Object.fromEntries(
        ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].map((t) => [t, { schema: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Patch') }]),
      ),
    },
  };
  return {
    [base]: {
      parameters: pathParams,
      get: op('list', 'list', { parameters: ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'watch', 'allowWatchBookmarks', 'sendInitialEvents', 'timeoutSeconds'].map((n) => queryParam(n)), ...ok(listSchema) }),
      post: op('create', 'post', { parameters: WRITE_PARAMS.map((n) => queryParam(n)), requestBody: { required: true, ...jsonContent(objSchema) }, ...ok(objSchema) }),
      ...(r.verbs.includes('deletecollection') ? { delete: op('deletecollection', 'deletecollection', { ...ok(ref('io.k8s.apimachinery.pkg.apis.meta.v1.Status')) }) } : {}),
    },
    [`${base}/{name}`]: {
      parameters: [...pathParams, { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }],
      get: op('read', 'get', ok(objSchema)),
      put: op('replace', 'put', { parameters: WRITE_PARAMS.map((n) => queryParam(n)), requestBody: { required: true, ...jsonContent(objSchema) }, ...ok(objSchema) }),
      patch: op('patch', 'patch', { parameters: [...WRITE_PARAMS.map((n) => queryParam(n)), queryParam('force', 'boolean')], ...patchBody, ...ok(objSchema) }),
      delete: op('delete', 'delete', { parameters: ['dryRun', 'gracePeriodSeconds', 'propagationPolicy'].map((n) => queryParam(n)), ...ok(objSchema) }),
    },
  };
}

function buildDocument(resources: ServedResource[], group: string, version: string): Schema {
  const inGv = resources.filter((r) => r.group === group && r.version === version);
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const paths: Record<string, Schema> = {};
  const roots: string[] = [];
  for (const r of inGv) {
    Object.assign(paths, resourcePaths(r, prefix));
    for (const k of [r.kind, `${r.kind}List`]) {
      const m = protoMessageOf(r.group, r.version, k);
      if (m) roots.push(m);
    }
    if (r.subresources.some((s) => s.name === 'scale')) roots.push('k8s.io.api.autoscaling.v1.Scale');
  }
  roots.push('k8s.io.apimachinery.pkg.apis.meta.v1.Status', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  const schemas = schemaClosure(roots);
  // kubectl finds a kind's schema (explain, client-side apply) by this tag.
  const tag = (group: string, kind: string) => {
    const m = protoMessageOf(group, 'v1', kind);
    const schema = m ? schemas[openApiName(m)] : undefined;
    if (schema) schema['x-kubernetes-group-version-kind'] = [{ group, version: 'v1', kind }];
  };
  for (const r of inGv) {
    tag(r.group, r.kind);
    tag(r.group, `${r.kind}List`);
    if (r.subresources.some((s) => s.name === 'scale')) tag('autoscaling', 'Scale');
  }
  schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] = { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' };
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.35.0' }, paths, components: { schemas } };
}

/** The group-version documents, keyed by path ("api/v1", "apis/apps/v1"). */
export function openApiDocuments(resources: ServedResource[]): Map<string, OpenApiDocument> {
  const out = new Map<string, OpenApiDocument>();
  for (const { group, version } of groupVersions(resources)) {
    const path = group ? `apis/${group}/${version}` : `api/${version}`;
    const body = JSON.stringify(buildDocument(resources, group, version));
    const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
    out.set(path, { path, hash, body });
  }
  return out;
}

/** /openapi/v3: the index of group-version documents. */
export function openApiIndex(docs: Map<string, OpenApiDocument>): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const doc of docs.values()) paths[doc.path] = { serverRelativeURL: `/openapi/v3/${doc.path}?hash=${doc.hash}` };
  return { paths };
}

