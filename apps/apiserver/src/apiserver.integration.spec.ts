// The apiserver as a real process on a real nats-server, driven through the
// gRPC client: object semantics, admission, allocation and bad input.
import { credentials } from '@grpc/grpc-js';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { Deployment, EndpointSlice, Endpoints, Event, Lease, Namespace, Node, Pod, ReplicaSet, Service, Status } from '@k8ts/api';
import { apiserverv1, decodeObject, intOrString, STATUS_TRAILER } from '@k8ts/api';
import { isAlreadyExists, isForbidden, isInvalid, isNotFound, StatusError } from '@k8ts/apimachinery';
import type { KubeObject, ResourceClient } from '@k8ts/client';
import { newNamespace, newNode, newPod, newService, waitFor } from '@k8ts/testing';
import { type ApiServerFixture, startApiServerFixture } from './testing/apiserver-fixture';

jest.setTimeout(60_000);

let fx: ApiServerFixture;
beforeAll(async () => {
  fx = await startApiServerFixture();
});
afterAll(async () => {
  await fx?.stop();
});

async function caught(p: Promise<unknown>): Promise<StatusError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(err)}`);
  return err;
}

const template = { metadata: { labels: { app: 'crud' } }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } };

interface CrudCase {
  desc: string;
  client: () => ResourceClient<KubeObject>;
  namespace?: string;
  make: (name: string) => KubeObject;
  change: (obj: KubeObject) => KubeObject;
}

const crudCases: CrudCase[] = [
  { desc: 'pods', client: () => fx.client.pods, namespace: 'default', make: (name) => newPod({ name }), change: (o) => ({ ...o, metadata: { ...o.metadata, labels: { changed: 'yes' } } }) },
  { desc: 'services', client: () => fx.client.services, namespace: 'default', make: (name) => newService({ name }), change: (o) => ({ ...o, spec: { ...(o as Service).spec, selector: { app: 'other' } } }) as Service },
  {
    desc: 'endpoints',
    client: () => fx.client.endpoints,
    namespace: 'default',
    make: (name) => ({ metadata: { name }, subsets: [{ addresses: [{ ip: '127.244.1.5' }], ports: [{ port: 8080 }] }] }) as Endpoints,
    change: (o) => ({ ...o, subsets: [{ addresses: [{ ip: '127.244.1.6' }], ports: [{ port: 8080 }] }] }) as Endpoints,
  },
  {
    desc: 'endpointslices',
    client: () => fx.client.endpointSlices,
    namespace: 'default',
    make: (name) => ({ metadata: { name, labels: { 'kubernetes.io/service-name': 'x' } }, addressType: 'IPv4', endpoints: [{ addresses: ['127.244.1.5'] }], ports: [{ port: 8080 }] }) as EndpointSlice,
    change: (o) => ({ ...o, endpoints: [{ addresses: ['127.244.1.7'], conditions: { ready: true } }] }) as EndpointSlice,
  },
  { desc: 'nodes', client: () => fx.client.nodes, make: (name) => newNode({ name }), change: (o) => ({ ...o, spec: { ...(o as Node).spec, unschedulable: true } }) as Node },
  { desc: 'namespaces', client: () => fx.client.namespaces, make: (name) => newNamespace(name), change: (o) => ({ ...o, metadata: { ...o.metadata, labels: { team: 'a' } } }) as Namespace },
  {
    desc: 'events',
    client: () => fx.client.events,
    namespace: 'default',
    make: (name) => ({ metadata: { name }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'x' }, reason: 'Tested', message: 'hello', type: 'Normal' }) as Event,
    change: (o) => ({ ...o, message: 'changed' }) as Event,
  },
  {
    desc: 'leases',
    client: () => fx.client.leases,
    namespace: 'kube-node-lease',
    make: (name) => ({ metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40 } }) as Lease,
    change: (o) => ({ ...o, spec: { ...(o as Lease).spec, leaseDurationSeconds: 20 } }) as Lease,
  },
  {
    desc: 'replicasets',
    client: () => fx.client.replicaSets,
    namespace: 'default',
    make: (name) => ({ metadata: { name }, spec: { replicas: 1, selector: { matchLabels: { app: 'crud' } }, template } }) as ReplicaSet,
    change: (o) => ({ ...o, spec: { ...(o as ReplicaSet).spec, replicas: 2 } }) as ReplicaSet,
  },
  {
    desc: 'deployments',
    client: () => fx.client.deployments,
    namespace: 'default',
    make: (name) => ({ metadata: { name }, spec: { replicas: 1, selector: { matchLabels: { app: 'crud' } }, template } }) as Deployment,
    change: (o) => ({ ...o, spec: { ...(o as Deployment).spec, replicas: 3 } }) as Deployment,
  },
];

describe('CRUD for every resource', () => {
  it.each(crudCases)('$desc: create, get, list, update, delete', async ({ client, namespace, make, change }) => {
    const c = client();
    const name = `crud-${c.resource.split('.')[0]}`;
    const created = await c.create({ ...make(name), metadata: { ...make(name).metadata, namespace } });
    expect(created.metadata?.uid).toBeDefined();
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    const got = await c.get(namespace, name);
    expect(got.metadata?.uid).toBe(created.metadata?.uid);
    const listed = await c.list({ namespace });
    expect(listed.items.map((o) => o.metadata?.name)).toContain(name);
    const updated = await c.update(change(got));
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(got.metadata?.resourceVersion));
    await expect(c.update(change(got))).rejects.toThrow(/the object has been modified/);
    await c.delete(namespace, name);
    if (c.resource !== 'namespaces') expect(isNotFound(await caught(c.get(namespace, name)))).toBe(true);
  });
});

describe('object semantics', () => {
  it('AlreadyExists on a second create', async () => {
    await fx.client.pods.create(newPod({ name: 'dup' }));
    const err = await caught(fx.client.pods.create(newPod({ name: 'dup' })));
    expect(isAlreadyExists(err)).toBe(true);
    expect(err.message).toBe('pods "dup" already exists');
  });

  it('generateName gives unique 5-character suffixes', async () => {
    const names = await Promise.all(
      Array.from({ length: 10 }, () => fx.client.pods.create({ ...newPod(), metadata: { generateName: 'gen-', namespace: 'default' } })),
    );
    const set = new Set(names.map((p) => p.metadata?.name));
    expect(set.size).toBe(10);
    for (const n of set) expect(n).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('deletes a bound pod gracefully and finishes with grace 0', async () => {
    await fx.client.pods.create(newPod({ name: 'graceful', nodeName: 'node-1' }));
    const terminating = await fx.client.pods.delete('default', 'graceful');
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    expect(terminating.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect((await fx.client.pods.get('default', 'graceful')).metadata?.deletionTimestamp).toBeDefined();
    await fx.client.pods.delete('default', 'graceful', { gracePeriodSeconds: 0 });
    expect(isNotFound(await caught(fx.client.pods.get('default', 'graceful')))).toBe(true);
  });

  it('holds deletion while a finalizer remains', async () => {
    await fx.client.services.create({ ...newService({ name: 'held' }), metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } });
    const marked = await fx.client.services.delete('default', 'held');
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    const cur = await fx.client.services.get('default', 'held');
    await fx.client.services.update({ ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    expect(isNotFound(await caught(fx.client.services.get('default', 'held')))).toBe(true);
  });

  it('requires the namespace to exist', async () => {
    const err = await caught(fx.client.pods.create(newPod({ name: 'x', namespace: 'nowhere' })));
    expect(isNotFound(err)).toBe(true);
    expect(err.message).toBe('namespaces "nowhere" not found');
  });

  it('refuses to delete system namespaces', async () => {
    expect(isForbidden(await caught(fx.client.namespaces.delete(undefined, 'kube-system')))).toBe(true);
  });

  it('cascades a namespace delete to its objects and releases their allocations', async () => {
    await fx.client.namespaces.create(newNamespace('doomed'));
    const svc = await fx.client.services.create(newService({ name: 'svc', namespace: 'doomed', type: 'NodePort' }));
    await fx.client.pods.create(newPod({ name: 'p', namespace: 'doomed' }));
    const ns = await fx.client.namespaces.delete(undefined, 'doomed');
    expect(ns.status?.phase).toBe('Terminating');
    expect(isForbidden(await caught(fx.client.pods.create(newPod({ name: 'late', namespace: 'doomed' }))))).toBe(true);
    await waitFor(async () => isNotFound(await caught(fx.client.namespaces.get(undefined, 'doomed'))), { timeoutMs: 15_000, desc: 'namespace removed' });
    expect((await fx.client.pods.list({ namespace: 'doomed' })).items).toEqual([]);
    // Its ClusterIP and NodePort are free again.
    const again = await fx.client.services.create(
      newService({ name: 'reuse', type: 'NodePort', clusterIP: svc.spec?.clusterIP, ports: [{ port: 80, targetPort: 8080, nodePort: svc.spec?.ports?.[0]?.nodePort }] }),
    );
    expect(again.spec?.clusterIP).toBe(svc.spec?.clusterIP);
  });
});

describe('allocation', () => {
  it('gives 200 concurrent services distinct ClusterIPs and NodePorts', async () => {
    await fx.client.namespaces.create(newNamespace('many'));
    const created = await Promise.all(
      Array.from({ length: 200 }, (_, i) => fx.client.services.create(newService({ name: `s${i}`, namespace: 'many', type: i % 2 ? 'NodePort' : 'ClusterIP' }))),
    );
    const ips = created.map((s) => s.spec?.clusterIP);
    expect(new Set(ips).size).toBe(200);
    for (const ip of ips) expect(ip).toMatch(/^127\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    const ports = created.flatMap((s) => (s.spec?.ports ?? []).map((p) => p.nodePort).filter(Boolean));
    expect(ports).toHaveLength(100);
    expect(new Set(ports).size).toBe(100);
  });

  it('gives the kubernetes service the first IP', async () => {
    const svc = await fx.client.services.get('default', 'kubernetes');
    expect(svc.spec?.clusterIP).toBe('127.96.0.1');
  });

  it('writes its own Endpoints (not mirrored) and the EndpointSlice kube-proxy forwards 127.96.0.1:443 with', async () => {
    const ep = await fx.client.endpoints.get('default', 'kubernetes');
    expect(ep.metadata?.labels).toMatchObject({ 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    const slice = await fx.client.endpointSlices.get('default', 'kubernetes');
    expect(slice.metadata?.labels).toMatchObject({ 'kubernetes.io/service-name': 'kubernetes' });
    expect(slice.endpoints?.[0]).toMatchObject({ addresses: ['127.0.0.1'], conditions: { ready: true } });
    expect(slice.ports?.[0]).toMatchObject({ name: 'https', protocol: 'TCP', port: ep.subsets?.[0]?.ports?.[0]?.port });
  });

  it.each([
    { desc: 'a taken ClusterIP', svc: () => newService({ name: 'taken', clusterIP: '127.96.0.1' }), field: 'spec.clusterIPs[0]', msg: 'provided IP is already allocated' },
    { desc: 'a ClusterIP out of range', svc: () => newService({ name: 'far', clusterIP: '10.0.0.1' }), field: 'spec.clusterIPs[0]', msg: 'not in the valid range' },
    { desc: 'a NodePort out of range', svc: () => newService({ name: 'np', type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }), field: 'spec.ports[0].nodePort', msg: 'not in the valid range' },
  ])('rejects $desc', async ({ svc, field, msg }) => {
    const err = await caught(fx.client.services.create(svc()));
    expect(isInvalid(err)).toBe(true);
    expect(err.status.details?.causes).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(msg) })]));
  });
});

describe('bad input comes back Invalid with field paths, and nothing is stored', () => {
  it.each([
    { desc: 'a malformed name', make: () => newPod({ name: 'Bad_Name' }), field: 'metadata.name' },
    { desc: 'a bad label', make: () => newPod({ name: 'badlabel', labels: { 'bad key!': 'x' } }), field: 'metadata.labels' },
    {
      desc: 'port 0',
      make: () => ({ ...newService({ name: 'port0' }), spec: { ...newService().spec, ports: [{ port: 0, protocol: 'TCP', targetPort: intOrString(80) }] } }) as Service,
      field: 'spec.ports[0].port',
    },
    {
      desc: 'a duplicate port name',
      make: () => newService({ name: 'dupport', ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }),
      field: 'spec.ports[1].name',
    },
    { desc: 'an oversized object', make: () => ({ ...newPod({ name: 'huge' }), metadata: { name: 'huge', namespace: 'default', annotations: { big: 'x'.repeat(300 * 1024) } } }), field: 'metadata.annotations' },
    { desc: 'a pod without containers', make: () => ({ metadata: { name: 'empty', namespace: 'default' }, spec: {} }) as Pod, field: 'spec.containers' },
  ])('$desc', async ({ make, field }) => {
    const obj = make() as KubeObject;
    const client = ('spec' in obj && obj.spec && 'ports' in (obj.spec as object) ? fx.client.services : fx.client.pods) as ResourceClient<KubeObject>;
    const err = await caught(client.create(obj));
    expect(isInvalid(err)).toBe(true);
    expect(err.status.code).toBe(422);
    expect((err.status.details?.causes ?? []).map((c) => c.field)).toEqual(expect.arrayContaining([expect.stringContaining(field)]));
    expect(isNotFound(await caught(client.get('default', obj.metadata?.name ?? '')))).toBe(true);
  });
});

describe('health and metrics', () => {
  it.each([
    { desc: 'healthz', path: '/healthz', body: 'ok' },
    { desc: 'livez', path: '/livez', body: 'ok' },
    { desc: 'readyz (verbose)', path: '/readyz?verbose', body: '[+]nats ok' },
  ])('serves $desc', async ({ path, body }) => {
    const res = await fetch(`${fx.httpUrl}${path}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(body);
  });

  it('counts requests by verb, resource and code', async () => {
    await fx.client.pods.create(newPod({ name: 'metered' }));
    await caught(fx.client.pods.get('default', 'no-such-pod'));
    const text = await (await fetch(`${fx.httpUrl}/metrics`)).text();
    expect(text).toMatch(/apiserver_request_total\{verb="create",resource="pods",code="201"\} \d+/);
    expect(text).toMatch(/apiserver_request_total\{verb="get",resource="pods",code="404"\} \d+/);
    expect(text).toContain('apiserver_request_duration_seconds_bucket');
  });
});

