import type { EndpointSlice } from '@k8ts/api';
import { RateLimitingQueue } from '@k8ts/client';
import { FakeClock } from '@k8ts/testing';
import { FakeCluster } from '../testing/fake-cluster';
import { readyPods, testPod, testService } from '../testing/fixtures';
import { EndpointsController } from './endpoints-controller';
import type { SyncResult } from './sync-service';

function setup(extra: { batchPeriodMs?: number } = {}) {
  const clock = new FakeClock();
  const cluster = new FakeCluster({
    services: [testService({ name: 'svc-a', selector: { app: 'a' } }), testService({ name: 'svc-b', selector: { app: 'b' } })],
  });
  const queue = new RateLimitingQueue<string>({ clock });
  const synced: [string, SyncResult][] = [];
  const controller = new EndpointsController({ ...cluster.deps(), queue, onSynced: (k, r) => synced.push([k, r]), ...extra });
  return { clock, cluster, queue, controller, synced };
}

/** Takes every queued key (marking it done). */
async function drain(queue: RateLimitingQueue<string>): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const k = (await queue.get()) as string;
    keys.push(k);
    queue.done(k);
  }
  return keys.sort();
}

describe('EndpointsController handlers', () => {
  it.each<{ desc: string; act: (c: EndpointsController) => void; want: string[] }>([
    { desc: 'service add', act: (c) => c.onServiceAdd(testService({ name: 'x' })), want: ['default/x'] },
    { desc: 'service delete', act: (c) => c.onServiceDelete(testService({ name: 'x' })), want: ['default/x'] },
    { desc: 'pod add', act: (c) => c.onPodAdd(testPod({ labels: { app: 'a' } })), want: ['default/svc-a'] },
    { desc: 'pod delete', act: (c) => c.onPodDelete(testPod({ labels: { app: 'b' } })), want: ['default/svc-b'] },
    {
      desc: 'pod label change between Services',
      act: (c) => c.onPodUpdate(testPod({ labels: { app: 'a' }, resourceVersion: '1' }), testPod({ labels: { app: 'b' }, resourceVersion: '2' })),
      want: ['default/svc-a', 'default/svc-b'],
    },
    { desc: 'endpoints delete', act: (c) => c.onEndpointsDelete({ metadata: { name: 'svc-a', namespace: 'default' } }), want: ['default/svc-a'] },
  ])('$desc → $want', async ({ act, want }) => {
    const { controller, queue } = setup();
    act(controller);
    expect(await drain(queue)).toEqual(want);
  });

  it('pod changes wait for the batch period', async () => {
    const { controller, queue, clock } = setup({ batchPeriodMs: 500 });
    controller.onPodAdd(testPod({ labels: { app: 'a' } }));
    expect(queue.len()).toBe(0);
    clock.advance(500);
    expect(await drain(queue)).toEqual(['default/svc-a']);
  });

  it('slice events: echoes of own writes are ignored, foreign changes resync the Service after a delay', async () => {
    const { controller, queue, clock } = setup();
    const slice = (generation: number, managedBy = 'endpointslice-controller.k8s.io'): EndpointSlice => ({
      metadata: {
        name: 'svc-a-1',
        namespace: 'default',
        uid: 'u1',
        generation,
        labels: { 'kubernetes.io/service-name': 'svc-a', 'endpointslice.kubernetes.io/managed-by': managedBy },
      },
    });
    // Unknown slice: resync.
    controller.onEndpointSliceAdd(slice(1));
    clock.advance(1000);
    expect(await drain(queue)).toEqual(['default/svc-a']);
    // A slice managed by someone else: ignored.
    controller.onEndpointSliceAdd(slice(1, 'other'));
    clock.advance(1000);
    expect(await drain(queue)).toEqual([]);
  });

  it('slice events echoing the controller’s own writes do not resync; a foreign delete does', async () => {
    const { controller, queue, clock, cluster } = setup();
    await controller.sync('default/svc-a');
    const [own] = cluster.slicesOf('svc-a');
    controller.onEndpointSliceAdd(own);
    controller.onEndpointSliceUpdate(own, own);
    clock.advance(1000);
    expect(await drain(queue)).toEqual([]);
    controller.onEndpointSliceDelete(own);
    clock.advance(1000);
    expect(await drain(queue)).toEqual(['default/svc-a']);
  });
});

describe('EndpointsController workers', () => {
  it('run() syncs queued Services until stopped', async () => {
    const { controller, cluster, synced } = setup();
    for (const p of readyPods(3, { labels: { app: 'a' } })) cluster.putPod(p);
    const stop = controller.run(2);
    controller.onServiceAdd(testService({ name: 'svc-a', selector: { app: 'a' } }));
    controller.onServiceAdd(testService({ name: 'svc-b', selector: { app: 'b' } }));
    for (let i = 0; i < 50 && synced.length < 2; i++) await new Promise((r) => setImmediate(r));
    await stop();
    expect(synced.map(([k]) => k).sort()).toEqual(['default/svc-a', 'default/svc-b']);
    expect(cluster.slicesOf('svc-a').flatMap((s) => s.endpoints ?? [])).toHaveLength(3);
    expect(cluster.endpointsOf('svc-b')?.subsets).toEqual([]);
  });
});
