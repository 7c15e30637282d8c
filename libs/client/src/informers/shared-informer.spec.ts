// The informer core against a fake list/watch source: initial sync, event
// order and one-at-a-time delivery, handler failures, resume after transient
// errors, relist with only the differences after Expired, selectors,
// resync, late handlers, frozen cached objects.
import type { Pod } from '@k8ts/api';
import { newResourceExpired } from '@k8ts/apimachinery';
import { WatchExpiredError } from '@k8ts/eventbus';
import { FakeClock, newPod, waitFor } from '@k8ts/testing';
import { NODE_NAME_INDEX, nodeNameIndexFunc } from './indexer';
import { InformerDecodeError } from './list-watch';
import { SharedInformer, type SharedInformerOptions } from './shared-informer';
import { FakeListWatch } from './testing/fake-list-watch';
import { DeletedFinalStateUnknown, type EventMeta, type InformerLogger, type ResourceEventHandler } from './types';

const TRACE = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'k=v' };

function keyOf(p: Pod): string {
  return `${p.metadata?.namespace}/${p.metadata?.name}`;
}

/** A handler that records what it is told, as short strings. */
function recorder(log: string[], metas: EventMeta[] = []): ResourceEventHandler<Pod> {
  return {
    onAdd: (obj, initial, meta) => {
      log.push(`add ${keyOf(obj)}@${obj.metadata?.resourceVersion}${initial ? ' initial' : ''}`);
      metas.push(meta);
    },
    onUpdate: (oldObj, newObj, meta) => {
      log.push(`update ${keyOf(newObj)}@${oldObj.metadata?.resourceVersion}->${newObj.metadata?.resourceVersion}`);
      metas.push(meta);
    },
    onDelete: (obj, meta) => {
      if (obj instanceof DeletedFinalStateUnknown) log.push(`delete-unknown ${obj.key}@${obj.obj.metadata?.resourceVersion}`);
      else log.push(`delete ${keyOf(obj)}@${obj.metadata?.resourceVersion}`);
      metas.push(meta);
    },
  };
}

