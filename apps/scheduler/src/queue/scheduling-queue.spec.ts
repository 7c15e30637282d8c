import type { Pod } from '@k8ts/api';
import { FakeClock } from '@k8ts/testing';
import { newNode, newPod } from '../testing/builders';
import {
  ASSIGNED_POD_DELETE,
  type ClusterEvent,
  NODE_ADD,
  nodeUpdateEvent,
  podDeleteEvent,
  rejectorPlugins,
} from './cluster-events';
import { KeyedHeap } from './keyed-heap';
import { isPodUpdated, podKey, type QueuedPodInfo, SchedulingQueue, type SchedulingQueueOptions } from './scheduling-queue';
import { unschedulable, withPlugin } from '../framework/types';
import type { ScheduleFailure } from '../framework/schedule-one';

function setup(opts: SchedulingQueueOptions = {}) {
  const clock = new FakeClock();
  const incoming: string[] = [];
  const q = new SchedulingQueue({ clock, metrics: { podIncoming: (queue, event) => incoming.push(`${queue}:${event}`) }, ...opts });
  return { clock, q, incoming };
}

/** Pops the next pod (which must be active right away). */
async function popNow(q: SchedulingQueue): Promise<QueuedPodInfo> {
  const ac = new AbortController();
  const p = q.pop(ac.signal);
  ac.abort();
  const info = await p;
  if (!info) throw new Error('nothing active');
  return info;
}

/** Pops `pod` and fails its attempt with the given rejecting plugins ([] = error). */
async function failAttempt(q: SchedulingQueue, pod: Pod, rejectors: string[]): Promise<QueuedPodInfo> {
  q.add(pod);
  const info = await popNow(q);
  expect(info.key).toBe(podKey(pod));
  const cycle = q.schedulingCycle();
  info.unschedulablePlugins = new Set(rejectors);
  expect(q.addUnschedulableIfNotPresent(info, cycle)).toBe(true);
  q.done(info.key);
  return info;
}

const pod = (name: string, extra: Partial<Parameters<typeof newPod>[0]> = {}) => newPod({ name, cpu: '100m', ...extra });

describe('KeyedHeap', () => {
  it('pops in order and supports update and delete by key', () => {
    const h = new KeyedHeap<{ k: string; v: number }>((i) => i.k, (a, b) => a.v < b.v);
    const values = [5, 3, 9, 1, 7, 2, 8];
    values.forEach((v) => h.addOrUpdate({ k: `k${v}`, v }));
    h.addOrUpdate({ k: 'k9', v: 0 });
    expect(h.delete('k5')?.v).toBe(5);
    expect(h.delete('missing')).toBeUndefined();
    const out: number[] = [];
    for (let x = h.pop(); x; x = h.pop()) out.push(x.v);
    expect(out).toEqual([0, 1, 2, 3, 7, 8]);
  });
});

