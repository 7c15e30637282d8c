// The apiserver's part of the pod-to-service trace, end to end in-process:
// a client call made inside a client span → the real gRPC server → Registry
// → MemoryStorage, with the spans recorded by startTestTracing().
import * as grpcJs from '@grpc/grpc-js';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { encodeObject, type Pod } from '@k8ts/api';
import { isNotFound } from '@k8ts/apimachinery';
import { type ApiClient, createApiClient } from '@k8ts/client';
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { ResourcesService } from '../grpc/proto';
import { startTestApi, type TestApi } from '../grpc/testing/harness';
import type { KubeObject } from '../registry/generic/strategy';
import type { ObjectEvent, ObjectWatch } from '../registry/generic/watch';
import { MemoryStorage } from '../storage/memory-storage';
import { STORAGE_WRITE_SPAN } from './storage-span';

jest.setTimeout(30_000);

type RecordedSpan = ReturnType<TestTracing['spans']>[number];

function newPod(name: string, namespace = 'default'): Pod {
  return { metadata: { name, namespace }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } };
}

/** The next event of a store watch. */
async function nextEvent(w: ObjectWatch<KubeObject>): Promise<ObjectEvent<KubeObject>> {
  const next = await w[Symbol.asyncIterator]().next();
  if (next.done) throw new Error('watch ended');
  return next.value;
}