function captureLogger(): InformerLogger & { lines: { level: string; msg: string; obj: object }[] } {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let informers: SharedInformer<Pod>[] = [];
function start(lw: FakeListWatch<Pod>, opts: SharedInformerOptions<Pod> = {}, handler?: ResourceEventHandler<Pod>): SharedInformer<Pod> {
  const inf = new SharedInformer<Pod>(lw, { name: 'pods', logger: captureLogger(), backoff: { initialMs: 1, maxMs: 5 }, freezeObjects: true, ...opts });
  if (handler) inf.addEventHandler(handler);
  informers.push(inf);
  inf.run();
  return inf;
}

afterEach(async () => {
  await Promise.all(informers.map((i) => i.stop()));
  informers = [];
});

describe('initial sync and watch events', () => {
  it('delivers the initial list as adds, syncs, then every watch event in order with its revision and trace', async () => {
    const lw = new FakeListWatch<Pod>();
    const a = lw.create(newPod({ name: 'a' }));
    lw.create(newPod({ name: 'b', namespace: 'kube-system' }));
    const log: string[] = [];
    const metas: EventMeta[] = [];
    const inf = start(lw, {}, recorder(log, metas));
    expect(inf.hasSynced()).toBe(false);
    expect(await inf.waitForSync()).toBe(true);
    expect(inf.hasSynced()).toBe(true);
    expect(log).toEqual(['add default/a@101 initial', 'add kube-system/b@102 initial']);
    expect(inf.lastSyncResourceVersion()).toBe('102');

    await waitFor(() => lw.liveWatches === 1, { desc: 'watch started' });
    const a2 = lw.update({ ...a, metadata: { ...a.metadata, labels: { v: '2' } } }, TRACE);
    lw.create(newPod({ name: 'c' }));
    lw.remove('kube-system/b');
    await waitFor(() => log.length === 5, { desc: 'three watch events' });
    expect(log.slice(2)).toEqual(['update default/a@101->103', 'add default/c@104', 'delete kube-system/b@105']);
    expect(metas[2]).toEqual({ revision: a2.metadata?.resourceVersion, trace: TRACE });
    expect(metas[3]).toEqual({ revision: '104' });
    expect(inf.lister.list().map(keyOf).sort()).toEqual(['default/a', 'default/c']);
    expect(inf.lister.getByName('default', 'a')?.metadata?.labels).toEqual({ v: '2' });
    expect(inf.lastSyncResourceVersion()).toBe('105');
  });

  it('hands out the cached (frozen) objects: handlers and listers see the same object, and cannot mutate it', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'a', labels: { app: 'web' } }));
    const seen: Pod[] = [];
    const inf = start(lw, {}, { onAdd: (p) => void seen.push(p) });
    await inf.waitForSync();
    const cached = inf.lister.get('default/a');
    expect(seen[0]).toBe(cached);
    expect(Object.isFrozen(cached)).toBe(true);
    expect(Object.isFrozen(cached?.metadata?.labels)).toBe(true);
    expect(() => {
      (cached as Pod).metadata!.labels!.app = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (cached as Pod).spec!.containers!.push({ name: 'x' } as never);
    }).toThrow(TypeError);
  });

  it('ignores a repeated event for a resourceVersion the cache already has', async () => {
    const lw = new FakeListWatch<Pod>();
    const a = lw.create(newPod({ name: 'a' }));
    const log: string[] = [];
    const inf = start(lw, {}, recorder(log));
    await inf.waitForSync();
    await waitFor(() => lw.liveWatches === 1);
    lw.inject({ type: 'MODIFIED', object: a, resourceVersion: '101' });
    lw.create(newPod({ name: 'b' }));
    await waitFor(() => log.length === 2);
    expect(log).toEqual(['add default/a@101 initial', 'add default/b@102']);
  });

  it('waitForSync resolves false when the signal aborts or the informer stops first', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.listErrors = Array.from({ length: 1000 }, () => new Error('apiserver down'));
    const inf = start(lw, { backoff: { initialMs: 50, maxMs: 50 } });
    const ac = new AbortController();
    const aborted = inf.waitForSync(ac.signal);
    ac.abort();
    expect(await aborted).toBe(false);
    const pending = inf.waitForSync();
    await inf.stop();
    expect(await pending).toBe(false);
    expect(inf.hasSynced()).toBe(false);
  });
});

