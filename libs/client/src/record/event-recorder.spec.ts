import type { Event, Node, Pod } from '@k8ts/api';
import { newBadRequest, newConflict, newNotFound, newServiceUnavailable } from '@k8ts/apimachinery';
import { FakeClock } from '@k8ts/testing';
import type { ApiClient } from '../api-client';
import { EventRecorder, type EventRecorderOptions, type EventSink, objectReference, sprintf } from './index';

// Compile-time check: the typed client's events resource is an EventSink.
const _typedClientIsASink = (client: ApiClient): EventSink => client.events;

interface Call {
  op: 'create' | 'update';
  event: Event;
}

/** An in-memory sink: assigns resourceVersions; failures can be queued per call. */
class FakeSink implements EventSink {
  readonly calls: Call[] = [];
  readonly stored = new Map<string, Event>();
  readonly failures: unknown[] = [];
  private rv = 0;

  async create(event: Event): Promise<Event> {
    return this.write('create', event);
  }

  async update(event: Event): Promise<Event> {
    return this.write('update', event);
  }

  private write(op: Call['op'], event: Event): Event {
    this.calls.push({ op, event: structuredClone(event) });
    const failure = this.failures.shift();
    if (failure) throw failure;
    const key = `${event.metadata?.namespace}/${event.metadata?.name}`;
    if (op === 'update' && !this.stored.has(key)) throw newNotFound({ group: '', resource: 'events' }, event.metadata?.name ?? '');
    const saved = { ...event, metadata: { ...event.metadata, resourceVersion: String(++this.rv) } };
    this.stored.set(key, saved);
    return saved;
  }
}

const pod: Pod = { metadata: { name: 'web-1', namespace: 'shop', uid: 'uid-1', resourceVersion: '7' }, spec: {} };
const node: Node = { metadata: { name: 'node-a', uid: 'uid-n' } };
const podRef = objectReference(pod, 'Pod');

function setup(opts: Partial<EventRecorderOptions> = {}, sink: EventSink = new FakeSink()) {
  const clock = new FakeClock(Date.UTC(2024, 4, 6, 7, 8, 9, 500));
  const logs: string[] = [];
  const logger = {
    warn: (_o: object, msg: string) => logs.push(`warn: ${msg}`),
    error: (_o: object, msg: string) => logs.push(`error: ${msg}`),
  };
  const recorder = new EventRecorder({ sink, component: 'default-scheduler', host: 'host-1', clock, logger, random: () => 0.5, ...opts });
  return { clock, logs, recorder, sink: sink as FakeSink };
}

