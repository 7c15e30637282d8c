// The component gRPC API end to end: a real grpc-js server on 127.0.0.1:0
// over a Registry (test strategies), driven through @k8ts/client. The API
// contract runs over MemoryStorage and over JetStream on a real nats-server;
// server-edge behaviour (deadlines, retries, limits, shutdown, tracing) runs
// over MemoryStorage.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { context, trace } from '@opentelemetry/api';
import { type Deployment, encodeObject, type Namespace, type Pod } from '@k8ts/api';
import {
  GrpcCode,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isInternalError,
  isInvalid,
  isNotFound,
  isResourceExpired,
  isServiceUnavailable,
  isTimeout,
  type StatusError,
} from '@k8ts/apimachinery';
import { type ApiClient, createApiClient, grpcCodeOf, type ResourceWatch, statusFromTrailer, type WatchEvent } from '@k8ts/client';
import { startTestTracing } from '@k8ts/telemetry';
import { type NatsServerHandle, startNatsServer, waitFor } from '@k8ts/testing';
import { ExpiredError, StorageUnavailableError } from '../storage/errors';
import type { RawStorage } from '../storage/interface';
import { JetStreamStorage } from '../storage/jetstream-storage';
import { MemoryStorage } from '../storage/memory-storage';
import { ResourcesService as ResourcesServiceDefinition, STATUS_TRAILER } from './proto';
import { startTestApi, type TestApi } from './testing/harness';

jest.setTimeout(30_000);

// ---- fixtures ---------------------------------------------------------------

interface Backend {
  name: string;
  open(): Promise<{ storage: RawStorage; cleanup(): Promise<void> }>;
}

let nats: NatsServerHandle | undefined;
let streams = 0;

const memory: Backend = {
  name: 'memory',
  open: async () => {
    const storage = new MemoryStorage();
    return { storage, cleanup: () => storage.close() };
  },
};

const jetstream: Backend = {
  name: 'jetstream',
  open: async () => {
    nats ??= await startNatsServer();
    const nc: NatsConnection = await connect({ servers: nats.url });
    // Streams share the k8ts.events.> subject space: one per test, deleted after it.
    const stream = `GRPC${++streams}`;
    const storage = await JetStreamStorage.open(nc, { stream });
    return {
      storage,
      cleanup: async () => {
        await storage.close();
        await (await jetstreamManager(nc)).streams.delete(stream);
        await nc.close();
      },
    };
  },
};

afterAll(async () => {
  await nats?.stop();
});

function newPod(name: string, namespace = 'default', labels: Record<string, string> = {}): Pod {
  return { metadata: { name, namespace, labels }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } };
}

/** The StatusError a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    return err as StatusError;
  }
  throw new Error('expected the call to fail');
}

/** The next `count` events of a watch (bookmarks skipped unless asked for). */
async function take<T>(w: ResourceWatch<T>, count: number, opts: { bookmarks?: boolean; timeoutMs?: number } = {}): Promise<WatchEvent<T>[]> {
  const it = w[Symbol.asyncIterator]();
  const out: WatchEvent<T>[] = [];
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (out.length < count) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      it.next(),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') throw new Error(`timed out with ${out.length}/${count} events: ${JSON.stringify(out.map((e) => e.type))}`);
    if (next.done) throw new Error(`watch ended after ${out.length}/${count} events`);
    if (next.value.type === 'BOOKMARK' && !opts.bookmarks) continue;
    out.push(next.value);
  }
  return out;
}

/** Drains a watch to its end; returns the non-bookmark events. */
async function drain<T>(w: ResourceWatch<T>): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  for await (const ev of w) if (ev.type !== 'BOOKMARK') out.push(ev);
  return out;
}

const summary = (evs: WatchEvent<Pod>[]) => evs.map((e) => `${e.type} ${e.object.metadata?.name} ${e.resourceVersion}`);

// ---- the API contract, per storage backend -----------------------------------