describe('handler delivery', () => {
  it('calls handlers one at a time, in order, awaiting async handlers, never concurrently', async () => {
    const lw = new FakeListWatch<Pod>();
    for (let i = 0; i < 3; i++) lw.create(newPod({ name: `p${i}` }));
    let running = 0;
    let maxRunning = 0;
    const order: string[] = [];
    const slow = (tag: string) => async (p: Pod) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 2));
      order.push(`${tag}:${p.metadata?.name}@${p.metadata?.resourceVersion}`);
      running--;
    };
    const inf = new SharedInformer<Pod>(lw, { logger: captureLogger() });
    informers.push(inf);
    inf.addEventHandler({ onAdd: slow('h1'), onUpdate: (_o, n) => slow('h1')(n) });
    inf.addEventHandler({ onAdd: slow('h2'), onUpdate: (_o, n) => slow('h2')(n) });
    inf.run();
    await waitFor(() => lw.liveWatches === 1);
    for (let i = 3; i < 6; i++) lw.create(newPod({ name: `p${i}` }));
    const p0 = lw.objects.get('default/p0') as Pod;
    lw.update({ ...p0, metadata: { ...p0.metadata, labels: { v: '2' } } });
    await waitFor(() => order.length === 14, { desc: '7 events x 2 handlers' });
    expect(maxRunning).toBe(1);
    const expected = ['p0@101', 'p1@102', 'p2@103', 'p3@104', 'p4@105', 'p5@106', 'p0@107'].flatMap((e) => [`h1:${e}`, `h2:${e}`]);
    expect(order).toEqual(expected);
    expect(inf.hasSynced()).toBe(true);
  });

  it('catches and logs handler exceptions and rejections; later events still arrive', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'a' }));
    const logger = captureLogger();
    const errors: unknown[] = [];
    const log: string[] = [];
    const inf = start(lw, { logger, metrics: { handlerError: (_n, err) => void errors.push(err) } });
    inf.addEventHandler({
      onAdd: (p) => {
        if (p.metadata?.name === 'a') throw new Error('boom');
      },
    });
    inf.addEventHandler({
      onAdd: async (p) => {
        if (p.metadata?.name === 'b') throw new Error('async boom');
      },
    });
    inf.addEventHandler(recorder(log));
    await inf.waitForSync();
    await waitFor(() => lw.liveWatches === 1);
    lw.create(newPod({ name: 'b' }));
    lw.create(newPod({ name: 'c' }));
    await waitFor(() => log.length === 3);
    expect(log).toEqual(['add default/a@101 initial', 'add default/b@102', 'add default/c@103']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom', 'async boom']);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['event handler failed', 'event handler failed']);
  });

  it('replays the cache to a handler added after sync, then sends it later events; remove() stops calls', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'a' }));
    lw.create(newPod({ name: 'b' }));
    const inf = start(lw);
    await inf.waitForSync();
    await waitFor(() => lw.liveWatches === 1);
    const log: string[] = [];
    const reg = inf.addEventHandler(recorder(log));
    expect(reg.hasSynced()).toBe(false);
    lw.create(newPod({ name: 'c' }));
    await waitFor(() => log.length === 3);
    expect(log.slice(0, 2).sort()).toEqual(['add default/a@101 initial', 'add default/b@102 initial']);
    expect(log[2]).toBe('add default/c@103');
    expect(reg.hasSynced()).toBe(true);
    reg.remove();
    lw.create(newPod({ name: 'd' }));
    await waitFor(() => inf.lister.get('default/d') !== undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toHaveLength(3);
  });

  it('resyncs: onUpdate(obj, obj) for every cached object each period', async () => {
    const clock = new FakeClock();
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'a' }));
    lw.create(newPod({ name: 'b' }));
    const updates: [Pod, Pod][] = [];
    const inf = start(lw, { clock, resyncPeriodMs: 30_000 }, { onUpdate: (o, n) => void updates.push([o, n]) });
    const fast: string[] = [];
    inf.addEventHandler({ onUpdate: (_o, n) => void fast.push(n.metadata?.name ?? '') }, { resyncPeriodMs: 10_000 });
    await inf.waitForSync();
    clock.advance(10_000);
    await waitFor(() => fast.length === 2);
    expect(updates).toHaveLength(0);
    clock.advance(10_000);
    await waitFor(() => fast.length === 4);
    clock.advance(10_000);
    await waitFor(() => updates.length === 2 && fast.length === 6);
    // A resync still being delivered is not queued again.
    clock.advance(10_000);
    clock.advance(10_000);
    await waitFor(() => fast.length === 8);
    await new Promise((r) => setTimeout(r, 10));
    expect(fast).toHaveLength(8);
    for (const [o, n] of updates) expect(o).toBe(n);
    expect(updates.map(([, n]) => n.metadata?.name).sort()).toEqual(['a', 'b']);
    expect(updates[0]?.[0]).toBe(inf.lister.get(keyOf(updates[0]![0])));
  });
});

