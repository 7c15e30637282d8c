// Informers of @k8ts/client against the real apiserver process and a real
// nats-server: list through gRPC, watch through NATS (and through gRPC), and
// no event lost across an apiserver kill -9 or a NATS restart; a watch whose
// revision was compacted away relists and delivers only the differences;
// label-selector informers see objects enter and leave.
import type { Pod } from '@k8ts/api';
import { isAlreadyExists } from '@k8ts/apimachinery';
import {
  createInformer,
  DeletedFinalStateUnknown,
  type InformerWatch,
  type ListWatch,
  natsListWatch,
  type ResourceEventHandler,
  SharedInformer,
  SharedInformerFactory,
  silentInformerLogger,
  type WatchVia,
} from '@k8ts/client';
import { isWatchExpiredError, resourceWildcard, watchStream } from '@k8ts/eventbus';
import { newNamespace, newPod, waitFor } from '@k8ts/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type ApiServerFixture, startApiServerFixture } from './testing/apiserver-fixture';

jest.setTimeout(120_000);

/** Records handler calls as "add name", "update name", "delete name", "delete-unknown name". */
class Recorder implements ResourceEventHandler<Pod> {
  readonly events: string[] = [];
  readonly revisions: number[] = [];
  onAdd(p: Pod): void {
    this.push(`add ${p.metadata?.name}`, p);
  }
  onUpdate(_old: Pod, p: Pod): void {
    this.push(`update ${p.metadata?.name}`, p);
  }
  onDelete(p: Pod | DeletedFinalStateUnknown<Pod>): void {
    if (p instanceof DeletedFinalStateUnknown) this.events.push(`delete-unknown ${p.obj.metadata?.name}`);
    else this.push(`delete ${p.metadata?.name}`, p);
  }
  private push(e: string, p: Pod): void {
    this.events.push(e);
    this.revisions.push(Number(p.metadata?.resourceVersion));
  }
}

const informers: SharedInformer<Pod>[] = [];
const connections: NatsConnection[] = [];

afterEach(async () => {
  await Promise.all(informers.splice(0).map((i) => i.stop()));
});

afterAll(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close().catch(() => undefined)));
});

