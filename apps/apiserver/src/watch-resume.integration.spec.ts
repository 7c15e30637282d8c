// Watch guarantees across restarts, on real processes: list at R, then every
// later change with no gap or duplicate across an apiserver kill and a NATS
// restart; Expired once R has been compacted away.
import type { Pod } from '@k8ts/api';
import { isResourceExpired, StatusError } from '@k8ts/apimachinery';
import type { ResourceWatch, WatchEvent } from '@k8ts/client';
import { newPod, waitFor } from '@k8ts/testing';
import { type ApiServerFixture, startApiServerFixture } from './testing/apiserver-fixture';

jest.setTimeout(90_000);

/** Reads events until `n` non-bookmark events arrived or the deadline passed. */
async function read(watch: ResourceWatch<Pod>, n: number, timeoutMs = 15_000): Promise<WatchEvent<Pod>[]> {
  const out: WatchEvent<Pod>[] = [];
  const it = watch[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      it.next(),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') throw new Error(`timed out with ${out.length}/${n} events`);
    if (next.done) break;
    if (next.value.type !== 'BOOKMARK') out.push(next.value);
  }
  return out;
}

describe('watch across restarts', () => {
  let fx: ApiServerFixture;
  beforeAll(async () => {
    fx = await startApiServerFixture();
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('resumes after an apiserver kill -9 with nothing missed and nothing repeated', async () => {
    const pods = fx.client.pods;
    await pods.create(newPod({ name: 'before' }));
    const listed = await pods.list({ namespace: 'default' });
    const w1 = pods.watch({ namespace: 'default', resourceVersion: listed.resourceVersion });
    await pods.create(newPod({ name: 'one' }));
    const [first] = await read(w1, 1);
    expect(first?.object.metadata?.name).toBe('one');
    const lastSeen = first?.resourceVersion ?? '';

    await fx.restartApiServer('SIGKILL');
    await expect(read(w1, 1, 10_000)).rejects.toBeDefined();
    w1.stop();

    // More writes after the restart; a second writer path (update + delete).
    const two = await pods.create(newPod({ name: 'two' }));
    await pods.update({ ...two, metadata: { ...two.metadata, labels: { app: 'web', v: '2' } } });
    await pods.delete('default', 'one');
    const w2 = pods.watch({ namespace: 'default', resourceVersion: lastSeen });
    const events = await read(w2, 3);
    w2.stop();
    expect(events.map((e) => [e.type, e.object.metadata?.name])).toEqual([
      ['ADDED', 'two'],
      ['MODIFIED', 'two'],
      ['DELETED', 'one'],
    ]);
    const revs = events.map((e) => Number(e.resourceVersion));
    expect([...revs].sort((a, b) => a - b)).toEqual(revs);
    expect(revs[0]).toBeGreaterThan(Number(lastSeen));
  });

  it('keeps objects and serves watches across a NATS restart', async () => {
    const pods = fx.client.pods;
    const before = await pods.create(newPod({ name: 'survivor' }));
    await fx.nats.restart();
    await waitFor(
      async () => {
        try {
          return (await pods.get('default', 'survivor')).metadata?.uid === before.metadata?.uid;
        } catch {
          return false;
        }
      },
      { timeoutMs: 20_000, desc: 'object readable after NATS restart' },
    );
    const w = pods.watch({ namespace: 'default', resourceVersion: before.metadata?.resourceVersion });
    await waitFor(
      async () => {
        try {
          await pods.create(newPod({ name: 'after-nats' }));
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 20_000, desc: 'writes accepted after NATS restart' },
    );
    const [ev] = await read(w, 1);
    w.stop();
    expect(ev?.object.metadata?.name).toBe('after-nats');
  });
});

describe('retention', () => {
  let fx: ApiServerFixture;
  beforeAll(async () => {
    fx = await startApiServerFixture({ extraArgs: ['--compaction-interval-seconds', '1'] });
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('answers Expired (OUT_OF_RANGE) for a revision that was compacted away', async () => {
    const pods = fx.client.pods;
    const old = await pods.create(newPod({ name: 'old' }));
    let cur = old;
    for (let i = 0; i < 5; i++) cur = await pods.update({ ...cur, metadata: { ...cur.metadata, labels: { v: String(i) } } });
    let err: unknown;
    await waitFor(
      async () => {
        const w = pods.watch({ namespace: 'default', resourceVersion: old.metadata?.resourceVersion });
        try {
          await read(w, 1, 2000);
          return false;
        } catch (e) {
          err = e;
          return isResourceExpired(e);
        } finally {
          w.stop();
        }
      },
      { timeoutMs: 20_000, intervalMs: 500, desc: 'watch from a compacted revision is Expired' },
    );
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status.code).toBe(410);
    // The current state is intact.
    expect((await pods.get('default', 'old')).metadata?.labels).toEqual({ v: '4' });
  });
});