describe('errors, resume and relist', () => {
  it('resumes a failed watch from the last revision it saw: nothing lost, nothing repeated', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'a' }));
    const log: string[] = [];
    const inf = start(lw, {}, recorder(log));
    await inf.waitForSync();
    await waitFor(() => lw.liveWatches === 1);
    lw.create(newPod({ name: 'b' }));
    await waitFor(() => log.length === 2);
    lw.hideLive = true;
    lw.create(newPod({ name: 'c' })); // never reaches the broken watch
    lw.breakWatches(new Error('connection reset'));
    lw.hideLive = false;
    lw.watchErrors = [new Error('still down'), new Error('still down')];
    lw.create(newPod({ name: 'd' }));
    await waitFor(() => log.length === 4, { desc: 'c and d after the resume' });
    expect(log).toEqual(['add default/a@101 initial', 'add default/b@102', 'add default/c@103', 'add default/d@104']);
    expect(lw.watchCalls).toEqual(['101', '102', '102', '102']);
    expect(lw.listCalls).toBe(1);
  });

  it('resumes a watch that ended cleanly without relisting', async () => {
    const lw = new FakeListWatch<Pod>();
    const log: string[] = [];
    const inf = start(lw, {}, recorder(log));
    await inf.waitForSync();
    await waitFor(() => lw.liveWatches === 1);
    lw.create(newPod({ name: 'a' }));
    await waitFor(() => log.length === 1);
    lw.endWatches();
    await waitFor(() => lw.liveWatches === 1);
    lw.create(newPod({ name: 'b' }));
    await waitFor(() => log.length === 2);
    expect(lw.watchCalls).toEqual(['100', '101']);
    expect(lw.listCalls).toBe(1);
  });

  it('moves its resume point with bookmarks', async () => {
    const lw = new FakeListWatch<Pod>();
    const inf = start(lw);
    await inf.waitForSync();
    await waitFor(() => lw.liveWatches === 1);
    lw.unrelatedWrite();
    lw.unrelatedWrite();
    lw.bookmark();
    await waitFor(() => inf.lastSyncResourceVersion() === '102');
    lw.compact(); // the old revision is gone, the bookmarked one is not
    lw.breakWatches(new Error('blip'));
    await waitFor(() => lw.watchCalls.length === 2);
    expect(lw.watchCalls).toEqual(['100', '102']);
    expect(lw.listCalls).toBe(1);
  });

  it.each([
    { label: 'WatchExpiredError from NATS', err: () => new WatchExpiredError(1, 2) },
    { label: '410 Expired from the apiserver', err: () => newResourceExpired('too old resource version: 1 (2)') },
  ])('relists after $label on a running watch and delivers only the differences', async ({ err }) => {
    const lw = new FakeListWatch<Pod>();
    const same = lw.create(newPod({ name: 'same' }));
    const changed = lw.create(newPod({ name: 'changed' }));
    lw.create(newPod({ name: 'gone' }));
    const log: string[] = [];
    const inf = start(lw, {}, recorder(log));
    await inf.waitForSync();
    const sameBefore = inf.lister.get('default/same');
    await waitFor(() => lw.liveWatches === 1);
    // Changes the informer never sees as events.
    lw.hideLive = true;
    lw.update({ ...changed, metadata: { ...changed.metadata, labels: { v: '2' } } });
    lw.remove('default/gone');
    lw.create(newPod({ name: 'new' }));
    lw.breakWatches(err());
    lw.hideLive = false;
    await waitFor(() => log.length === 6, { desc: 'relist differences' });
    expect(log.slice(3)).toEqual(['delete-unknown default/gone@103', 'update default/changed@102->104', 'add default/new@106']);
    expect(lw.listCalls).toBe(2);
    expect(inf.lister.get('default/same')).toBe(sameBefore);
    expect(same.metadata?.resourceVersion).toBe('101');
    // Watching again from the new list's revision.
    await waitFor(() => lw.watchCalls.at(-1) === '106');
    lw.create(newPod({ name: 'after' }));
    await waitFor(() => log.length === 7);
    expect(log[6]).toBe('add default/after@107');
  });

  it('relists when resuming finds its revision compacted away', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'a' }));
    const log: string[] = [];
    const metas: EventMeta[] = [];
    const inf = start(lw, {}, recorder(log, metas));
    await inf.waitForSync();
    await waitFor(() => lw.liveWatches === 1);
    lw.hideLive = true;
    lw.remove('default/a');
    lw.create(newPod({ name: 'b' }));
    lw.compact();
    lw.breakWatches(new Error('NATS restarting'));
    lw.hideLive = false;
    await waitFor(() => log.length === 3);
    expect(log).toEqual(['add default/a@101 initial', 'delete-unknown default/a@101', 'add default/b@103']);
    expect(metas[1]).toEqual({ revision: '103' });
    expect(lw.watchCalls).toEqual(['101', '101', '103']);
  });

  it('relists when a watch event cannot be decoded', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'a' }));
    const inf = start(lw);
    await inf.waitForSync();
    await waitFor(() => lw.liveWatches === 1);
    lw.breakWatches(new InformerDecodeError('bad JSON'));
    await waitFor(() => lw.listCalls === 2);
    expect(inf.hasSynced()).toBe(true);
  });

  it('retries a failing list with backoff and reports the errors', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'a' }));
    lw.listErrors = [new Error('unavailable'), new Error('unavailable'), new Error('unavailable')];
    const errors: unknown[] = [];
    const relists: string[] = [];
    const inf = start(lw, { metrics: { watchError: (_n, e) => void errors.push(e), relist: (_n, r) => void relists.push(r) } });
    expect(await inf.waitForSync()).toBe(true);
    expect(lw.listCalls).toBe(4);
    expect(errors).toHaveLength(3);
    expect(relists).toEqual(['initial', 'error', 'error', 'error']);
  });

  it('stops promptly while waiting out a long backoff, and calls no handler afterwards', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.listErrors = [new Error('down')];
    const log: string[] = [];
    const inf = start(lw, { backoff: { initialMs: 60_000, maxMs: 60_000 } }, recorder(log));
    await waitFor(() => lw.listCalls === 1);
    const t0 = Date.now();
    await inf.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    lw.create(newPod({ name: 'a' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual([]);
    expect(inf.isStopped()).toBe(true);
  });
});