describe.each([memory, jetstream])('Resources gRPC API over $name storage', (backend) => {
  let api: TestApi;
  let client: ApiClient;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const fx = await backend.open();
    cleanup = fx.cleanup;
    api = await startTestApi(fx.storage, { bookmarkIntervalMs: 100 });
    client = createApiClient({ address: api.address, deadlineMs: 5000, retryBaseDelayMs: 10, userAgent: 'grpc-spec' });
  });

  afterEach(async () => {
    client.close();
    await api.stop();
    await cleanup();
  });

  it('create/get/list/update/updateStatus/delete round-trips typed objects', async () => {
    const created = await client.pods.create(newPod('web-1', 'default', { app: 'web' }));
    expect(created.metadata).toMatchObject({ name: 'web-1', namespace: 'default', labels: { app: 'web' } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.status?.phase).toBe('Pending');
    expect(created.spec?.restartPolicy).toBe('Always');

    const got = await client.pods.get('default', 'web-1');
    expect(got).toEqual(created);

    const listed = await client.pods.list({ namespace: 'default' });
    expect(listed.items.map((p) => p.metadata?.name)).toEqual(['web-1']);
    expect(listed.resourceVersion).toBe(created.metadata?.resourceVersion);
    expect(listed.continue).toBeUndefined();

    // A main update changes spec/metadata but never status.
    const updated = await client.pods.update({
      ...got,
      metadata: { ...got.metadata, labels: { app: 'web', tier: 'front' } },
      status: { phase: 'Running' },
    });
    expect(updated.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
    expect(updated.status?.phase).toBe('Pending');
    expect(updated.metadata?.resourceVersion).not.toBe(got.metadata?.resourceVersion);

    // A status update changes status only.
    const withStatus = await client.pods.updateStatus({
      ...updated,
      metadata: { ...updated.metadata, labels: { hacked: 'yes' } },
      status: { phase: 'Running', podIP: '127.244.1.5' },
    });
    expect(withStatus.status).toMatchObject({ phase: 'Running', podIP: '127.244.1.5' });
    expect(withStatus.metadata?.labels).toEqual({ app: 'web', tier: 'front' });

    const deleted = await client.pods.delete('default', 'web-1');
    expect(deleted.metadata?.name).toBe('web-1');
    expect(deleted.status?.phase).toBe('Running');
    expect(isNotFound(await failure(client.pods.get('default', 'web-1')))).toBe(true);
    expect((await client.pods.list()).items).toEqual([]);
  });

  it('serves cluster-scoped and grouped resources', async () => {
    const ns = await client.namespaces.create({ metadata: { name: 'team-a' } } as Namespace);
    expect(ns.metadata?.namespace).toBeUndefined();
    expect(ns.status?.phase).toBe('Active');
    expect((await client.namespaces.get(undefined, 'team-a')).metadata?.uid).toBe(ns.metadata?.uid);
    expect((await client.namespaces.list()).items.map((n) => n.metadata?.name)).toEqual(['team-a']);

    const dep = await client.deployments.create({
      metadata: { name: 'web', namespace: 'team-a' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } } },
    } as Deployment);
    expect(client.deployments.resource).toBe('deployments.apps');
    expect(dep.metadata?.generation).toBe(1);
    const scaled = await client.deployments.update({ ...dep, spec: { ...dep.spec, replicas: 3 } });
    expect(scaled.metadata?.generation).toBe(2);

    expect((await client.namespaces.delete(undefined, 'team-a')).metadata?.name).toBe('team-a');
  });

  it('binds a pod through pods/binding', async () => {
    await client.pods.create(newPod('web-1'));
    const bound = await client.pods.bind('default', { metadata: { name: 'web-1' }, target: { kind: 'Node', name: 'node-1' } });
    expect(bound.spec?.nodeName).toBe('node-1');
    const again = await failure(client.pods.bind('default', { metadata: { name: 'web-1' }, target: { kind: 'Node', name: 'node-2' } }));
    expect(isConflict(again)).toBe(true);
    expect(grpcCodeOf(again)).toBe(GrpcCode.ABORTED);
  });

  it('does not persist a dry-run create', async () => {
    const dry = await client.pods.create(newPod('dry'), { dryRun: true });
    expect(dry.metadata?.name).toBe('dry');
    expect(isNotFound(await failure(client.pods.get('default', 'dry')))).toBe(true);
  });

  it.each([
    {
      desc: 'AlreadyExists on a second create',
      act: async (c: ApiClient) => {
        await c.pods.create(newPod('dup'));
        return c.pods.create(newPod('dup'));
      },
      code: GrpcCode.ALREADY_EXISTS,
      is: isAlreadyExists,
      message: 'pods "dup" already exists',
    },
    {
      desc: 'Conflict on an update with a stale resourceVersion',
      act: async (c: ApiClient) => {
        const p = await c.pods.create(newPod('stale'));
        await c.pods.update({ ...p, metadata: { ...p.metadata, labels: { v: '2' } } });
        return c.pods.update({ ...p, metadata: { ...p.metadata, labels: { v: '3' } } });
      },
      code: GrpcCode.ABORTED,
      is: isConflict,
      message: 'Operation cannot be fulfilled on pods "stale"',
    },
    {
      desc: 'Conflict on a delete with a stale precondition',
      act: async (c: ApiClient) => {
        const p = await c.pods.create(newPod('pre'));
        await c.pods.update({ ...p, metadata: { ...p.metadata, labels: { v: '2' } } });
        return c.pods.delete('default', 'pre', { preconditions: { resourceVersion: p.metadata?.resourceVersion } });
      },
      code: GrpcCode.ABORTED,
      is: isConflict,
      message: 'Precondition failed',
    },
    {
      desc: 'Invalid with field causes',
      act: (c: ApiClient) => c.pods.create({ metadata: { name: 'bad', namespace: 'default' }, spec: { containers: [{ name: 'app' }, { image: 'x' }] } }),
      code: GrpcCode.INVALID_ARGUMENT,
      is: isInvalid,
      message: 'Pod "bad" is invalid',
      causes: ['spec.containers[0].image', 'spec.containers[1].name'],
    },
    {
      desc: 'Invalid name',
      act: (c: ApiClient) => c.pods.create(newPod('Not_A_Name')),
      code: GrpcCode.INVALID_ARGUMENT,
      is: isInvalid,
      message: 'Pod "Not_A_Name" is invalid',
      causes: ['metadata.name'],
    },
    {
      desc: 'NotFound on get',
      act: (c: ApiClient) => c.pods.get('default', 'ghost'),
      code: GrpcCode.NOT_FOUND,
      is: isNotFound,
      message: 'pods "ghost" not found',
    },
    {
      desc: 'NotFound on delete',
      act: (c: ApiClient) => c.namespaces.delete(undefined, 'ghost'),
      code: GrpcCode.NOT_FOUND,
      is: isNotFound,
      message: 'namespaces "ghost" not found',
    },
    {
      desc: 'NotFound for a resource the server does not serve',
      act: (c: ApiClient) => c.resource('ConfigMap').get('default', 'x'),
      code: GrpcCode.NOT_FOUND,
      is: isNotFound,
      message: 'resource "configmaps" is not served',
    },
    {
      desc: 'BadRequest without a namespace for a namespaced resource',
      act: (c: ApiClient) => c.pods.get(undefined, 'x'),
      code: GrpcCode.INVALID_ARGUMENT,
      is: isBadRequest,
      message: 'the namespace is required to get pods',
    },
    {
      desc: 'BadRequest with a namespace for a cluster-scoped resource',
      act: (c: ApiClient) => c.nodes.get('default', 'node-1'),
      code: GrpcCode.INVALID_ARGUMENT,
      is: isBadRequest,
      message: 'nodes is cluster-scoped',
    },
    {
      desc: 'BadRequest for a create whose namespace differs from the object',
      act: (c: ApiClient) => c.pods.create(newPod('x', 'default'), { namespace: 'other' }),
      code: GrpcCode.INVALID_ARGUMENT,
      is: isBadRequest,
      message: 'does not match the namespace',
    },
    {
      desc: 'BadRequest for a malformed label selector',
      act: (c: ApiClient) => c.pods.list({ labelSelector: 'app in (' }),
      code: GrpcCode.INVALID_ARGUMENT,
      is: isBadRequest,
      message: 'unable to parse requirement',
    },
    {
      desc: 'BadRequest for an unsupported field selector',
      act: (c: ApiClient) => c.pods.list({ fieldSelector: 'spec.bogus=x' }),
      code: GrpcCode.INVALID_ARGUMENT,
      is: isBadRequest,
      message: 'field label not supported: spec.bogus',
    },
  ])('maps $desc to its gRPC code and Status', async ({ act, code, is, message, causes }) => {
    const err = await failure(act(client));
    expect(is(err)).toBe(true);
    expect(grpcCodeOf(err)).toBe(code);
    expect(err.message).toContain(message);
    if (causes) expect(err.status.details?.causes?.map((c) => c.field)).toEqual(causes);
  });

  it('lists with a label selector, a field selector, and limit/continue paging', async () => {
    for (let i = 0; i < 5; i++) await client.pods.create(newPod(`web-${i}`, 'default', { app: 'web' }));
    await client.pods.create(newPod('db-0', 'default', { app: 'db' }));
    await client.pods.create(newPod('web-x', 'other', { app: 'web' }));

    const webEverywhere = await client.pods.list({ labelSelector: 'app=web' });
    expect(webEverywhere.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual([
      'default/web-0', 'default/web-1', 'default/web-2', 'default/web-3', 'default/web-4', 'other/web-x',
    ]);
    expect((await client.pods.list({ namespace: 'default', labelSelector: 'app!=web' })).items.map((p) => p.metadata?.name)).toEqual(['db-0']);
    expect((await client.pods.list({ fieldSelector: 'metadata.name=web-x' })).items.map((p) => p.metadata?.namespace)).toEqual(['other']);

    const names: string[] = [];
    const pages: Array<number | undefined> = [];
    let cont: string | undefined;
    let firstRv: string | undefined;
    do {
      const page = await client.pods.list({ namespace: 'default', labelSelector: 'app=web', limit: 2, continue: cont });
      names.push(...page.items.map((p) => p.metadata?.name ?? ''));
      pages.push(page.remainingItemCount);
      firstRv ??= page.resourceVersion;
      expect(page.resourceVersion).toBe(firstRv);
      cont = page.continue;
    } while (cont);
    expect(names).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    expect(pages).toEqual([3, 1, undefined]);
  });

  it('watches from a list resourceVersion: ADDED, MODIFIED, DELETED in order', async () => {
    await client.pods.create(newPod('before'));
    const list = await client.pods.list({ namespace: 'default' });
    const w = client.pods.watch({ namespace: 'default', resourceVersion: list.resourceVersion });
    try {
      const a = await client.pods.create(newPod('w-1'));
      const m = await client.pods.update({ ...a, metadata: { ...a.metadata, labels: { v: '2' } } });
      await client.pods.create(newPod('elsewhere', 'other'));
      const d = await client.pods.delete('default', 'w-1');
      const events = await take(w, 3);
      expect(summary(events)).toEqual([
        `ADDED w-1 ${a.metadata?.resourceVersion}`,
        `MODIFIED w-1 ${m.metadata?.resourceVersion}`,
        `DELETED w-1 ${d.metadata?.resourceVersion ?? events[2].resourceVersion}`,
      ]);
      expect(events[1].object.metadata?.labels).toEqual({ v: '2' });
      expect(Number(events[2].resourceVersion)).toBeGreaterThan(Number(m.metadata?.resourceVersion));
    } finally {
      w.stop();
    }
  });

  it('watches with selectors, initial events and bookmarks', async () => {
    await client.pods.create(newPod('web-0', 'default', { app: 'web' }));
    await client.pods.create(newPod('db-0', 'default', { app: 'db' }));
    const w = client.pods.watch({ labelSelector: 'app=web', sendInitialEvents: true, allowBookmarks: true });
    try {
      const initial = await take(w, 2, { bookmarks: true });
      expect(initial[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'web-0' } } });
      expect(initial[1].type).toBe('BOOKMARK');
      expect(initial[1].object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
      expect(initial[1].resourceVersion).toMatch(/^\d+$/);

      await client.pods.create(newPod('db-1', 'default', { app: 'db' }));
      const web1 = await client.pods.create(newPod('web-1', 'default', { app: 'web' }));
      const [added] = await take(w, 1);
      expect(added).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'web-1' } } });
      expect(added.resourceVersion).toBe(web1.metadata?.resourceVersion);
      // Progress the watch cannot see (another resource) arrives as a bookmark.
      const ns = await client.namespaces.create({ metadata: { name: 'progress' } } as Namespace);
      let bookmark: WatchEvent<Pod> | undefined;
      while (!bookmark || Number(bookmark.resourceVersion) < Number(ns.metadata?.resourceVersion)) {
        [bookmark] = await take(w, 1, { bookmarks: true });
        expect(bookmark.type).toBe('BOOKMARK');
      }
      expect(bookmark.object.spec).toBeUndefined();
      expect(bookmark.object.metadata?.name).toBeUndefined();
    } finally {
      w.stop();
    }
  });

  it('answers a watch from a compacted revision with OUT_OF_RANGE / Expired', async () => {
    const p = await client.pods.create(newPod('old'));
    let cur = p;
    for (let i = 0; i < 3; i++) cur = await client.pods.update({ ...cur, metadata: { ...cur.metadata, labels: { v: String(i) } } });
    await api.storage.compact(Number(cur.metadata?.resourceVersion));
    const err = await failure(drain(client.pods.watch({ resourceVersion: p.metadata?.resourceVersion })));
    expect(isResourceExpired(err)).toBe(true);
    expect(grpcCodeOf(err)).toBe(GrpcCode.OUT_OF_RANGE);
    await waitFor(() => api.server.service.openWatches === 0, { desc: 'server watch closed' });
  });

  it.each([
    { desc: 'stop()', end: (w: ResourceWatch<Pod>, _abort: AbortController) => w.stop() },
    { desc: 'an AbortSignal', end: (_w: ResourceWatch<Pod>, abort: AbortController) => abort.abort() },
  ])('frees the server-side watch when the client cancels with $desc', async ({ end }) => {
    const abort = new AbortController();
    const w = client.pods.watch({ resourceVersion: '0', signal: abort.signal });
    await client.pods.create(newPod('c-1'));
    await take(w, 1);
    expect(api.storage.openWatches).toBe(1);
    end(w, abort);
    await waitFor(() => api.storage.openWatches === 0 && api.server.service.openWatches === 0, { desc: 'store watch stopped' });
    // The iteration ends quietly.
    expect(await drain(w)).toEqual([]);
  });

  it('frees the server-side watch when the consumer breaks out of for-await', async () => {
    await client.pods.create(newPod('c-1'));
    for await (const ev of client.pods.watch({})) {
      expect(ev.type).toBe('ADDED');
      break;
    }
    await waitFor(() => api.storage.openWatches === 0 && api.server.service.openWatches === 0, { desc: 'store watch stopped' });
  });

  it('ends a watch cleanly after timeoutSeconds', async () => {
    const started = Date.now();
    const events = await drain(client.pods.watch({ timeoutSeconds: 1 }));
    expect(events).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await waitFor(() => api.storage.openWatches === 0, { desc: 'store watch stopped' });
  });
});