describe('EventRecorder', () => {
  it('creates an Event with upstream fields, asynchronously', async () => {
    const { recorder, sink } = setup();
    recorder.event(podRef, 'Warning', 'FailedScheduling', '0/3 nodes are available');
    expect(sink.calls).toHaveLength(0); // nothing is sent synchronously
    await recorder.flush();
    expect(sink.calls).toHaveLength(1);
    const { op, event } = sink.calls[0];
    expect(op).toBe('create');
    expect(event.metadata?.name).toMatch(/^web-1\.[0-9a-f]+$/);
    expect(BigInt(`0x${event.metadata?.name?.split('.')[1]}`)).toBe(BigInt(Date.UTC(2024, 4, 6, 7, 8, 9, 500)) * 1_000_000n);
    expect(event).toEqual({
      metadata: { name: event.metadata?.name, namespace: 'shop' },
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'uid-1', apiVersion: 'v1', resourceVersion: '7' },
      reason: 'FailedScheduling',
      message: '0/3 nodes are available',
      type: 'Warning',
      source: { component: 'default-scheduler', host: 'host-1' },
      reportingComponent: 'default-scheduler',
      reportingInstance: 'host-1',
      firstTimestamp: '2024-05-06T07:08:09Z',
      lastTimestamp: '2024-05-06T07:08:09Z',
      count: 1,
    });
  });

  it.each([
    { name: 'a cluster-scoped object goes to "default"', obj: { ...node, kind: 'Node' }, ns: 'default', apiVersion: 'v1' },
    { name: 'apps kinds get apps/v1', obj: { metadata: { name: 'web', namespace: 'shop' }, kind: 'Deployment' }, ns: 'shop', apiVersion: 'apps/v1' },
    { name: 'ReplicaSet', obj: { metadata: { name: 'web-x', namespace: 'shop' }, kind: 'ReplicaSet' }, ns: 'shop', apiVersion: 'apps/v1' },
    { name: 'Service', obj: { metadata: { name: 'web', namespace: 'shop' }, kind: 'Service' }, ns: 'shop', apiVersion: 'v1' },
    { name: 'an explicit apiVersion wins', obj: { metadata: { name: 'w', namespace: 'x' }, kind: 'Widget', apiVersion: 'example.com/v1' }, ns: 'x', apiVersion: 'example.com/v1' },
    { name: 'a reference passes through', obj: { kind: 'Pod', name: 'p', namespace: 'y', uid: 'u' }, ns: 'y', apiVersion: 'v1' },
  ])('$name', async ({ obj, ns, apiVersion }) => {
    const { recorder, sink } = setup();
    recorder.event(obj, 'Normal', 'Test', 'm');
    await recorder.flush();
    expect(sink.calls[0].event.metadata?.namespace).toBe(ns);
    expect(sink.calls[0].event.involvedObject?.apiVersion).toBe(apiVersion);
  });

  it('eventf formats the message Go-style', async () => {
    const { recorder, sink } = setup();
    recorder.eventf(podRef, 'Normal', 'Scheduled', 'Successfully assigned %s/%s to %s', 'shop', 'web-1', 'node-a');
    await recorder.flush();
    expect(sink.calls[0].event.message).toBe('Successfully assigned shop/web-1 to node-a');
    expect(sprintf('%d%% of %v, %q %x %.2f', 50.7, 'all', 'a"b', 255, Math.PI)).toBe('50% of all, "a\\"b" ff 3.14');
    expect(sprintf('%s and %s', 'one')).toBe('one and %!s(MISSING)');
    expect(sprintf('x', 1)).toBe('x%!(EXTRA 1)');
  });

  it('counts a repeat within 10 minutes on the existing event', async () => {
    const { recorder, sink, clock } = setup();
    recorder.event(podRef, 'Warning', 'FailedScheduling', 'no fit');
    await recorder.flush();
    clock.advance(65_000);
    recorder.event(podRef, 'Warning', 'FailedScheduling', 'no fit');
    await recorder.flush();
    clock.advance(9 * 60_000);
    recorder.event(podRef, 'Warning', 'FailedScheduling', 'no fit');
    await recorder.flush();
    expect(sink.calls.map((c) => c.op)).toEqual(['create', 'update', 'update']);
    const [first, second, third] = sink.calls.map((c) => c.event);
    expect(second.metadata?.name).toBe(first.metadata?.name);
    expect(second.metadata?.resourceVersion).toBe('1');
    expect(second.count).toBe(2);
    expect(second.firstTimestamp).toBe('2024-05-06T07:08:09Z');
    expect(second.lastTimestamp).toBe('2024-05-06T07:09:14Z');
    expect(third.count).toBe(3);
    expect(third.metadata?.resourceVersion).toBe('2');
    expect(sink.stored.size).toBe(1);
  });

  it('starts a new event after the dedupe window, or for another message, type or object', async () => {
    const { recorder, sink, clock } = setup();
    recorder.event(podRef, 'Warning', 'FailedScheduling', 'no fit');
    recorder.event(podRef, 'Warning', 'FailedScheduling', 'other message');
    recorder.event(podRef, 'Normal', 'FailedScheduling', 'no fit');
    recorder.event({ ...podRef, name: 'web-2', uid: 'uid-2' }, 'Warning', 'FailedScheduling', 'no fit');
    await recorder.flush();
    clock.advance(10 * 60_000 + 1);
    recorder.event(podRef, 'Warning', 'FailedScheduling', 'no fit');
    await recorder.flush();
    expect(sink.calls.map((c) => c.op)).toEqual(['create', 'create', 'create', 'create', 'create']);
    expect(sink.calls[4].event.count).toBe(1);
    expect(new Set(sink.calls.map((c) => c.event.metadata?.name)).size).toBe(5);
  });

  it('gives unique names to events recorded in the same millisecond', async () => {
    const { recorder, sink } = setup({ spamBurst: 0 });
    for (let i = 0; i < 5; i++) recorder.event(podRef, 'Normal', `R${i}`, 'm');
    await recorder.flush();
    expect(new Set(sink.calls.map((c) => c.event.metadata?.name)).size).toBe(5);
  });

  it('re-creates a repeat whose event was deleted', async () => {
    const { recorder, sink } = setup();
    recorder.event(podRef, 'Warning', 'X', 'm');
    await recorder.flush();
    sink.stored.clear();
    recorder.event(podRef, 'Warning', 'X', 'm');
    await recorder.flush();
    expect(sink.calls.map((c) => c.op)).toEqual(['create', 'update', 'create']);
    expect(sink.calls[2].event.count).toBe(2);
    expect(sink.calls[2].event.metadata?.resourceVersion).toBeUndefined();
  });

  it('creates a new event per repeat when the sink cannot update', async () => {
    const created: Event[] = [];
    const sink: EventSink = { create: async (e) => (created.push(e), e) };
    const { recorder } = setup({}, sink);
    recorder.event(podRef, 'Warning', 'X', 'm');
    recorder.event(podRef, 'Warning', 'X', 'm');
    await recorder.flush();
    expect(created).toHaveLength(2);
    expect(created[1].count).toBe(1);
    expect(created[1].metadata?.name).not.toBe(created[0].metadata?.name);
  });

  it('never throws to the caller and drops bad input with a log line', async () => {
    const { recorder, sink, logs } = setup();
    expect(() => recorder.event({ metadata: { name: 'x' } }, 'Normal', 'NoKind', 'm')).not.toThrow();
    expect(() => recorder.event(podRef, 'Info' as 'Normal', 'BadType', 'm')).not.toThrow();
    expect(() => recorder.event({ metadata: { name: 'x' }, kind: 'Mystery' }, 'Normal', 'NoVersion', 'm')).not.toThrow();
    await recorder.flush();
    expect(sink.calls).toHaveLength(0);
    expect(logs).toEqual([
      'error: could not record event (will not retry)',
      'error: unsupported event type; event dropped',
      'error: could not record event (will not retry)',
    ]);
  });

  it('logs and drops an event the server rejects, without retrying', async () => {
    const { recorder, sink, logs } = setup();
    sink.failures.push(newBadRequest('invalid event'));
    recorder.event(podRef, 'Normal', 'X', 'm');
    await recorder.flush();
    expect(sink.calls).toHaveLength(1);
    expect(logs).toEqual(['error: server rejected event (will not retry)']);
  });

  it('forgets an event whose update conflicts', async () => {
    const { recorder, sink } = setup();
    recorder.event(podRef, 'Normal', 'X', 'm');
    await recorder.flush();
    sink.failures.push(newConflict({ group: '', resource: 'events' }, 'x', new Error('stale')));
    recorder.event(podRef, 'Normal', 'X', 'm');
    await recorder.flush();
    recorder.event(podRef, 'Normal', 'X', 'm');
    await recorder.flush();
    expect(sink.calls.map((c) => c.op)).toEqual(['create', 'update', 'create']);
  });

  it('retries writes while the apiserver is unreachable', async () => {
    const { recorder, sink, clock, logs } = setup({ retryDelayMs: 10_000 });
    sink.failures.push(new Error('connect ECONNREFUSED'), newServiceUnavailable('starting'));
    recorder.event(podRef, 'Normal', 'X', 'm');
    const flushed = recorder.flush();
    await clock.advanceAsync(4_999); // first wait: randomized (0.5 × 10 s)
    expect(sink.calls).toHaveLength(1);
    await clock.advanceAsync(1);
    expect(sink.calls).toHaveLength(2);
    await clock.advanceAsync(10_000);
    await flushed;
    expect(sink.calls).toHaveLength(3);
    expect(sink.stored.size).toBe(1);
    expect(logs.filter((l) => l.startsWith('warn'))).toHaveLength(2);
  });

  it('gives up after maxTries', async () => {
    const { recorder, sink, clock, logs } = setup({ maxTries: 3, retryDelayMs: 100 });
    sink.failures.push(new Error('down'), new Error('down'), new Error('down'), new Error('down'));
    recorder.event(podRef, 'Normal', 'X', 'm');
    const flushed = recorder.flush();
    await clock.advanceAsync(1_000);
    await flushed;
    expect(sink.calls).toHaveLength(3);
    expect(logs.at(-1)).toBe('error: unable to write event (retry limit exceeded)');
  });

  it('drops events beyond 1000 pending, with a warning', async () => {
    const { recorder, sink, logs } = setup();
    for (let i = 0; i < 1005; i++) recorder.event({ kind: 'Pod', name: `p${i}`, namespace: 'ns' }, 'Normal', 'X', 'm');
    expect(recorder.pending()).toBe(1000);
    expect(logs.filter((l) => l.includes('too many queued events'))).toHaveLength(5);
    await recorder.flush();
    expect(sink.calls).toHaveLength(1000);
    expect(recorder.pending()).toBe(0);
  });

  it('combines 10 similar events within 10 minutes into one', async () => {
    const { recorder, sink } = setup();
    for (let i = 1; i <= 12; i++) recorder.event(podRef, 'Warning', 'BackOff', `attempt ${i}`);
    await recorder.flush();
    expect(sink.calls.map((c) => c.op)).toEqual([...Array(10).fill('create'), 'update', 'update']);
    expect(sink.calls[9].event.message).toBe('(combined from similar events): attempt 10');
    expect(sink.calls[11].event.message).toBe('(combined from similar events): attempt 12');
    expect(sink.calls[11].event.count).toBe(3);
  });

  it('throttles a source+object past a burst of 25, refilling one per 5 minutes', async () => {
    const { recorder, sink, clock } = setup({ aggregateMaxEvents: 0 });
    for (let i = 0; i < 30; i++) recorder.event(podRef, 'Normal', `R${i}`, 'm');
    recorder.event({ kind: 'Pod', name: 'other', namespace: 'shop' }, 'Normal', 'R', 'm');
    await recorder.flush();
    expect(sink.calls).toHaveLength(26);
    clock.advance(300_000);
    recorder.event(podRef, 'Normal', 'Late1', 'm');
    recorder.event(podRef, 'Normal', 'Late2', 'm');
    await recorder.flush();
    expect(sink.calls.map((c) => c.event.reason).slice(26)).toEqual(['Late1']);
  });

  it('shutdown sends what is queued once and drops later events', async () => {
    const { recorder, sink, logs } = setup();
    sink.failures.push(new Error('down'));
    recorder.event(podRef, 'Normal', 'A', 'm');
    recorder.event(podRef, 'Normal', 'B', 'm');
    await recorder.shutdown();
    expect(sink.calls.map((c) => c.event.reason)).toEqual(['A', 'B']);
    expect(sink.stored.size).toBe(1);
    recorder.event(podRef, 'Normal', 'C', 'm');
    await recorder.flush();
    expect(sink.calls).toHaveLength(2);
    expect(logs).toContain('warn: event recorder is shut down; event dropped');
  });

  it('objectReference needs a kind and a name', () => {
    expect(() => objectReference({ metadata: { name: 'x' } })).toThrow(/kind/);
    expect(() => objectReference({ metadata: {} }, 'Pod')).toThrow(/metadata.name/);
    expect(objectReference(node, 'Node')).toEqual({ kind: 'Node', name: 'node-a', uid: 'uid-n', apiVersion: 'v1' });
  });
});