describe('SchedulingQueue', () => {
  describe('backoff timing', () => {
    it.each([
      { attempts: 1, opts: {}, expected: 1_000 },
      { attempts: 2, opts: {}, expected: 2_000 },
      { attempts: 3, opts: {}, expected: 4_000 },
      { attempts: 4, opts: {}, expected: 8_000 },
      { attempts: 5, opts: {}, expected: 10_000 },
      { attempts: 50, opts: {}, expected: 10_000 },
      { attempts: 3, opts: { podInitialBackoffMs: 100, podMaxBackoffMs: 300 }, expected: 300 },
      { attempts: 2, opts: { podInitialBackoffMs: 100, podMaxBackoffMs: 300 }, expected: 200 },
    ])('attempt $attempts with $opts backs off $expected ms', async ({ attempts, opts, expected }) => {
      const { clock, q } = setup(opts);
      expect(q.backoffDuration(attempts)).toBe(expected);
      // Drive a real pod through `attempts` failed (error) attempts.
      const p = pod('p');
      q.add(p);
      for (let i = 1; i <= attempts; i++) {
        const info = await popNow(q);
        expect(info.attempts).toBe(i);
        info.unschedulablePlugins = new Set(); // an error: straight to backoff
        q.addUnschedulableIfNotPresent(info, q.schedulingCycle());
        q.done(info);
        expect(q.queueOf(info.key)).toBe('backoff');
        expect(q.pendingPods()).toEqual({ active: 0, backoff: 1, unschedulable: 0, gated: 0 });
        const backoff = q.backoffDuration(i);
        clock.advance(backoff - 1);
        expect(q.queueOf(info.key)).toBe('backoff');
        clock.advance(1);
        expect(q.queueOf(info.key)).toBe('active');
      }
      q.close();
    });

    it('orders backoffQ by expiry and fires each at its time', async () => {
      const { clock, q } = setup();
      const a = await failAttempt(q, pod('a'), []); // 1 s
      clock.advance(300);
      const b = await failAttempt(q, pod('b'), []); // 1 s from now
      expect(q.pendingPods().backoff).toBe(2);
      clock.advance(700);
      expect(q.queueOf(a.key)).toBe('active');
      expect(q.queueOf(b.key)).toBe('backoff');
      clock.advance(300);
      expect(q.queueOf(b.key)).toBe('active');
      expect(clock.pending()).toBe(0); // no timer left behind
    });

    it('a pod that never ran gets no backoff', () => {
      const { q } = setup();
      expect(q.backoffDuration(0)).toBe(0);
    });

    it('rejects invalid options', () => {
      expect(() => new SchedulingQueue({ podInitialBackoffMs: -1 })).toThrow(RangeError);
      expect(() => new SchedulingQueue({ podMaxInUnschedulablePodsMs: Number.NaN })).toThrow(RangeError);
    });
  });

  describe('event-triggered moves', () => {
    const ready = newNode({ name: 'n1' });
    const cases: Array<{ name: string; rejectors: string[]; event: ClusterEvent | undefined; moves: boolean }> = [
      { name: 'node add helps a resource-starved pod', rejectors: ['NodeResourcesFit'], event: NODE_ADD, moves: true },
      { name: 'node add helps any plugin', rejectors: ['NodeAffinity'], event: NODE_ADD, moves: true },
      {
        name: 'allocatable growth helps NodeResourcesFit',
        rejectors: ['NodeResourcesFit'],
        event: nodeUpdateEvent(ready, newNode({ name: 'n1', cpu: '8' })),
        moves: true,
      },
      {
        name: 'a label change does not help NodeResourcesFit',
        rejectors: ['NodeResourcesFit'],
        event: nodeUpdateEvent(ready, newNode({ name: 'n1', labels: { zone: 'a' } })),
        moves: false,
      },
      {
        name: 'a label change helps NodeAffinity',
        rejectors: ['NodeAffinity'],
        event: nodeUpdateEvent(ready, newNode({ name: 'n1', labels: { zone: 'a' } })),
        moves: true,
      },
      {
        name: 'a taint change helps TaintToleration',
        rejectors: ['TaintToleration'],
        event: nodeUpdateEvent(newNode({ name: 'n1', taints: [{ key: 'k', effect: 'NoSchedule' }] }), ready),
        moves: true,
      },
      {
        name: 'uncordon helps NodeUnschedulable',
        rejectors: ['NodeUnschedulable'],
        event: nodeUpdateEvent(newNode({ name: 'n1', unschedulable: true }), ready),
        moves: true,
      },
      {
        name: 'Ready flipping helps NodeReady',
        rejectors: ['NodeReady'],
        event: nodeUpdateEvent(newNode({ name: 'n1', ready: false }), ready),
        moves: true,
      },
      {
        name: 'Ready flipping does not help NodePorts',
        rejectors: ['NodePorts'],
        event: nodeUpdateEvent(newNode({ name: 'n1', ready: false }), ready),
        moves: false,
      },
      { name: 'an assigned pod deleted helps NodeResourcesFit', rejectors: ['NodeResourcesFit'], event: ASSIGNED_POD_DELETE, moves: true },
      { name: 'an assigned pod deleted helps NodePorts', rejectors: ['NodePorts'], event: ASSIGNED_POD_DELETE, moves: true },
      { name: 'an assigned pod deleted does not help NodeAffinity', rejectors: ['NodeAffinity'], event: ASSIGNED_POD_DELETE, moves: false },
      {
        name: 'one of several rejectors is enough',
        rejectors: ['NodeAffinity', 'NodeResourcesFit'],
        event: ASSIGNED_POD_DELETE,
        moves: true,
      },
      { name: 'an unknown plugin cares about everything', rejectors: ['SomethingElse'], event: ASSIGNED_POD_DELETE, moves: true },
      {
        name: 'a pending pod deleted is no event',
        rejectors: ['NodeResourcesFit'],
        event: podDeleteEvent(newPod({ name: 'x' })),
        moves: false,
      },
    ];
    it.each(cases)('$name', async ({ rejectors, event, moves }) => {
      const { clock, q } = setup();
      const info = await failAttempt(q, pod('p'), rejectors);
      expect(q.queueOf(info.key)).toBe('unschedulable');
      clock.advance(5_000); // backoff (1 s) long over
      if (event) expect(q.moveAllToActiveOrBackoffQueue(event)).toBe(moves ? 1 : 0);
      expect(q.queueOf(info.key)).toBe(moves ? 'active' : 'unschedulable');
      q.close();
    });

    it('a pod still backing off moves to backoffQ, then to activeQ', async () => {
      const { clock, q } = setup();
      const info = await failAttempt(q, pod('p'), ['NodeResourcesFit']);
      clock.advance(400);
      q.moveAllToActiveOrBackoffQueue(NODE_ADD);
      expect(q.queueOf(info.key)).toBe('backoff');
      clock.advance(600);
      expect(q.queueOf(info.key)).toBe('active');
    });

    it('preCheck vetoes single pods', async () => {
      const { clock, q } = setup();
      await failAttempt(q, pod('a'), ['NodeResourcesFit']);
      await failAttempt(q, pod('b'), ['NodeResourcesFit']);
      clock.advance(2_000);
      expect(q.moveAllToActiveOrBackoffQueue(NODE_ADD, (p) => p.metadata?.name === 'b')).toBe(1);
      expect(q.queueOf('default/a')).toBe('unschedulable');
      expect(q.queueOf('default/b')).toBe('active');
    });

    it('nodeUpdateEvent is undefined when nothing relevant changed', () => {
      const a = newNode({ name: 'n1' });
      const b = { ...newNode({ name: 'n1' }), metadata: { ...a.metadata, resourceVersion: '42', annotations: { x: 'y' } } };
      expect(nodeUpdateEvent(a, b)).toBeUndefined();
      // cordoning cannot help a pending pod
      expect(nodeUpdateEvent(a, newNode({ name: 'n1', unschedulable: true }))).toBeUndefined();
    });

    it('an event during an attempt keeps the failed pod out of unschedulablePods', async () => {
      const { q } = setup();
      q.add(pod('p'));
      const info = await popNow(q);
      const cycle = q.schedulingCycle();
      q.moveAllToActiveOrBackoffQueue(NODE_ADD); // arrives while p is being scheduled
      info.unschedulablePlugins = new Set(['NodeResourcesFit']);
      q.addUnschedulableIfNotPresent(info, cycle);
      expect(q.queueOf(info.key)).toBe('backoff');
    });

    it('an update during an attempt: the failed pod is re-queued with the newest version', async () => {
      const { clock, q } = setup();
      const p = pod('p');
      q.add(p);
      const info = await popNow(q);
      const updated = pod('p', { labels: { v: '2' } });
      q.update(p, updated);
      expect(q.queueOf(info.key)).toBeUndefined(); // not queued twice
      info.unschedulablePlugins = new Set(['NodeResourcesFit']);
      q.addUnschedulableIfNotPresent(info, q.schedulingCycle());
      q.done(info);
      expect(q.queueOf(info.key)).toBe('backoff');
      expect(q.get(info.key)?.pod).toBe(updated);
      clock.advance(1_000);
      expect(q.queueOf(info.key)).toBe('active');
    });

    it('pods parked longer than podMaxInUnschedulablePods are flushed', async () => {
      const { clock, q, incoming } = setup({ podMaxInUnschedulablePodsMs: 60_000 });
      const a = await failAttempt(q, pod('a'), ['NodeAffinity']);
      clock.advance(30_000);
      const b = await failAttempt(q, pod('b'), ['NodeAffinity']);
      clock.advance(29_999);
      expect(q.pendingPods().unschedulable).toBe(2);
      clock.advance(1);
      expect(q.queueOf(a.key)).toBe('active');
      expect(q.queueOf(b.key)).toBe('unschedulable');
      expect(incoming).toContain('active:UnschedulableTimeout');
      clock.advance(30_000);
      expect(q.queueOf(b.key)).toBe('active');
      expect(clock.pending()).toBe(0);
    });

    it('the default leftover flush is 5 minutes', async () => {
      const { clock, q } = setup();
      const a = await failAttempt(q, pod('a'), ['NodeAffinity']);
      clock.advance(5 * 60_000 - 1);
      expect(q.queueOf(a.key)).toBe('unschedulable');
      clock.advance(1);
      expect(q.queueOf(a.key)).toBe('active');
    });
  });

  describe('update', () => {
    it.each([
      { name: 'spec change', change: (p: Pod): Pod => ({ ...p, spec: { ...p.spec, nodeSelector: { disk: 'ssd' } } }), moves: true },
      { name: 'label change', change: (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, labels: { a: 'b' } } }), moves: true },
      { name: 'status-only change', change: (p: Pod): Pod => ({ ...p, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } }), moves: false },
      { name: 'resourceVersion-only change', change: (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, resourceVersion: '99' } }), moves: false },
    ])('of a parked pod: $name moves it back: $moves', async ({ change, moves }) => {
      const { clock, q } = setup();
      const p = pod('p');
      const info = await failAttempt(q, p, ['NodeAffinity']);
      clock.advance(2_000);
      const updated = change(p);
      expect(isPodUpdated(p, updated)).toBe(moves);
      q.update(p, updated);
      expect(q.queueOf(info.key)).toBe(moves ? 'active' : 'unschedulable');
      expect(q.get(info.key)?.pod).toBe(updated);
    });

    it('of a parked pod still backing off moves it to backoffQ', async () => {
      const { q } = setup();
      const p = pod('p');
      const info = await failAttempt(q, p, ['NodeAffinity']);
      q.update(p, pod('p', { labels: { x: 'y' } }));
      expect(q.queueOf(info.key)).toBe('backoff');
    });

    it('of an active pod re-sorts by priority; of an unknown pod adds it', async () => {
      const { q } = setup();
      const a = pod('a');
      q.add(a);
      q.add(pod('b'));
      q.update(a, { ...a, spec: { ...a.spec, priority: 10 } });
      q.update(undefined, pod('c'));
      expect((await popNow(q)).key).toBe('default/a');
      expect((await popNow(q)).key).toBe('default/b');
      expect((await popNow(q)).key).toBe('default/c');
    });
  });

  describe('delete', () => {
    it.each(['active', 'backoff', 'unschedulable', 'gated'] as const)('removes a pod from %s', async (where) => {
      const { q, clock } = setup();
      const p = pod('p');
      if (where === 'active') q.add(p);
      if (where === 'backoff') await failAttempt(q, p, []);
      if (where === 'unschedulable') await failAttempt(q, p, ['NodeAffinity']);
      if (where === 'gated') q.add({ ...p, spec: { ...p.spec, schedulingGates: [{ name: 'example.com/wait' }] } });
      expect(q.queueOf('default/p')).toBe(where);
      q.delete(p);
      expect(q.queueOf('default/p')).toBeUndefined();
      expect(q.pendingPods()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
      clock.runAll();
      expect(q.queueOf('default/p')).toBeUndefined();
    });

    it('a pod deleted during its attempt is not re-queued', async () => {
      const { q } = setup();
      const p = pod('p');
      q.add(p);
      const info = await popNow(q);
      q.delete(p);
      expect(q.addUnschedulableIfNotPresent(info, q.schedulingCycle())).toBe(false);
      q.done(info);
      expect(q.pendingPods()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
    });
  });

  describe('pop', () => {
    it('waits until something is active', async () => {
      const { q } = setup();
      let got: QueuedPodInfo | undefined;
      const popping = q.pop().then((i) => (got = i));
      await Promise.resolve();
      expect(got).toBeUndefined();
      q.add(pod('p'));
      await popping;
      expect(got?.key).toBe('default/p');
      expect(got?.attempts).toBe(1);
      expect(q.isInFlight('default/p')).toBe(true);
      q.done('default/p');
      expect(q.isInFlight('default/p')).toBe(false);
    });

    it('waits for a backoff to complete', async () => {
      const { q, clock } = setup();
      await failAttempt(q, pod('p'), []);
      let got: QueuedPodInfo | undefined;
      const popping = q.pop().then((i) => (got = i));
      await clock.advanceAsync(999);
      expect(got).toBeUndefined();
      await clock.advanceAsync(1);
      await popping;
      expect(got?.attempts).toBe(2);
      expect(got?.initialAttemptTimestamp).toBe(Date.UTC(2024, 0, 1));
    });

    it('serves waiting poppers in order, one pod each', async () => {
      const { q } = setup();
      const first = q.pop();
      const second = q.pop();
      q.add(pod('a'));
      q.add(pod('b'));
      expect((await first)?.key).toBe('default/a');
      expect((await second)?.key).toBe('default/b');
      expect(q.schedulingCycle()).toBe(2);
    });

    it('resolves undefined when its signal aborts', async () => {
      const { q } = setup();
      const ac = new AbortController();
      const popping = q.pop(ac.signal);
      ac.abort();
      expect(await popping).toBeUndefined();
      q.add(pod('a'));
      expect(q.pendingPods().active).toBe(1); // the aborted popper took nothing
    });

    it('orders by priority, then arrival', async () => {
      const { q, clock } = setup();
      const prio = (name: string, priority?: number): Pod => {
        const p = pod(name);
        return { ...p, spec: { ...p.spec, priority } };
      };
      q.add(prio('low-1'));
      clock.advance(1);
      q.add(prio('high', 100));
      clock.advance(1);
      q.add(prio('low-2'));
      q.add(prio('mid', 5));
      q.add(prio('low-3', 0));
      const order: string[] = [];
      while (q.pendingPods().active > 0) order.push((await popNow(q)).pod.metadata?.name ?? '');
      expect(order).toEqual(['high', 'mid', 'low-1', 'low-2', 'low-3']);
    });

    it('is plain FIFO with usePriority: false', async () => {
      const { q } = setup({ usePriority: false });
      q.add(pod('a'));
      q.add({ ...pod('b'), spec: { ...pod('b').spec, priority: 1000 } });
      expect((await popNow(q)).key).toBe('default/a');
    });
  });

  describe('close', () => {
    it('wakes every popper with undefined and clears timers', async () => {
      const { q, clock } = setup();
      await failAttempt(q, pod('b'), []);
      await failAttempt(q, pod('u'), ['NodeAffinity']);
      const poppers = [q.pop(), q.pop()];
      q.close();
      expect(await Promise.all(poppers)).toEqual([undefined, undefined]);
      expect(await q.pop()).toBeUndefined();
      expect(clock.pending()).toBe(0);
      q.add(pod('late'));
      expect(q.pendingPods().active).toBe(0);
      q.close(); // idempotent
      expect(q.isClosed()).toBe(true);
    });
  });

  describe('dedup and gates', () => {
    it('adds a pod once per namespace/name', async () => {
      const { q } = setup();
      q.add(pod('p'));
      q.add(pod('p', { labels: { v: '2' } }));
      q.add(pod('p', { namespace: 'other' }));
      expect(q.pendingPods().active).toBe(2);
      expect(q.get('default/p')?.pod.metadata?.labels).toEqual({ v: '2' });
    });

    it('add of a parked pod makes it active again', async () => {
      const { q } = setup();
      const p = pod('p');
      await failAttempt(q, p, ['NodeAffinity']);
      q.add(p);
      expect(q.queueOf('default/p')).toBe('active');
      expect(q.get('default/p')?.attempts).toBe(1);
    });

    it('addUnschedulableIfNotPresent refuses a pod that is queued already', async () => {
      const { q } = setup();
      const p = pod('p');
      q.add(p);
      const info = await popNow(q);
      q.done(info);
      q.add(p); // e.g. a relist while the attempt ran
      info.unschedulablePlugins = new Set(['NodeAffinity']);
      expect(q.addUnschedulableIfNotPresent(info, q.schedulingCycle())).toBe(false);
      expect(q.queueOf('default/p')).toBe('active');
    });

    it('gated pods wait until their gates are removed, and are not moved by events', () => {
      const { q, clock, incoming } = setup();
      const p = pod('p');
      const gatedPod: Pod = { ...p, spec: { ...p.spec, schedulingGates: [{ name: 'example.com/wait' }] } };
      q.add(gatedPod);
      expect(q.pendingPods()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 1 });
      expect(q.get('default/p')?.gatedBy).toBe('SchedulingGates');
      q.moveAllToActiveOrBackoffQueue(NODE_ADD);
      clock.advance(10 * 60_000);
      expect(q.queueOf('default/p')).toBe('gated');
      q.update(gatedPod, { ...gatedPod, metadata: { ...gatedPod.metadata, labels: { a: 'b' } } });
      expect(q.queueOf('default/p')).toBe('gated');
      q.update(gatedPod, p);
      expect(q.queueOf('default/p')).toBe('active');
      expect(incoming).toEqual(['gated:PodAdd', 'active:PodUpdate']);
    });

    it('activate moves parked and backing-off pods to activeQ', async () => {
      const { q } = setup();
      await failAttempt(q, pod('a'), []);
      await failAttempt(q, pod('b'), ['NodeAffinity']);
      q.activate(['default/a', 'default/b', 'default/unknown']);
      expect(q.pendingPods()).toEqual({ active: 2, backoff: 0, unschedulable: 0, gated: 0 });
    });
  });

  it('rejectorPlugins collects the rejecting plugins of a failure', () => {
    const failure: ScheduleFailure = {
      unschedulable: true,
      message: '',
      reasons: new Map(),
      nodeStatuses: new Map([
        ['n1', withPlugin(unschedulable('x'), 'NodeAffinity')],
        ['n2', withPlugin(unschedulable('y'), 'NodeResourcesFit')],
        ['n3', withPlugin(unschedulable('y'), 'NodeResourcesFit')],
      ]),
    };
    expect([...rejectorPlugins(failure)].sort()).toEqual(['NodeAffinity', 'NodeResourcesFit']);
  });
});