describe('selectors and indexes', () => {
  it('turns objects entering and leaving a label selector into adds and deletes', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'in', labels: { app: 'web' } }));
    const out = lw.create(newPod({ name: 'out', labels: { app: 'db' } }));
    // The real list is filtered by the server; the fake returns everything and the informer filters too.
    const log: string[] = [];
    const inf = start(lw, { labelSelector: 'app=web' }, recorder(log));
    await inf.waitForSync();
    await waitFor(() => lw.liveWatches === 1);
    const enter = lw.update({ ...out, metadata: { ...out.metadata, labels: { app: 'web' } } });
    lw.update({ ...enter, metadata: { ...enter.metadata, labels: { app: 'db', v: '2' } } });
    lw.remove('default/out');
    lw.create(newPod({ name: 'other', labels: { app: 'db' } }));
    lw.remove('default/in');
    await waitFor(() => log.length === 4);
    expect(log).toEqual(['add default/in@101 initial', 'add default/out@103', 'delete default/out@104', 'delete default/in@107']);
    expect(inf.lister.list()).toEqual([]);
  });

  it('filters by field selector and indexes pods by node', async () => {
    const lw = new FakeListWatch<Pod>();
    lw.create(newPod({ name: 'p1', nodeName: 'node-1' }));
    lw.create(newPod({ name: 'p2', nodeName: 'node-2' }));
    const unbound = lw.create(newPod({ name: 'p3' }));
    const inf = start(lw, { fieldSelector: 'spec.nodeName!=node-2', indexers: { [NODE_NAME_INDEX]: nodeNameIndexFunc } });
    await inf.waitForSync();
    expect(inf.lister.list().map((p) => p.metadata?.name).sort()).toEqual(['p1', 'p3']);
    expect(inf.lister.byIndex(NODE_NAME_INDEX, 'node-1').map((p) => p.metadata?.name)).toEqual(['p1']);
    await waitFor(() => lw.liveWatches === 1);
    lw.update({ ...unbound, spec: { ...unbound.spec!, nodeName: 'node-1' } });
    await waitFor(() => inf.lister.byIndex(NODE_NAME_INDEX, 'node-1').length === 2);
    expect(inf.lister.byIndex('namespace', 'default')).toHaveLength(2);
  });
});