describe('malformed bodies on the wire', () => {
  // Hand-written protobuf, as a buggy or hostile client would send it.
  function rawCreate(resource: string, object: Uint8Array): Promise<{ code: number; status?: Status }> {
    const raw = new apiserverv1.ResourcesClient(fx.grpcAddress, credentials.createInsecure());
    return new Promise((resolve) => {
      raw.create({ resource, namespace: 'default', object: Buffer.from(object), dryRun: false, fieldManager: '' }, (err) => {
        raw.close();
        const bin = err?.metadata?.get(STATUS_TRAILER)[0];
        resolve({ code: err?.code ?? 0, status: bin ? decodeObject('Status', bin as Buffer) : undefined });
      });
    });
  }

  it('a field with the wrong wire type is dropped, so the object is Invalid at that path', async () => {
    const w = new BinaryWriter();
    w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string('wiretype').join(); // metadata.name
    w.uint32((2 << 3) | 2).fork(); // spec
    w.uint32((1 << 3) | 2).fork().uint32((3 << 3) | 2).string('80').join(); // ports[0].port sent as a string
    w.join();
    const res = await rawCreate('services', w.finish());
    expect(res.code).toBe(3); // INVALID_ARGUMENT
    expect(res.status?.reason).toBe('Invalid');
    expect(res.status?.details?.causes?.map((c) => c.field)).toContain('spec.ports[0].port');
    expect(isNotFound(await caught(fx.client.services.get('default', 'wiretype')))).toBe(true);
  });

  it('truncated bytes are a BadRequest', async () => {
    const res = await rawCreate('pods', Uint8Array.from([0x0a, 0x20, 0x0a, 0x03, 0x61]));
    expect(res.code).toBe(3);
    expect(res.status?.reason).toBe('BadRequest');
  });
});