// ---- the server edge ---------------------------------------------------------

describe('gRPC server edge (memory storage)', () => {
  let api: TestApi;
  const clients: ApiClient[] = [];
  const newClient = (opts: Parameters<typeof createApiClient>[0] = {}) => {
    const c = createApiClient({ address: api.address, retryBaseDelayMs: 10, ...opts });
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    api = await startTestApi(new MemoryStorage());
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await api.stop();
  });

  it('binds 127.0.0.1 and reports the real port when asked for port 0', () => {
    expect(api.server.port).toBeGreaterThan(0);
    expect(api.address).toBe(`127.0.0.1:${api.server.port}`);
  });

  it('puts the Status in the k8ts-status-bin trailer and Status.message in the gRPC message', async () => {
    // A raw grpc-js call, to check the wire contract without @k8ts/client.
    const raw = new Client(api.address, credentials.createInsecure());
    try {
      const err = await new Promise<ServiceError>((resolve) => {
        raw.makeUnaryRequest(
          ResourcesServiceDefinition.get.path,
          ResourcesServiceDefinition.get.requestSerialize,
          ResourcesServiceDefinition.get.responseDeserialize,
          { resource: 'pods', namespace: 'default', name: 'ghost' },
          new Metadata(),
          {},
          (e) => resolve(e as ServiceError),
        );
      });
      expect(err.code).toBe(GrpcCode.NOT_FOUND);
      expect(err.details).toBe('pods "ghost" not found');
      expect(err.metadata.get(STATUS_TRAILER)).toHaveLength(1);
      expect(statusFromTrailer(err.metadata)).toMatchObject({
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
        message: 'pods "ghost" not found',
        details: { name: 'ghost', kind: 'pods' },
      });
    } finally {
      raw.close();
    }
  });

  it.each([
    { desc: 'get', act: (c: ApiClient) => c.pods.get('default', 'x'), op: 'get' as const, attempts: 3 },
    { desc: 'list', act: (c: ApiClient) => c.pods.list(), op: 'list' as const, attempts: 3 },
    { desc: 'create (not idempotent: no retry)', act: (c: ApiClient) => c.pods.create(newPod('x')), op: 'create' as const, attempts: 1 },
  ])('applies the deadline to $desc and retries only idempotent calls', async ({ act, op, attempts }) => {
    api.storage.fault(op, { delayMs: 400 });
    const client = newClient({ deadlineMs: 100, retries: 2 });
    const started = Date.now();
    const err = await failure(act(client));
    expect(isTimeout(err)).toBe(true);
    expect(grpcCodeOf(err)).toBe(GrpcCode.DEADLINE_EXCEEDED);
    expect(api.storage.calls[op]).toBe(attempts);
    expect(Date.now() - started).toBeLessThan(attempts * 100 + 1000);
  });

  it('takes a per-call deadline over the client default', async () => {
    api.storage.fault('get', { delayMs: 300 });
    const client = newClient({ deadlineMs: 10_000, retries: 0 });
    const err = await failure(client.pods.get('default', 'x', { deadlineMs: 50 }));
    expect(isTimeout(err)).toBe(true);
  });

  it('retries an idempotent call through transient UNAVAILABLE and then succeeds', async () => {
    const client = newClient({ retries: 3 });
    await client.pods.create(newPod('p'));
    api.storage.fault('get', { error: new StorageUnavailableError('nats is restarting'), times: 2 });
    const got = await client.pods.get('default', 'p');
    expect(got.metadata?.name).toBe('p');
    expect(api.storage.calls.get).toBe(3);
  });

  it('gives up after `retries` and reports ServiceUnavailable', async () => {
    api.storage.fault('list', { error: new StorageUnavailableError('nats is down') });
    const err = await failure(newClient({ retries: 1 }).pods.list());
    expect(isServiceUnavailable(err)).toBe(true);
    expect(grpcCodeOf(err)).toBe(GrpcCode.UNAVAILABLE);
    expect(api.storage.calls.list).toBe(2);
  });

  it('reports an unreachable server as ServiceUnavailable after retrying', async () => {
    const other = await startTestApi(new MemoryStorage());
    const address = other.address;
    await other.stop();
    const client = createApiClient({ address, retries: 1, retryBaseDelayMs: 10, deadlineMs: 2000 });
    clients.push(client);
    const err = await failure(client.pods.get('default', 'x'));
    expect(grpcCodeOf(err)).toBe(GrpcCode.UNAVAILABLE);
    expect(isServiceUnavailable(err)).toBe(true);
  });

  it('maps unexpected errors to INTERNAL with an InternalError Status, and logs them', async () => {
    api.storage.fault('get', { error: new TypeError('boom'), times: 1 });
    const err = await failure(newClient().pods.get('default', 'x'));
    expect(isInternalError(err)).toBe(true);
    expect(grpcCodeOf(err)).toBe(GrpcCode.INTERNAL);
    expect(err.message).toContain('boom');
    expect(api.logs()).toContainEqual(expect.objectContaining({ level: 50, method: 'Get', msg: expect.stringContaining('internal error') }));
  });

  it('rejects requests over 16 MiB with RESOURCE_EXHAUSTED', async () => {
    const client = newClient({ maxMessageBytes: 64 * 1024 * 1024 });
    const big = newPod('big');
    big.metadata = { ...big.metadata, annotations: { blob: 'x'.repeat(17 * 1024 * 1024) } };
    const err = await failure(client.pods.create(big));
    expect(grpcCodeOf(err)).toBe(GrpcCode.RESOURCE_EXHAUSTED);
    expect(api.storage.calls.create).toBe(0);
  });

  it('rejects an object that is not valid protobuf with BadRequest', async () => {
    const raw = new Client(api.address, credentials.createInsecure());
    try {
      const err = await new Promise<ServiceError>((resolve) => {
        raw.makeUnaryRequest(
          ResourcesServiceDefinition.create.path,
          ResourcesServiceDefinition.create.requestSerialize,
          ResourcesServiceDefinition.create.responseDeserialize,
          { resource: 'pods', namespace: 'default', object: Buffer.from([0x0a, 0xff, 0xff]) },
          new Metadata(),
          {},
          (e) => resolve(e as ServiceError),
        );
      });
      expect(err.code).toBe(GrpcCode.INVALID_ARGUMENT);
      expect(statusFromTrailer(err.metadata)?.reason).toBe('BadRequest');
    } finally {
      raw.close();
    }
  });

  it('turns an Expired failure in the middle of a watch into OUT_OF_RANGE', async () => {
    const client = newClient();
    const w = client.pods.watch({});
    await client.pods.create(newPod('p'));
    await take(w, 1);
    api.storage.failWatches(new ExpiredError(1, 5));
    const err = await failure(drain(w));
    expect(isResourceExpired(err)).toBe(true);
    expect(grpcCodeOf(err)).toBe(GrpcCode.OUT_OF_RANGE);
    await waitFor(() => api.storage.openWatches === 0 && api.server.service.openWatches === 0, { desc: 'watch closed' });
  });

  it('fails a watch of an unknown resource with NotFound', async () => {
    const err = await failure(drain(newClient().resource('Secret').watch({})));
    expect(isNotFound(err)).toBe(true);
    expect(err.message).toContain('"secrets" is not served');
  });

  it('ends open watches cleanly on stop() and does not wait for them', async () => {
    const client = newClient();
    const w = client.pods.watch({});
    await client.pods.create(newPod('p'));
    await take(w, 1);
    const started = Date.now();
    await api.stop();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await drain(w)).toEqual([]);
    expect(api.storage.openWatches).toBe(0);
  });

  it('stores the caller trace context with the write and hands it to watchers', async () => {
    const tracing = startTestTracing({ serviceName: 'grpc-spec' });
    try {
      const client = newClient();
      const w = client.pods.watch({});
      try {
        const span = tracing.tracer().startSpan('create pod');
        await context.with(trace.setSpan(context.active(), span), () => client.pods.create(newPod('traced')));
        span.end();
        const [ev] = await take(w, 1);
        // The stored context is the apiserver's storage-write span, in the caller's trace.
        const write = tracing.spans().find((s) => s.name === 'apiserver storage write')!.spanContext();
        expect(write.traceId).toBe(span.spanContext().traceId);
        expect(ev.trace?.traceparent).toBe(`00-${write.traceId}-${write.spanId}-01`);
      } finally {
        w.stop();
      }
    } finally {
      await tracing.shutdown();
    }
  });

  it('ignores a malformed traceparent', async () => {
    const w = newClient().pods.watch({});
    const raw = new Client(api.address, credentials.createInsecure());
    try {
      const md = new Metadata();
      md.set('traceparent', 'not-a-traceparent');
      await new Promise<void>((resolve, reject) => {
        raw.makeUnaryRequest(
          ResourcesServiceDefinition.create.path,
          ResourcesServiceDefinition.create.requestSerialize,
          ResourcesServiceDefinition.create.responseDeserialize,
          { resource: 'pods', namespace: 'default', object: Buffer.from(encodeObject('Pod', newPod('p'))) },
          md,
          {},
          (e) => (e ? reject(e) : resolve()),
        );
      });
      const [ev] = await take(w, 1);
      expect(ev.trace).toBeUndefined();
    } finally {
      raw.close();
      w.stop();
    }
  });
});
