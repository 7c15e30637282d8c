// The REST API over HTTP against an in-memory registry: discovery, CRUD
// status codes and bodies, Status errors, protobuf bodies, field
// validation, tables, subresources and watch streams.
import { encodeK8sProtobuf } from '@k8ts/api';
import { AGGREGATED_DISCOVERY_V2 } from './negotiation';
import { startRestHarness, type RestHarness } from './testing/rest-harness';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

let h: RestHarness;
beforeEach(async () => {
  h = await startRestHarness();
});
afterEach(async () => {
  await h.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${h.url}${path}`, init);
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, headers: res.headers, json };
}

const podBody = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'main', image: 'k8ts/echo' }] },
  ...extra,
});

describe('discovery', () => {
  it('answers aggregated discovery with exactly the v2 content type', async () => {
    const r = await call('GET', '/apis', undefined, { accept: `${AGGREGATED_DISCOVERY_V2},application/json` });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(AGGREGATED_DISCOVERY_V2);
    const items = r.json.items as { metadata: { name: string }; versions: { resources: { resource: string; shortNames?: string[]; subresources?: { subresource: string }[] }[] }[] }[];
    expect(items.map((i) => i.metadata.name).sort()).toEqual(['apps', 'coordination.k8s.io', 'discovery.k8s.io']);
    const deploy = items.find((i) => i.metadata.name === 'apps')?.versions[0].resources.find((x) => x.resource === 'deployments');
    expect(deploy?.shortNames).toEqual(['deploy']);
    expect(deploy?.subresources?.map((s) => s.subresource)).toEqual(['scale', 'status']);
  });

  it('lists core resources with short names, categories and pod subresources', async () => {
    const r = await call('GET', '/api/v1');
    const names = (r.json.resources as { name: string; shortNames?: string[]; categories?: string[] }[]);
    expect(names.map((n) => n.name)).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/exec', 'pods/status', 'pods/binding', 'pods/portforward', 'services/status', 'nodes/status']));
    expect(names.find((n) => n.name === 'pods')).toMatchObject({ shortNames: ['po'], categories: ['all'] });
  });

  it.each([
    { desc: 'legacy /api', path: '/api', kind: 'APIVersions' },
    { desc: 'legacy /apis', path: '/apis', kind: 'APIGroupList' },
    { desc: 'a group', path: '/apis/apps', kind: 'APIGroup' },
    { desc: 'a group version', path: '/apis/apps/v1', kind: 'APIResourceList' },
  ])('$desc answers $kind to a protobuf-first Accept (never 406)', async ({ path, kind }) => {
    const r = await call('GET', path, undefined, { accept: 'application/vnd.kubernetes.protobuf,application/json' });
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe(kind);
  });

  it('serves /version and OpenAPI v3 with a patch operation carrying fieldValidation', async () => {
    expect((await call('GET', '/version')).json.gitVersion).toMatch(/^v1\.35\.\d+-k8ts$/);
    const index = (await call('GET', '/openapi/v3')).json.paths as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(index)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/discovery.k8s.io/v1', 'apis/coordination.k8s.io/v1']));
    expect(index['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    const doc = (await call('GET', index['apis/apps/v1'].serverRelativeURL)).json as { paths: Record<string, Record<string, { parameters?: { name: string }[]; 'x-kubernetes-group-version-kind'?: unknown }>>; components: { schemas: Record<string, unknown> } };
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(patch.parameters?.map((p) => p.name)).toContain('fieldValidation');
    expect(doc.components.schemas['io.k8s.api.apps.v1.DeploymentSpec']).toBeDefined();
  });

  it('answers unknown paths with a NotFound Status', async () => {
    const r = await call('GET', '/apis/nope/v1/things');
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
});

describe('CRUD', () => {
  it('creates (201), gets, updates (200), lists and deletes a pod', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/pods?fieldManager=kubectl-create&fieldValidation=Strict', podBody('web1'));
    expect(created.status).toBe(201);
    const meta = created.json.metadata as { uid: string; resourceVersion: string; managedFields?: { manager: string }[] };
    expect(meta.managedFields?.[0]?.manager).toBe('kubectl-create');
    const got = await call('GET', '/api/v1/namespaces/default/pods/web1');
    expect(got.json.kind).toBe('Pod');
    const put = await call('PUT', '/api/v1/namespaces/default/pods/web1', { ...got.json, metadata: { ...(got.json.metadata as object), labels: { app: 'web', v: '2' } } });
    expect(put.status).toBe(200);
    const list = await call('GET', '/api/v1/pods?labelSelector=v%3D2');
    expect(list.json.kind).toBe('PodList');
    expect((list.json.items as unknown[]).length).toBe(1);
    const del = await call('DELETE', '/api/v1/namespaces/default/pods/web1', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    expect(del.status).toBe(200);
    expect(del.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'web1', kind: 'pods', uid: meta.uid } });
  });

  it.each([
    { desc: 'duplicate create', setup: true, method: 'POST', path: '/api/v1/namespaces/default/pods', body: podBody('dup'), code: 409, reason: 'AlreadyExists', message: 'pods "dup" already exists' },
    { desc: 'get of a missing pod', setup: false, method: 'GET', path: '/api/v1/namespaces/default/pods/nope', body: undefined, code: 404, reason: 'NotFound', message: 'pods "nope" not found' },
    { desc: 'invalid object', setup: false, method: 'POST', path: '/api/v1/namespaces/default/pods', body: podBody('Bad_Name'), code: 422, reason: 'Invalid', message: 'Pod "Bad_Name" is invalid' },
    { desc: 'stale resourceVersion on update', setup: true, method: 'PUT', path: '/api/v1/namespaces/default/pods/dup', body: { ...podBody('dup'), metadata: { name: 'dup', resourceVersion: '1' } }, code: 409, reason: 'Conflict', message: 'the object has been modified' },
    { desc: 'name mismatch on update', setup: true, method: 'PUT', path: '/api/v1/namespaces/default/pods/other', body: podBody('dup'), code: 400, reason: 'BadRequest', message: 'does not match the name on the URL' },
    { desc: 'unsupported body type', setup: false, method: 'POST', path: '/api/v1/namespaces/default/pods', body: 'x', code: 415, reason: 'UnsupportedMediaType', message: 'the body of the request was in an unknown format' },
    { desc: 'unknown field with Strict', setup: false, method: 'POST', path: '/api/v1/namespaces/default/pods?fieldValidation=Strict', body: podBody('s1', { spec: { foo: 1, containers: [{ name: 'main', image: 'x', bar: true }] } }), code: 400, reason: 'BadRequest', message: 'strict decoding error: unknown field "spec.containers[0].bar", unknown field "spec.foo"' },
    { desc: 'bad label selector', setup: false, method: 'GET', path: '/api/v1/pods?labelSelector=a%3D%3D%3Db', body: undefined, code: 400, reason: 'BadRequest', message: '' },
    { desc: 'unsupported field selector', setup: false, method: 'GET', path: '/api/v1/pods?fieldSelector=spec.nope%3Dx', body: undefined, code: 400, reason: 'BadRequest', message: 'field label not supported' },
  ])('$desc: $code $reason', async ({ setup, method, path, body, code, reason, message }) => {
    if (setup) expect((await call('POST', '/api/v1/namespaces/default/pods', podBody('dup'))).status).toBe(201);
    const headers: Record<string, string> = body === 'x' ? { 'content-type': 'text/plain' } : {};
    const r = await call(method, path, body, headers);
    expect(r.status).toBe(code);
    expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
    expect(r.json.message).toContain(message);
  });

  it('reports Invalid with causes naming the fields', async () => {
    const r = await call('POST', '/api/v1/namespaces/default/pods', { ...podBody('p'), spec: { containers: [] } });
    expect(r.status).toBe(422);
    expect(r.json.details).toMatchObject({ name: 'p', kind: 'Pod', causes: expect.arrayContaining([expect.objectContaining({ field: 'spec.containers' })]) });
  });

  it('warns about unknown fields with fieldValidation=Warn', async () => {
    const r = await call('POST', '/api/v1/namespaces/default/pods?fieldValidation=Warn', podBody('w1', { spec: { foo: 1, containers: [{ name: 'main', image: 'x' }] } }));
    expect(r.status).toBe(201);
    expect(r.headers.get('warning')).toBe('299 - "unknown field \\"spec.foo\\""');
  });

  it('decodes protobuf bodies (kubectl create namespace|deployment|service)', async () => {
    const ns = encodeK8sProtobuf('Namespace', { metadata: { name: 'team1' } });
    const r = await call('POST', '/api/v1/namespaces?fieldManager=kubectl-create&fieldValidation=Strict', ns, { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/vnd.kubernetes.protobuf,application/json' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ kind: 'Namespace', metadata: { name: 'team1' }, status: { phase: 'Active' } });
    const deploy = encodeK8sProtobuf('Deployment', {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    });
    const d = await call('POST', '/apis/apps/v1/namespaces/team1/deployments', deploy, { 'content-type': 'application/vnd.kubernetes.protobuf' });
    expect(d.status).toBe(201);
    expect(d.json).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2 } });
  });

  it('dry-run creates nothing but still reports AlreadyExists', async () => {
    const r = await call('POST', '/api/v1/namespaces/default/pods?dryRun=All', podBody('dry'));
    expect(r.status).toBe(201);
    expect((await call('GET', '/api/v1/namespaces/default/pods/dry')).status).toBe(404);
    await call('POST', '/api/v1/namespaces/default/pods', podBody('dry'));
    expect((await call('POST', '/api/v1/namespaces/default/pods?dryRun=All', podBody('dry'))).status).toBe(409);
  });

  it('pages lists with limit and continue', async () => {
    for (const n of ['a', 'b', 'c']) await call('POST', '/api/v1/namespaces/default/pods', podBody(n));
    const first = await call('GET', '/api/v1/namespaces/default/pods?limit=2');
    const meta = first.json.metadata as { continue: string; remainingItemCount: number };
    expect((first.json.items as unknown[]).length).toBe(2);
    expect(meta.remainingItemCount).toBe(1);
    const second = await call('GET', `/api/v1/namespaces/default/pods?limit=2&continue=${encodeURIComponent(meta.continue)}`);
    expect((second.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['c']);
  });

  it('deletes a collection by label selector', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', podBody('x1'));
    await call('POST', '/api/v1/namespaces/default/pods', { ...podBody('x2'), metadata: { name: 'x2', labels: { app: 'other' } } });
    const r = await call('DELETE', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
    expect(r.status).toBe(200);
    expect((r.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['x1']);
    const left = await call('GET', '/api/v1/namespaces/default/pods');
    expect((left.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['x2']);
  });

  it('a graceful delete answers the terminating pod', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', podBody('g1', { spec: { nodeName: 'node-40', containers: [{ name: 'main', image: 'x' }] } }));
    const r = await call('DELETE', '/api/v1/namespaces/default/pods/g1?gracePeriodSeconds=30');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: 'Pod', metadata: { name: 'g1', deletionGracePeriodSeconds: 30 } });
    const table = await call('GET', '/api/v1/namespaces/default/pods/g1', undefined, { accept: TABLE });
    expect((table.json.rows as { cells: unknown[] }[])[0].cells[2]).toBe('Terminating');
  });
});

describe('tables', () => {
  it('lists pods as a Table with PartialObjectMetadata rows', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', podBody('t1'));
    const r = await call('GET', '/api/v1/namespaces/default/pods?limit=500', undefined, { accept: TABLE });
    expect(r.json).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    const cols = (r.json.columnDefinitions as { name: string; priority: number }[]).map((c) => `${c.name}:${c.priority}`);
    expect(cols).toEqual(['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1']);
    const row = (r.json.rows as { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[])[0];
    expect(row.cells.slice(0, 4)).toEqual(['t1', '0/1', 'Pending', 0]);
    expect(row.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 't1' } });
  });

  it('embeds the whole object with includeObject=Object', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', podBody('t2'));
    const r = await call('GET', '/api/v1/namespaces/default/pods?includeObject=Object', undefined, { accept: TABLE });
    expect((r.json.rows as { object: { kind: string } }[])[0].object.kind).toBe('Pod');
  });
});

describe('subresources', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
  };

  it('reads and writes deployments/scale (autoscaling/v1 Scale), also by merge patch', async () => {
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment);
    const scale = await call('GET', '/apis/apps/v1/namespaces/default/deployments/web/scale');
    expect(scale.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=web' } });
    const put = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/web/scale', { ...scale.json, spec: { replicas: 3 } });
    expect(put.json).toMatchObject({ spec: { replicas: 3 } });
    const patched = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: 5 } }, { 'content-type': 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect(((await call('GET', '/apis/apps/v1/namespaces/default/deployments/web')).json.spec as { replicas: number }).replicas).toBe(5);
  });

  it('writes pods/status without touching the spec, and binds with pods/binding', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/pods', podBody('s1'));
    const status = await call('PUT', '/api/v1/namespaces/default/pods/s1/status', { ...created.json, status: { phase: 'Running' } });
    expect(status.status).toBe(200);
    expect(status.json.status).toMatchObject({ phase: 'Running' });
    const bind = await call('POST', '/api/v1/namespaces/default/pods/s1/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 's1' }, target: { kind: 'Node', name: 'node-40' } });
    expect(bind.status).toBe(201);
    expect(bind.json).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    expect(((await call('GET', '/api/v1/namespaces/default/pods/s1')).json.spec as { nodeName: string }).nodeName).toBe('node-40');
  });

  it('answers 404 for a subresource the resource lacks', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', podBody('s2'));
    expect((await call('GET', '/api/v1/namespaces/default/pods/s2/scale')).status).toBe(404);
  });
});

describe('PATCH', () => {
  it.each([
    { desc: 'strategic merge', type: 'application/strategic-merge-patch+json', patch: { metadata: { labels: { p: 'smp' } } } },
    { desc: 'merge', type: 'application/merge-patch+json', patch: { metadata: { labels: { p: 'merge' } } } },
    { desc: 'json', type: 'application/json-patch+json', patch: [{ op: 'add', path: '/metadata/labels/p', value: 'json' }] },
  ])('$desc patch updates the pod', async ({ type, patch }) => {
    await call('POST', '/api/v1/namespaces/default/pods', podBody('p1'));
    const r = await call('PATCH', '/api/v1/namespaces/default/pods/p1?fieldManager=kubectl-patch', patch, { 'content-type': type });
    expect(r.status).toBe(200);
    expect((r.json.metadata as { labels: Record<string, string> }).labels.p).toBeDefined();
  });

  it('server-side apply creates (201) then updates (200)', async () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssa\nspec:\n  containers:\n  - name: main\n    image: k8ts/echo\n';
    const path = '/api/v1/namespaces/default/pods/ssa?fieldManager=kubectl&fieldValidation=Strict&force=false';
    expect((await call('PATCH', path, yaml, { 'content-type': 'application/apply-patch+yaml' })).status).toBe(201);
    expect((await call('PATCH', path, yaml.replace('k8ts/echo', 'k8ts/echo:2'), { 'content-type': 'application/apply-patch+yaml' })).status).toBe(200);
  });

  it('refuses an unknown patch content type with 415', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', podBody('p2'));
    const r = await call('PATCH', '/api/v1/namespaces/default/pods/p2', {}, { 'content-type': 'application/json' });
    expect(r.status).toBe(415);
    expect(r.json.reason).toBe('UnsupportedMediaType');
  });
});

describe('paths', () => {
  it.each([
    { desc: 'a cluster-scoped resource under a namespace', method: 'GET', path: '/api/v1/namespaces/default/nodes', code: 404, reason: 'NotFound' },
    { desc: 'PUT on a collection', method: 'PUT', path: '/api/v1/namespaces/default/pods', code: 405, reason: 'MethodNotAllowed' },
    { desc: 'PATCH on a collection', method: 'PATCH', path: '/api/v1/namespaces/default/pods', code: 405, reason: 'MethodNotAllowed' },
    { desc: 'POST to an object', method: 'POST', path: '/api/v1/namespaces/default/pods/x', code: 405, reason: 'MethodNotAllowed' },
    { desc: 'an unserved version', method: 'GET', path: '/apis/apps/v2/deployments', code: 404, reason: 'NotFound' },
  ])('$desc: $code', async ({ method, path, code, reason }) => {
    const r = await call(method, path, method === 'GET' ? undefined : {}, method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : {});
    expect(r.status).toBe(code);
    expect(r.json).toMatchObject({ kind: 'Status', reason, code });
  });
});

describe('OpenAPI kinds', () => {
  it('tags kind schemas with x-kubernetes-group-version-kind (kubectl explain, client-side apply)', async () => {
    const index = (await call('GET', '/openapi/v3')).json.paths as Record<string, { serverRelativeURL: string }>;
    const doc = (await call('GET', index['api/v1'].serverRelativeURL)).json as { components: { schemas: Record<string, Record<string, unknown>> } };
    expect(doc.components.schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Pod' }]);
    expect(doc.components.schemas['io.k8s.api.core.v1.PodList']['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'PodList' }]);
  });
});

describe('mistyped values', () => {
  it('answers 400 like Go decoding, whatever fieldValidation says', async () => {
    const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'typed' }, spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: 1 }] }] } };
    const r = await call('POST', '/api/v1/namespaces/default/pods?fieldValidation=Ignore', body);
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string');
  });
});