async function natsFor(fx: ApiServerFixture): Promise<NatsConnection> {
  const nc = await connect({ servers: fx.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  connections.push(nc);
  return nc;
}

/** Starts a pod informer in one namespace and waits for its cache. */
async function startPodInformer(fx: ApiServerFixture, nc: NatsConnection, namespace: string, watchVia: WatchVia, labelSelector?: string) {
  const rec = new Recorder();
  const informer = createInformer(fx.client.pods, {
    nc,
    watchVia,
    namespace,
    labelSelector,
    freezeObjects: true,
    logger: silentInformerLogger,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  informer.addEventHandler(rec);
  informers.push(informer);
  informer.run();
  expect(await informer.waitForSync()).toBe(true);
  return { informer, rec };
}

/** Retries a write until the apiserver takes it (it may be restarting); an earlier attempt that did commit counts. */
async function eventually<T>(desc: string, write: () => Promise<T>, ifExists?: () => Promise<T>): Promise<T> {
  return waitFor(
    async () => {
      try {
        return await write();
      } catch (err) {
        if (ifExists && isAlreadyExists(err)) return ifExists();
        throw err;
      }
    },
    { timeoutMs: 30_000, intervalMs: 200, desc },
  );
}

function labelled(p: Pod, labels: Record<string, string>): Pod {
  return { ...p, metadata: { ...p.metadata, labels } };
}

describe('informers on a live apiserver', () => {
  let fx: ApiServerFixture;
  let nc: NatsConnection;
  beforeAll(async () => {
    fx = await startApiServerFixture();
    nc = await natsFor(fx);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('sees adds, updates and deletes, watching through NATS and through gRPC alike', async () => {
    const ns = 'inf-basic';
    await fx.client.namespaces.create(newNamespace(ns));
    await fx.client.pods.create(newPod({ name: 'before', namespace: ns }));
    const viaNats = await startPodInformer(fx, nc, ns, 'nats');
    const viaGrpc = await startPodInformer(fx, nc, ns, 'grpc');
    const a = await fx.client.pods.create(newPod({ name: 'a', namespace: ns }));
    await fx.client.pods.update(labelled(a, { app: 'web', v: '2' }));
    await fx.client.pods.delete(ns, 'a');
    const expected = ['add before', 'add a', 'update a', 'delete a'];
    for (const { rec, informer } of [viaNats, viaGrpc]) {
      await waitFor(() => rec.events.length >= expected.length, { timeoutMs: 10_000, desc: `${expected.length} events` });
      expect(rec.events).toEqual(expected);
      expect(informer.lister.list().map((p) => p.metadata?.name)).toEqual(['before']);
    }
    expect(viaNats.rec.revisions).toEqual(viaGrpc.rec.revisions);
  });

  it('loses no event across an apiserver kill -9 and restart', async () => {
    const ns = 'inf-apiserver-kill';
    await fx.client.namespaces.create(newNamespace(ns));
    const viaNats = await startPodInformer(fx, nc, ns, 'nats');
    const viaGrpc = await startPodInformer(fx, nc, ns, 'grpc');
    await fx.client.pods.create(newPod({ name: 'p1', namespace: ns }));
    await waitFor(() => viaNats.rec.events.length === 1 && viaGrpc.rec.events.length === 1, { desc: 'p1 seen' });

    await fx.restartApiServer('SIGKILL');
    const p2 = await eventually('create p2', () => fx.client.pods.create(newPod({ name: 'p2', namespace: ns })), () => fx.client.pods.get(ns, 'p2'));
    await eventually('update p2', () => fx.client.pods.update(labelled(p2, { app: 'web', v: '2' })));
    await eventually('delete p1', () => fx.client.pods.delete(ns, 'p1'));
    await eventually('create p3', () => fx.client.pods.create(newPod({ name: 'p3', namespace: ns })), () => fx.client.pods.get(ns, 'p3'));

    const expected = ['add p1', 'add p2', 'update p2', 'delete p1', 'add p3'];
    for (const { rec, informer } of [viaNats, viaGrpc]) {
      await waitFor(() => rec.events.length >= expected.length, { timeoutMs: 30_000, desc: 'every event after the restart' });
      await new Promise((r) => setTimeout(r, 200));
      expect(rec.events).toEqual(expected);
      expect([...rec.revisions].sort((x, y) => x - y)).toEqual(rec.revisions);
      expect(new Set(rec.revisions).size).toBe(rec.revisions.length);
      expect(informer.lister.list().map((p) => p.metadata?.name).sort()).toEqual(['p2', 'p3']);
    }
  });

  it('loses no event across a NATS restart', async () => {
    const ns = 'inf-nats-restart';
    await fx.client.namespaces.create(newNamespace(ns));
    const viaNats = await startPodInformer(fx, nc, ns, 'nats');
    const viaGrpc = await startPodInformer(fx, nc, ns, 'grpc');
    const q1 = await fx.client.pods.create(newPod({ name: 'q1', namespace: ns }));
    await waitFor(() => viaNats.rec.events.length === 1 && viaGrpc.rec.events.length === 1, { desc: 'q1 seen' });

    await fx.nats.restart();
    await eventually('create q2', () => fx.client.pods.create(newPod({ name: 'q2', namespace: ns })), () => fx.client.pods.get(ns, 'q2'));
    await eventually('update q1', async () => fx.client.pods.update(labelled(await fx.client.pods.get(ns, 'q1'), { app: 'web', v: '2' })));
    await eventually('delete q2', () => fx.client.pods.delete(ns, 'q2'));
    expect(q1.metadata?.name).toBe('q1');

    const expected = ['add q1', 'add q2', 'update q1', 'delete q2'];
    for (const { rec, informer } of [viaNats, viaGrpc]) {
      await waitFor(() => rec.events.length >= expected.length, { timeoutMs: 40_000, desc: 'every event after the NATS restart' });
      await new Promise((r) => setTimeout(r, 200));
      expect(rec.events).toEqual(expected);
      expect(new Set(rec.revisions).size).toBe(rec.revisions.length);
      expect(informer.lister.list().map((p) => p.metadata?.name)).toEqual(['q1']);
    }
  });

  it('turns pods entering and leaving a label selector into adds and deletes', async () => {
    const ns = 'inf-labels';
    await fx.client.namespaces.create(newNamespace(ns));
    const w1 = await fx.client.pods.create(newPod({ name: 'w1', namespace: ns, labels: { app: 'web' } }));
    const d1 = await fx.client.pods.create(newPod({ name: 'd1', namespace: ns, labels: { app: 'db' } }));
    const viaNats = await startPodInformer(fx, nc, ns, 'nats', 'app=web');
    const viaGrpc = await startPodInformer(fx, nc, ns, 'grpc', 'app=web');
    await fx.client.pods.update(labelled(d1, { app: 'web' }));
    await fx.client.pods.update(labelled(w1, { app: 'db' }));
    await fx.client.pods.create(newPod({ name: 'd2', namespace: ns, labels: { app: 'db' } }));
    await fx.client.pods.delete(ns, 'd1');
    await fx.client.pods.delete(ns, 'w1');
    const expected = ['add w1', 'add d1', 'delete w1', 'delete d1'];
    for (const { rec, informer } of [viaNats, viaGrpc]) {
      await waitFor(() => rec.events.length >= expected.length, { timeoutMs: 10_000, desc: 'selector transitions' });
      await new Promise((r) => setTimeout(r, 200));
      expect(rec.events).toEqual(expected);
      expect(informer.lister.list()).toEqual([]);
    }
  });

  it('shares informers through the factory', async () => {
    const ns = 'inf-factory';
    await fx.client.namespaces.create(newNamespace(ns));
    await fx.client.pods.create(newPod({ name: 'f1', namespace: ns }));
    const factory = new SharedInformerFactory(fx.client, nc, { namespace: ns, logger: silentInformerLogger });
    const pods = factory.informerFor('pods');
    expect(factory.informerFor('po')).toBe(pods);
    const keys: string[] = [];
    pods.addEventHandler({ onAdd: (p) => void keys.push(`${p.metadata?.namespace}/${p.metadata?.name}`) });
    const ac = new AbortController();
    factory.start(ac.signal);
    expect(await factory.waitForCacheSync()).toEqual({ pods: true });
    await fx.client.pods.create(newPod({ name: 'f2', namespace: ns }));
    await waitFor(() => keys.length === 2);
    expect(keys).toEqual([`${ns}/f1`, `${ns}/f2`]);
    ac.abort();
    await factory.stop();
  });
});

describe('informers and compaction', () => {
  let fx: ApiServerFixture;
  let nc: NatsConnection;
  beforeAll(async () => {
    fx = await startApiServerFixture({ extraArgs: ['--compaction-interval-seconds', '1'] });
    nc = await natsFor(fx);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('relists when its revision was compacted away, delivering only the differences', async () => {
    const ns = 'inf-compaction';
    await fx.client.namespaces.create(newNamespace(ns));
    const pods = fx.client.pods;
    await pods.create(newPod({ name: 'same', namespace: ns }));
    const changed = await pods.create(newPod({ name: 'changed', namespace: ns }));
    await pods.create(newPod({ name: 'gone', namespace: ns }));

    // The NATS list/watch, with a switch that cuts the informer off (a partition).
    const base = natsListWatch(pods, nc, { namespace: ns, compactionCheckIntervalMs: 200 });
    let cut = false;
    let current: InformerWatch<Pod> | undefined;
    const watchedFrom: string[] = [];
    const lw: ListWatch<Pod> = {
      list: (signal) => base.list(signal),
      watch: async (rv, signal) => {
        watchedFrom.push(rv);
        if (cut) throw new Error('partitioned');
        current = await base.watch(rv, signal);
        return current;
      },
    };
    const relists: string[] = [];
    const informer = new SharedInformer<Pod>(lw, {
      name: 'pods',
      freezeObjects: true,
      logger: silentInformerLogger,
      backoff: { initialMs: 100, maxMs: 300 },
      metrics: { relist: (_n, reason) => void relists.push(reason) },
    });
    informers.push(informer);
    const rec = new Recorder();
    informer.addEventHandler(rec);
    informer.run();
    await informer.waitForSync();
    expect(rec.events.sort()).toEqual(['add changed', 'add gone', 'add same']);
    const sameBefore = informer.lister.getByName(ns, 'same');

    await waitFor(() => current !== undefined, { desc: 'the watch is running' });
    cut = true;
    (current as InformerWatch<Pod> | undefined)?.stop();
    await new Promise((r) => setTimeout(r, 50));
    const resumeFrom = Number(informer.lastSyncResourceVersion());
    await pods.update(labelled(changed, { app: 'web', v: '2' }));
    await pods.delete(ns, 'gone');
    await pods.create(newPod({ name: 'new', namespace: ns }));
    // Wait until compaction has passed the informer's revision.
    await waitFor(
      async () => {
        try {
          const w = await watchStream(nc, { filter: resourceWildcard('pods', ns), fromRevision: resumeFrom });
          w.stop();
          return false;
        } catch (err) {
          return isWatchExpiredError(err);
        }
      },
      { timeoutMs: 30_000, intervalMs: 300, desc: `compaction past revision ${resumeFrom}` },
    );
    expect(Number(informer.lastSyncResourceVersion())).toBe(resumeFrom);
    rec.events.splice(0);
    cut = false;

    await waitFor(() => rec.events.length >= 3, { timeoutMs: 20_000, desc: 'the differences after the relist' });
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.events).toEqual(['delete-unknown gone', 'update changed', 'add new']);
    expect(relists).toEqual(['initial', 'expired']);
    expect(informer.lister.getByName(ns, 'same')).toBe(sameBefore);
    expect(informer.lister.list().map((p) => p.metadata?.name).sort()).toEqual(['changed', 'new', 'same']);

    // And it watches again from the new list's revision.
    await pods.delete(ns, 'new');
    await waitFor(() => rec.events.length === 4, { timeoutMs: 10_000 });
    expect(rec.events[3]).toBe('delete new');
    expect(watchedFrom).toContain(String(resumeFrom));
  });
});