const traceparentOf = (s: RecordedSpan) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`;

function only(spans: RecordedSpan[], name: string): RecordedSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one "${name}" span, got ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

function expectChild(child: RecordedSpan, parent: RecordedSpan): void {
  expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
  expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
}

describe('apiserver tracing', () => {
  let api: TestApi;
  let client: ApiClient;
  let storeWatch: ObjectWatch<KubeObject> | undefined;

  beforeEach(async () => {
    api = await startTestApi(new MemoryStorage());
    client = createApiClient({ address: api.address, deadlineMs: 5000, retryBaseDelayMs: 10, userAgent: 'tracing-spec' });
  });

  afterEach(async () => {
    storeWatch?.stop();
    storeWatch = undefined;
    client.close();
    await api.stop();
  });

  const watchPods = async () => (storeWatch = await api.registry.get('pods').store.watch('default', {}));

  describe('with tracing', () => {
    let tracing: TestTracing;
    beforeEach(() => {
      tracing = startTestTracing({ serviceName: 'apiserver' });
    });
    afterEach(() => tracing.shutdown());

    /** Runs `fn` inside a client-side span, like a component's reconcile. */
    async function inClientSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
      return tracing.tracer('component').startActiveSpan(name, async (span) => {
        try {
          return await fn();
        } finally {
          span.end();
        }
      });
    }

    it('one trace: client span → apiserver create → apiserver storage write, whose context is stored with the change', async () => {
      const w = await watchPods();
      const created = await inClientSpan('kubectl create', () => client.pods.create(newPod('web-1')));
      const ev = await nextEvent(w);

      const spans = tracing.spans();
      const caller = only(spans, 'kubectl create');
      const create = only(spans, 'apiserver create');
      const write = only(spans, STORAGE_WRITE_SPAN);
      expectChild(create, caller);
      expectChild(write, create);
      expect(create.kind).toBe(SpanKind.SERVER);
      expect(write.kind).toBe(SpanKind.PRODUCER);
      expect(create.attributes).toMatchObject({
        'k8s.namespace.name': 'default',
        'k8s.pod.name': 'web-1',
        'k8s.resource': 'pods',
        'rpc.system': 'grpc',
        'rpc.service': 'k8ts.apiserver.v1.Resources',
        'rpc.method': 'Create',
        'rpc.grpc.status_code': 0,
      });
      expect(create.status.code).toBe(SpanStatusCode.UNSET);
      expect(write.attributes).toMatchObject({
        'k8ts.resource_version': created.metadata?.resourceVersion,
        'k8ts.event.type': 'ADDED',
        'messaging.system': 'nats',
        'messaging.destination.name': 'k8ts.events.pods.default.web-1',
        'k8s.namespace.name': 'default',
        'k8s.pod.name': 'web-1',
      });

      // The change carries the storage write's context: consumers continue this trace.
      expect(ev.type).toBe('ADDED');
      expect(ev.object.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
      expect(ev.trace?.traceparent).toBe(traceparentOf(write));
    });

    it('names update, bind, get, list and delete spans, with semconv attributes per kind', async () => {
      const w = await watchPods();
      await client.pods.create(newPod('web-1'));
      tracing.reset();
      await nextEvent(w);

      const bound = await inClientSpan('schedule', () => client.pods.bind('default', { metadata: { name: 'web-1' }, target: { kind: 'Node', name: 'node-1' } }));
      expect(bound.spec?.nodeName).toBe('node-1');
      await inClientSpan('sync', () => client.pods.updateStatus({ ...bound, status: { phase: 'Running' } }));
      await client.pods.get('default', 'web-1');
      await client.pods.list({ namespace: 'default' });
      await client.pods.delete('default', 'web-1');
      const events = [await nextEvent(w), await nextEvent(w), await nextEvent(w)];

      const spans = tracing.spans();
      const byName = (name: string) => spans.filter((s) => s.name === name);
      const writes = byName(STORAGE_WRITE_SPAN);
      expect(writes.map((s) => s.attributes['k8ts.event.type'])).toEqual(['MODIFIED', 'MODIFIED', 'DELETED']);
      // Each change carries the context of the write that produced it.
      expect(events.map((e) => e.trace?.traceparent)).toEqual(writes.map(traceparentOf));

      const bind = only(spans, 'apiserver bind');
      expectChild(bind, only(spans, 'schedule'));
      expectChild(writes[0]!, bind);
      expect(bind.attributes).toMatchObject({ 'k8s.pod.name': 'web-1', 'k8s.namespace.name': 'default', 'k8s.node.name': 'node-1', 'rpc.method': 'Bind' });
      expect(writes[0]!.attributes['k8ts.resource_version']).toBe(bound.metadata?.resourceVersion);

      const update = only(spans, 'apiserver update');
      expectChild(update, only(spans, 'sync'));
      expectChild(writes[1]!, update);
      expect(update.attributes).toMatchObject({ 'k8s.pod.name': 'web-1', 'k8ts.subresource': 'status', 'rpc.method': 'UpdateStatus' });

      const del = only(spans, 'apiserver delete');
      expectChild(writes[2]!, del);
      expect(del.attributes).toMatchObject({ 'k8s.pod.name': 'web-1', 'k8s.namespace.name': 'default' });

      // Reads write nothing: no storage span under them. Untraced callers get a root SERVER span.
      for (const name of ['apiserver get', 'apiserver list']) {
        const read = only(spans, name);
        expect(read.kind).toBe(SpanKind.SERVER);
        expect(read.parentSpanContext).toBeUndefined();
        expect(spans.some((s) => s.parentSpanContext?.spanId === read.spanContext().spanId)).toBe(false);
      }
      expect(only(spans, 'apiserver get').attributes).toMatchObject({ 'k8s.pod.name': 'web-1', 'k8s.namespace.name': 'default' });
      expect(only(spans, 'apiserver list').attributes).toMatchObject({ 'k8s.resource': 'pods', 'k8s.namespace.name': 'default' });
    });

    it('uses k8s.<kind>.name per resource (k8s.object.name otherwise) and leaves out the namespace of cluster-scoped objects', async () => {
      await client.deployments.create({ metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 1 } });
      await client.nodes.create({ metadata: { name: 'node-1' } });
      await client.pods.create({ ...newPod(''), metadata: { generateName: 'gen-', namespace: 'default' } });
      const creates = tracing.spans().filter((s) => s.name === 'apiserver create');
      const attrs = (resource: string): Attributes => creates.find((s) => s.attributes['k8s.resource'] === resource)?.attributes ?? {};
      expect(attrs('deployments.apps')).toMatchObject({ 'k8s.deployment.name': 'web', 'k8s.namespace.name': 'default' });
      expect(attrs('nodes')).toMatchObject({ 'k8s.node.name': 'node-1' });
      expect(attrs('nodes')['k8s.namespace.name']).toBeUndefined();
      // generateName: the name is known once created.
      expect(String(attrs('pods')['k8s.pod.name'])).toMatch(/^gen-/);
      const writes = tracing.spans().filter((s) => s.name === STORAGE_WRITE_SPAN);
      expect(writes.map((s) => s.attributes['messaging.destination.name'])).toEqual([
        'k8ts.events.deployments.default.web',
        'k8ts.events.nodes._.node-1',
        `k8ts.events.pods.default.${String(attrs('pods')['k8s.pod.name'])}`,
      ]);
    });

    it('marks server faults only: a NotFound sets error.type but not the ERROR status', async () => {
      const err = await client.pods.get('default', 'missing').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isNotFound(err)).toBe(true);
      const get = only(tracing.spans(), 'apiserver get');
      expect(get.attributes).toMatchObject({ 'error.type': 'NotFound', 'rpc.grpc.status_code': 5, 'k8s.pod.name': 'missing' });
      expect(get.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('under the gRPC instrumentation: apiserver create is an INTERNAL child of its SERVER span', async () => {
      // jest's module sandbox bypasses require hooks, so apply the
      // instrumentation's patch to grpc-js by hand, before the server registers its handlers.
      await api.stop();
      const instrumentation = new GrpcInstrumentation({ enabled: false });
      instrumentation.setTracerProvider(tracing.provider);
      const [definition] = instrumentation.getModuleDefinitions();
      definition?.patch?.(grpcJs);
      try {
        api = await startTestApi(new MemoryStorage());
        client.close();
        client = createApiClient({ address: api.address, deadlineMs: 5000 });
        const w = await watchPods();
        await inClientSpan('kubectl create', () => client.pods.create(newPod('web-1')));
        const ev = await nextEvent(w);

        const spans = tracing.spans();
        // The instrumentation names its CLIENT and SERVER spans alike.
        const grpcSpan = (kind: SpanKind) => only(spans.filter((s) => s.kind === kind), 'grpc.k8ts.apiserver.v1.Resources/Create');
        const grpcClient = grpcSpan(SpanKind.CLIENT);
        const server = grpcSpan(SpanKind.SERVER);
        expectChild(grpcClient, only(spans, 'kubectl create'));
        expectChild(server, grpcClient);
        const create = only(spans, 'apiserver create');
        const write = only(spans, STORAGE_WRITE_SPAN);
        expectChild(create, server);
        expect(create.kind).toBe(SpanKind.INTERNAL);
        expect(create.attributes['rpc.system']).toBeUndefined();
        expectChild(write, create);
        expect(ev.trace?.traceparent).toBe(traceparentOf(write));
      } finally {
        definition?.unpatch?.(grpcJs);
      }
    });
  });

  describe('without tracing (no SDK)', () => {
    it('serves the request and stores no traceparent', async () => {
      const w = await watchPods();
      const created = await client.pods.create(newPod('web-1'));
      const ev = await nextEvent(w);
      expect(ev.object.metadata?.uid).toBe(created.metadata?.uid);
      expect(ev.trace).toBeUndefined();
    });

    it("passes a caller's traceparent through unchanged", async () => {
      const w = await watchPods();
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const raw = new Client(api.address, credentials.createInsecure());
      try {
        const md = new Metadata();
        md.set('traceparent', traceparent);
        await new Promise<void>((resolve, reject) => {
          raw.makeUnaryRequest(
            ResourcesService.create.path,
            ResourcesService.create.requestSerialize,
            ResourcesService.create.responseDeserialize,
            { resource: 'pods', namespace: 'default', object: Buffer.from(encodeObject('Pod', newPod('web-1'))) },
            md,
            {},
            (e) => (e ? reject(e) : resolve()),
          );
        });
        expect((await nextEvent(w)).trace).toEqual({ traceparent });
      } finally {
        raw.close();
      }
    });
  });
});
