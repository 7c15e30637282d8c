// The Scheduler's wiring with hand-driven informers, a fake API client and
// in-memory tracing: trace continuation, assume/bind/forget, Unschedulable
// status and events, parking and moving, SelectorSpread's selectors.
import type { Binding, Event, Node, Pod, ReplicaSet, Service } from '@k8ts/api';
import { newConflict } from '@k8ts/apimachinery';
import { type ApiClient, EventRecorder } from '@k8ts/client';
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { waitFor } from '@k8ts/testing';
import { SchedulerMetrics } from './metrics/scheduler-metrics';
import { Scheduler, type SchedulerLogger } from './scheduler';
import { newNode, newPod } from './testing/builders';
import { FakeInformer } from './testing/fake-informer';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const WRITE_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${WRITE_SPAN_ID}-01`;

const silent: SchedulerLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Harness {
  scheduler: Scheduler;
  nodes: FakeInformer<Node>;
  pods: FakeInformer<Pod>;
  services: FakeInformer<Service>;
  replicaSets: FakeInformer<ReplicaSet>;
  binds: Array<{ ns: string; binding: Binding }>;
  statusWrites: Pod[];
  events: Event[];
  recorder: EventRecorder;
  /** Make the next bind fail with this error. */
  failNextBind(err: Error): void;
  run(): void;
  stop(): Promise<void>;
}

function harness(): Harness {
  const nodes = new FakeInformer<Node>('nodes');
  const pods = new FakeInformer<Pod>('pods');
  const services = new FakeInformer<Service>('services');
  const replicaSets = new FakeInformer<ReplicaSet>('replicasets');
  const binds: Harness['binds'] = [];
  const statusWrites: Pod[] = [];
  const events: Event[] = [];
  let bindError: Error | undefined;
  const client = {
    pods: {
      bind: async (ns: string, binding: Binding) => {
        if (bindError) {
          const e = bindError;
          bindError = undefined;
          throw e;
        }
        binds.push({ ns, binding });
        const pod = pods.lister.getByName(ns, binding.metadata?.name ?? '') as Pod;
        return { ...pod, spec: { ...pod.spec, nodeName: binding.target?.name } };
      },
      updateStatus: async (pod: Pod) => {
        statusWrites.push(pod);
        return pod;
      },
      get: async (ns: string, name: string) => pods.lister.getByName(ns, name) as Pod,
    },
  } as unknown as Pick<ApiClient, 'pods'>;
  const recorder = new EventRecorder({
    sink: { create: async (e) => (events.push(e), e) },
    component: 'default-scheduler',
    logger: { warn: () => undefined, error: () => undefined },
  });
  const scheduler = new Scheduler({
    client,
    informers: { nodes, pods, services, replicaSets },
    recorder,
    metrics: new SchedulerMetrics({ defaultMetrics: false }),
    logger: silent,
    schedulerName: 'default-scheduler',
    podInitialBackoffMs: 20,
    podMaxBackoffMs: 50,
    random: () => 0,
  });
  const ac = new AbortController();
  let loop: Promise<void> | undefined;
  return {
    scheduler,
    nodes,
    pods,
    services,
    replicaSets,
    binds,
    statusWrites,
    events,
    recorder,
    failNextBind: (err) => (bindError = err),
    run: () => (loop = scheduler.run(ac.signal)),
    stop: async () => {
      ac.abort();
      scheduler.close();
      await loop;
      await recorder.shutdown();
    },
  };
}

describe('Scheduler', () => {
  let tracing: TestTracing;
  let h: Harness;
  beforeAll(() => {
    tracing = startTestTracing({ serviceName: 'scheduler' });
  });
  afterAll(() => tracing.shutdown());
  beforeEach(() => {
    tracing.reset();
    h = harness();
  });
  afterEach(() => h.stop());

  it('schedules and binds a pod in spans that continue the trace of its creation', async () => {
    await h.nodes.add(newNode({ name: 'node-1', cpu: '4' }));
    await h.nodes.add(newNode({ name: 'node-2', cpu: '1' }));
    await h.pods.add(newPod({ name: 'web', cpu: '2' }), { traceparent: TRACEPARENT });
    h.run();
    await waitFor(() => h.binds.length === 1, { desc: 'bind call' });
    expect(h.binds[0]).toEqual({
      ns: 'default',
      binding: { metadata: { name: 'web', namespace: 'default', uid: 'uid-pod-default-web' }, target: { kind: 'Node', name: 'node-1' } },
    });
    await waitFor(() => tracing.spans().some((s) => s.name === 'scheduler bind'), { desc: 'bind span' });
    const schedule = tracing.spans().find((s) => s.name === 'scheduler schedule')!;
    const bind = tracing.spans().find((s) => s.name === 'scheduler bind')!;
    expect(schedule.spanContext().traceId).toBe(TRACE_ID);
    expect(schedule.parentSpanContext?.spanId).toBe(WRITE_SPAN_ID);
    expect(schedule.attributes).toMatchObject({ 'k8s.pod.name': 'web', 'k8s.namespace.name': 'default', 'k8s.node.name': 'node-1' });
    expect(bind.spanContext().traceId).toBe(TRACE_ID);
    expect(bind.parentSpanContext?.spanId).toBe(schedule.spanContext().spanId);
    expect(bind.attributes).toMatchObject({ 'k8s.pod.name': 'web', 'k8s.node.name': 'node-1' });

    // Assumed until the watch confirms the binding.
    const pod = h.pods.lister.get('default/web')!;
    expect(h.scheduler.cache.isAssumedPod(pod)).toBe(true);
    await h.pods.update({ ...pod, spec: { ...pod.spec, nodeName: 'node-1' } });
    expect(h.scheduler.cache.isAssumedPod(pod)).toBe(false);
    expect(h.scheduler.cache.getPod(pod)?.spec?.nodeName).toBe('node-1');

    await h.recorder.flush();
    expect(h.events).toEqual([
      expect.objectContaining({ reason: 'Scheduled', type: 'Normal', message: 'Successfully assigned default/web to node-1', involvedObject: expect.objectContaining({ kind: 'Pod', name: 'web' }) }),
    ]);
  });

  it('parks an unschedulable pod with PodScheduled=False and FailedScheduling, and moves it when a node is added', async () => {
    await h.nodes.add(newNode({ name: 'node-1', cpu: '1' }));
    await h.pods.add(newPod({ name: 'big', cpu: '8' }));
    h.run();
    await waitFor(() => h.statusWrites.length === 1, { desc: 'status write' });
    const message = '0/1 nodes are available: 1 Insufficient cpu.';
    expect(h.statusWrites[0].status?.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message })]);
    expect(h.scheduler.queue.queueOf('default/big')).toBe('unschedulable');
    await h.recorder.flush();
    expect(h.events).toEqual([expect.objectContaining({ reason: 'FailedScheduling', type: 'Warning', message })]);

    // The status write comes back through the informer: the pod stays parked, nothing is written again.
    await h.pods.update(h.statusWrites[0]);
    expect(h.scheduler.queue.queueOf('default/big')).toBe('unschedulable');

    // An unrelated event does not move it; a node add does.
    await h.nodes.update({ ...newNode({ name: 'node-1', cpu: '1' }), metadata: { name: 'node-1', labels: { x: 'y' } } });
    expect(h.scheduler.queue.queueOf('default/big')).toBe('unschedulable');
    await h.nodes.add(newNode({ name: 'node-2', cpu: '16' }));
    await waitFor(() => h.binds.length === 1, { desc: 'bind after node add' });
    expect(h.binds[0].binding.target?.name).toBe('node-2');
    expect(h.statusWrites).toHaveLength(1);
  });

  it('forgets the assumed pod and retries after a failed bind', async () => {
    await h.nodes.add(newNode({ name: 'node-1', cpu: '4' }));
    h.failNextBind(newConflict({ group: '', resource: 'pods/binding' }, 'web', 'pod web is already assigned to node "x"'));
    await h.pods.add(newPod({ name: 'web', cpu: '1' }));
    h.run();
    await waitFor(() => h.binds.length === 1, { desc: 'second bind after the failed one' });
    const pod = h.pods.lister.get('default/web')!;
    expect(h.scheduler.cache.isAssumedPod(pod)).toBe(true);
    expect(h.scheduler.cache.assumedPodCount()).toBe(1);
  });

  it('ignores pods of other schedulers and pods being deleted; caches assigned pods', async () => {
    await h.nodes.add(newNode({ name: 'node-1', cpu: '4' }));
    const other = newPod({ name: 'other' });
    other.spec!.schedulerName = 'my-scheduler';
    await h.pods.add(other);
    await h.pods.add(newPod({ name: 'going', deletionTimestamp: '2026-01-01T00:00:00Z' }));
    await h.pods.add(newPod({ name: 'running', cpu: '3', nodeName: 'node-1' }));
    expect(h.scheduler.queue.pendingPods()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
    expect(h.scheduler.cache.podCount()).toBe(1);

    // The running pod takes 3 of 4 cpu: a 2-cpu pod is unschedulable until it is deleted.
    await h.pods.add(newPod({ name: 'next', cpu: '2' }));
    h.run();
    await waitFor(() => h.scheduler.queue.queueOf('default/next') === 'unschedulable', { desc: 'next parked' });
    await h.pods.remove(h.pods.lister.get('default/running')!);
    await waitFor(() => h.binds.length === 1, { desc: 'bind after the assigned pod was deleted' });
    expect(h.binds[0].binding.metadata?.name).toBe('next');
  });

  it('gives SelectorSpread the selectors of matching Services and the owning ReplicaSet', async () => {
    await h.services.add({ metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } });
    await h.services.add({ metadata: { name: 'db', namespace: 'default' }, spec: { selector: { app: 'db' } } });
    await h.services.add({ metadata: { name: 'elsewhere', namespace: 'other' }, spec: { selector: { app: 'web' } } });
    await h.replicaSets.add({ metadata: { name: 'web-abc', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web', hash: 'abc' } } } });
    const pod = newPod({ name: 'web-abc-1', labels: { app: 'web', hash: 'abc' }, ownerRef: { kind: 'ReplicaSet', name: 'web-abc' } });
    const selectors = h.scheduler.selectorsFor(pod);
    expect(selectors.map((s) => s.toString())).toEqual(['app=web', 'app=web,hash=abc']);
    expect(h.scheduler.selectorsFor(newPod({ name: 'lonely', labels: { app: 'x' } }))).toEqual([]);
  });
});
