// The client against a scripted in-process grpc-js server: what goes on the
// wire (resource names, namespaces, metadata), error conversion, retries,
// deadlines and the watch stream. The real server is covered by
// apps/apiserver/src/grpc/resources-service.spec.ts.
import { Metadata, Server, ServerCredentials, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import { context, trace } from '@opentelemetry/api';
import { encodeObject, type Pod, type Status } from '@k8ts/api';
import { GrpcCode, isConflict, isInternalError, isNotFound, isResourceExpired, isServiceUnavailable, isTimeout, type StatusError } from '@k8ts/apimachinery';
import { startTestTracing } from '@k8ts/telemetry';
import { waitFor } from '@k8ts/testing';
import { createApiClient, type ApiClient } from './api-client';
import { grpcCodeOf, STATUS_TRAILER } from './errors';
import { ResourcesService, type ObjectResponse, type WatchRequest, type WireWatchEvent } from './proto';
import type { LeaseClient } from './leaderelection';
import type { WatchEvent } from './resource-client';

type Unary = (call: ServerUnaryCall<Record<string, unknown>, unknown>, cb: sendUnaryData<unknown>) => void;

interface Fake {
  address: string;
  calls: Array<{ method: string; request: Record<string, unknown>; metadata: Metadata }>;
  handle: Partial<Record<keyof typeof ResourcesService, Unary>>;
  watch?: (call: ServerWritableStream<WatchRequest, WireWatchEvent>) => void;
  stop(): Promise<void>;
}

async function startFake(): Promise<Fake> {
  const server = new Server();
  const fake: Fake = { address: '', calls: [], handle: {}, stop: async () => undefined };
  const impl: Record<string, unknown> = {};
  for (const method of Object.keys(ResourcesService) as Array<keyof typeof ResourcesService>) {
    if (method === 'watch') {
      impl[method] = (call: ServerWritableStream<WatchRequest, WireWatchEvent>) => {
        fake.calls.push({ method, request: call.request as unknown as Record<string, unknown>, metadata: call.metadata });
        fake.watch?.(call);
      };
      continue;
    }
    impl[method] = (call: ServerUnaryCall<Record<string, unknown>, unknown>, cb: sendUnaryData<unknown>) => {
      fake.calls.push({ method, request: call.request, metadata: call.metadata });
      const h = fake.handle[method];
      if (h) h(call, cb);
      else cb(grpcErr(GrpcCode.UNIMPLEMENTED, `no handler for ${method}`));
    };
  }
  server.addService(ResourcesService, impl as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  fake.address = `127.0.0.1:${port}`;
  fake.stop = () => new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  return fake;
}

function grpcErr(code: GrpcCode, details: string, metadata = new Metadata()) {
  // grpc-js types codes with its own enum; the numbers are the same.
  return { code: code as number, details, metadata };
}

function statusError(code: GrpcCode, status: Status) {
  const metadata = new Metadata();
  metadata.set(STATUS_TRAILER, Buffer.from(encodeObject('Status', status)));
  return grpcErr(code, status.message ?? '', metadata);
}

const pod = (name: string, namespace = 'default'): Pod => ({ metadata: { name, namespace }, spec: { containers: [{ name: 'a', image: 'b' }] } });
const echo: Unary = (call, cb) => cb(null, { object: call.request['object'] } as ObjectResponse);
const podResponse = (p: Pod): ObjectResponse => ({ object: Buffer.from(encodeObject('Pod', p)) });

async function failure(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    return err as StatusError;
  }
  throw new Error('expected the call to fail');
}

describe('createApiClient', () => {
  let fake: Fake;
  let client: ApiClient;

  beforeEach(async () => {
    fake = await startFake();
    client = createApiClient({ address: fake.address, deadlineMs: 2000, retries: 2, retryBaseDelayMs: 5, userAgent: 'client-spec/1.0' });
  });

  afterEach(async () => {
    client.close();
    await fake.stop();
  });

  it.each([
    { desc: 'pods (core, namespaced)', get: (c: ApiClient) => c.pods, resource: 'pods', namespaced: true },
    { desc: 'nodes (core, cluster-scoped)', get: (c: ApiClient) => c.nodes, resource: 'nodes', namespaced: false },
    { desc: 'deployments (apps)', get: (c: ApiClient) => c.deployments, resource: 'deployments.apps', namespaced: true },
    { desc: 'endpointSlices (discovery.k8s.io)', get: (c: ApiClient) => c.endpointSlices, resource: 'endpointslices.discovery.k8s.io', namespaced: true },
    { desc: 'leases (coordination.k8s.io)', get: (c: ApiClient) => c.leases, resource: 'leases.coordination.k8s.io', namespaced: true },
    { desc: 'resource("ConfigMap")', get: (c: ApiClient) => c.resource('ConfigMap'), resource: 'configmaps', namespaced: true },
  ])('names $desc on the wire', ({ get, resource, namespaced }) => {
    const rc = get(client);
    expect(rc.resource).toBe(resource);
    expect(rc.namespaced).toBe(namespaced);
  });

  it('serves leader election: client.leases is a LeaseClient', () => {
    const leases: LeaseClient = client.leases;
    expect(leases).toBe(client.resource('Lease'));
  });

  it('rejects kinds without a resource', () => {
    expect(() => client.resource('Status')).toThrow(/no resource/);
  });

  it('sends the namespace of the object (or the option) on create, and none for cluster-scoped kinds', async () => {
    fake.handle.create = echo;
    const created = await client.pods.create(pod('a', 'team'));
    expect(created.metadata?.name).toBe('a');
    await client.pods.create({ metadata: { name: 'b' } }, { namespace: 'other', dryRun: true });
    await client.nodes.create({ metadata: { name: 'n', namespace: 'ignored' } });
    expect(fake.calls.map((c) => [c.request['resource'], c.request['namespace'], c.request['dryRun']])).toEqual([
      ['pods', 'team', false],
      ['pods', 'other', true],
      ['nodes', '', false],
    ]);
  });

  it('sends the user agent and the active trace context', async () => {
    const tracing = startTestTracing();
    try {
      fake.handle.get = (_call, cb) => cb(null, podResponse(pod('a')));
      const span = tracing.tracer().startSpan('caller');
      await context.with(trace.setSpan(context.active(), span), () => client.pods.get('default', 'a'));
      span.end();
      const md = fake.calls[0].metadata;
      expect(md.get('traceparent')).toEqual([`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`]);
      expect(String(md.get('user-agent')[0])).toMatch(/^client-spec\/1\.0/);
    } finally {
      await tracing.shutdown();
    }
  });

  it('rebuilds the StatusError from the k8ts-status-bin trailer', async () => {
    fake.handle.update = (_call, cb) =>
      cb(
        statusError(GrpcCode.ABORTED, {
          status: 'Failure',
          reason: 'Conflict',
          code: 409,
          message: 'Operation cannot be fulfilled on pods "a": the object has been modified',
          details: { name: 'a', kind: 'pods' },
        }),
      );
    const err = await failure(client.pods.update(pod('a')));
    expect(isConflict(err)).toBe(true);
    expect(err.status).toMatchObject({ kind: 'Status', code: 409, details: { name: 'a', kind: 'pods' } });
    expect(err.message).toBe('Operation cannot be fulfilled on pods "a": the object has been modified');
    expect(grpcCodeOf(err)).toBe(GrpcCode.ABORTED);
  });

  it.each([
    { desc: 'NOT_FOUND', code: GrpcCode.NOT_FOUND, is: isNotFound },
    { desc: 'OUT_OF_RANGE', code: GrpcCode.OUT_OF_RANGE, is: isResourceExpired },
    { desc: 'INTERNAL', code: GrpcCode.INTERNAL, is: isInternalError },
  ])('falls back to the gRPC code without a trailer ($desc)', async ({ code, is }) => {
    fake.handle.delete = (_call, cb) => cb(grpcErr(code, 'plain message'));
    const err = await failure(client.pods.delete('default', 'a'));
    expect(is(err)).toBe(true);
    expect(err.message).toBe('plain message');
  });

  it.each([
    { desc: 'get retries UNAVAILABLE', act: (c: ApiClient) => c.pods.get('default', 'a'), method: 'get', attempts: 3 },
    { desc: 'list retries UNAVAILABLE', act: (c: ApiClient) => c.pods.list(), method: 'list', attempts: 3 },
    { desc: 'create does not retry', act: (c: ApiClient) => c.pods.create(pod('a')), method: 'create', attempts: 1 },
    { desc: 'delete does not retry', act: (c: ApiClient) => c.pods.delete('default', 'a'), method: 'delete', attempts: 1 },
  ])('$desc', async ({ act, method, attempts }) => {
    fake.handle[method as 'get'] = (_call, cb) => cb(grpcErr(GrpcCode.UNAVAILABLE, 'try later'));
    const err = await failure(act(client));
    expect(isServiceUnavailable(err)).toBe(true);
    expect(fake.calls.filter((c) => c.method === method)).toHaveLength(attempts);
  });

  it('does not retry errors that are not transient', async () => {
    fake.handle.get = (_call, cb) => cb(grpcErr(GrpcCode.NOT_FOUND, 'nope'));
    await failure(client.pods.get('default', 'a'));
    expect(fake.calls).toHaveLength(1);
  });

  it('applies the deadline (and retries the idempotent call that hit it)', async () => {
    fake.handle.get = () => undefined; // never answers
    const started = Date.now();
    const err = await failure(client.pods.get('default', 'a', { deadlineMs: 50 }));
    expect(isTimeout(err)).toBe(true);
    expect(grpcCodeOf(err)).toBe(GrpcCode.DEADLINE_EXCEEDED);
    expect(fake.calls).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('cancels a call (and its retries) through an AbortSignal', async () => {
    fake.handle.get = () => undefined;
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const err = await failure(client.pods.get('default', 'a', { signal: abort.signal }));
    expect(grpcCodeOf(err)).toBe(GrpcCode.CANCELLED);
    expect(fake.calls).toHaveLength(1);
  });

  it('maps list responses, including paging fields', async () => {
    fake.handle.list = (_call, cb) =>
      cb(null, { resourceVersion: '42', continue: 'tok', remainingItemCount: 3, items: [podResponse(pod('a')).object, podResponse(pod('b')).object] });
    const res = await client.pods.list({ namespace: 'default', labelSelector: 'app=web', limit: 2 });
    expect(res).toEqual({ items: [expect.objectContaining({ metadata: expect.objectContaining({ name: 'a' }) }), expect.anything()], resourceVersion: '42', continue: 'tok', remainingItemCount: 3 });
    expect(fake.calls[0].request).toMatchObject({ resource: 'pods', namespace: 'default', labelSelector: 'app=web', limit: 2 });
  });

  describe('watch', () => {
    const wire = (type: string, name: string, rv: string, traceparent = ''): WireWatchEvent => ({
      type,
      object: Buffer.from(encodeObject('Pod', { metadata: { name, resourceVersion: rv } })),
      resourceVersion: rv,
      traceparent,
      tracestate: '',
    });

    it('delivers events in order with their trace context, then ends with the stream', async () => {
      const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      fake.watch = (call) => {
        call.write(wire('ADDED', 'a', '5', tp));
        call.write(wire('MODIFIED', 'a', '6'));
        call.write({ type: 'BOOKMARK', object: Buffer.from(encodeObject('Pod', { metadata: { resourceVersion: '9' } })), resourceVersion: '9' });
        call.end();
      };
      const seen: Array<WatchEvent<Pod>> = [];
      for await (const ev of client.pods.watch({ resourceVersion: '4', allowBookmarks: true })) seen.push(ev);
      expect(seen.map((e) => [e.type, e.object.metadata?.name, e.resourceVersion])).toEqual([
        ['ADDED', 'a', '5'],
        ['MODIFIED', 'a', '6'],
        ['BOOKMARK', undefined, '9'],
      ]);
      expect(seen[0].trace).toEqual({ traceparent: tp });
      expect(seen[1].trace).toBeUndefined();
      expect(fake.calls[0].request).toMatchObject({ resource: 'pods', resourceVersion: '4', allowBookmarks: true });
    });

    it('delivers the events sent before a failure, then throws the StatusError', async () => {
      fake.watch = (call) => {
        call.write(wire('ADDED', 'a', '5'));
        call.emit('error', statusError(GrpcCode.OUT_OF_RANGE, { status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (4)' }));
      };
      const w = client.pods.watch({ resourceVersion: '1' });
      // Let the failure arrive before anyone iterates: it must not be lost.
      await new Promise((r) => setTimeout(r, 100));
      const seen: string[] = [];
      const err = await failure(
        (async () => {
          for await (const ev of w) seen.push(ev.object.metadata?.name ?? '');
        })(),
      );
      expect(seen).toEqual(['a']);
      expect(isResourceExpired(err)).toBe(true);
      expect(err.message).toBe('too old resource version: 1 (4)');
    });

    it('cancels the call on stop() and ends the iteration quietly', async () => {
      let cancelled = false;
      fake.watch = (call) => {
        call.write(wire('ADDED', 'a', '5'));
        call.on('cancelled', () => (cancelled = true));
      };
      const w = client.pods.watch({});
      const it = w[Symbol.asyncIterator]();
      expect((await it.next()).value?.type).toBe('ADDED');
      const pending = it.next();
      w.stop();
      expect((await pending).done).toBe(true);
      await waitFor(() => cancelled, { desc: 'server saw the cancellation' });
    });

    it('ends open watches quietly on close()', async () => {
      let cancelled = false;
      fake.watch = (call) => {
        call.write(wire('ADDED', 'a', '5'));
        call.on('cancelled', () => (cancelled = true));
      };
      const seen: string[] = [];
      const done = (async () => {
        for await (const ev of client.pods.watch({})) seen.push(ev.type);
      })();
      await waitFor(() => seen.length === 1, { desc: 'first event' });
      client.close();
      await done;
      expect(seen).toEqual(['ADDED']);
      await waitFor(() => cancelled, { desc: 'server saw the cancellation' });
    });

    it('pauses a stream the consumer does not read, without losing events', async () => {
      const total = 2000;
      fake.watch = (call) => {
        for (let i = 0; i < total; i++) call.write(wire('ADDED', `p-${i}`, String(i + 1)));
        call.end();
      };
      const w = client.pods.watch({});
      await new Promise((r) => setTimeout(r, 200));
      let n = 0;
      for await (const ev of w) {
        expect(ev.object.metadata?.name).toBe(`p-${n}`);
        n++;
      }
      expect(n).toBe(total);
    });
  });
});
