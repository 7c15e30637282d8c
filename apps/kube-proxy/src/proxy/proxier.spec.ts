// The Proxier's loop: handlers → runner → syncProxyRules, health, metrics
// and the sync span, with a fake clock and the FakeDataplane.
import { FakeClock } from '@k8ts/testing';
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { FakeDataplane } from '../dataplane/fake-dataplane';
import { ProxyMetrics } from '../server/metrics';
import { ProxierHealth } from '../server/proxier-health';
import { slice, svc } from '../testing/objects';
import { LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from './endpoints-change-tracker';
import { Proxier, SYNC_SPAN_NAME } from './proxier';

const tp = (n: number) => ({ traceparent: `00-${String(n).padStart(32, '0')}-${String(n).padStart(16, '0')}-01` });

function setup(syncPeriodMs = 1000) {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const rc = { now: () => clock.now(), setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, ms), clearTimeout: (h: unknown) => clock.clearTimeout(h as number) };
  const dataplane = new FakeDataplane();
  const metrics = new ProxyMetrics({ defaultMetrics: false });
  const health = new ProxierHealth(2000, rc);
  const proxier = new Proxier({ dataplane, nodeIPs: ['127.10.0.20'], nodeNames: ['node-20'], minSyncPeriodMs: 100, syncPeriodMs, clock: rc, metrics, health });
  return { clock, dataplane, metrics, health, proxier };
}

describe('Proxier', () => {
  let tracing: TestTracing;
  beforeAll(() => (tracing = startTestTracing()));
  afterAll(() => tracing.shutdown());
  beforeEach(() => tracing.reset());

  it('syncs only after both informers synced, then on changes, rate-limited', async () => {
    const { clock, dataplane, proxier } = setup();
    proxier.onServiceAdd(svc());
    await clock.advanceAsync(500);
    expect(dataplane.applies).toBe(0);
    proxier.onServicesSynced();
    await clock.advanceAsync(500);
    expect(dataplane.applies).toBe(0);
    proxier.onEndpointSlicesSynced();
    await clock.advanceAsync(0);
    expect(dataplane.summary()).toEqual(['TCP/127.100.0.10:80 ClusterIP reject']);
    proxier.onEndpointSliceAdd(slice({ endpoints: ['127.244.20.1'] }), false);
    proxier.onEndpointSliceUpdate(slice(), slice({ endpoints: ['127.244.20.2'] }));
    await clock.advanceAsync(0);
    expect(proxier.syncCount()).toBe(2); // burst of 2
    proxier.onEndpointSliceUpdate(slice(), slice({ endpoints: ['127.244.20.3'] }));
    await clock.advanceAsync(10);
    expect(proxier.syncCount()).toBe(2);
    await clock.advanceAsync(200);
    expect(proxier.syncCount()).toBe(3);
    expect(dataplane.summary()).toEqual(['TCP/127.100.0.10:80 ClusterIP forward 127.244.20.3:8080']);
    await proxier.stop();
  });

  it('health: 503 before the first sync and when a change waits too long; 200 otherwise', async () => {
    const { clock, health, proxier } = setup();
    expect(health.status()).toMatchObject({ healthy: false, reason: expect.stringMatching(/not synced/) });
    proxier.onServicesSynced();
    proxier.onEndpointSlicesSynced();
    await clock.advanceAsync(0);
    expect(health.status().healthy).toBe(true);
    await proxier.stop(); // nothing syncs any more
    proxier.onServiceAdd(svc());
    clock.advance(1500);
    expect(health.status().healthy).toBe(true);
    clock.advance(600);
    expect(health.status()).toMatchObject({ healthy: false, reason: expect.stringMatching(/waited/) });
  });

  it('records the network programming latency from the trigger-time annotation, and sync metrics', async () => {
    const { clock, metrics, proxier } = setup();
    proxier.onServicesSynced();
    proxier.onEndpointSlicesSynced();
    await clock.advanceAsync(0);
    proxier.onServiceAdd(svc());
    await clock.advanceAsync(1000);
    const changed = new Date(clock.now() - 300).toISOString();
    proxier.onEndpointSliceAdd(slice({ endpoints: ['127.244.20.1'], annotations: { [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: changed } }), false);
    await clock.advanceAsync(0);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/kubeproxy_network_programming_duration_seconds_count 1/);
    expect(text).toMatch(/kubeproxy_network_programming_duration_seconds_sum 0\.3\b/);
    expect(text).toMatch(/kubeproxy_sync_proxy_rules_duration_seconds_count [1-9]/);
    expect(text).toMatch(new RegExp(`kubeproxy_sync_proxy_rules_last_timestamp_seconds ${clock.now() / 1000}`));
    expect(text).toMatch(/k8ts_proxy_rules\{action="forward"\} 1/);
    await proxier.stop();
  });

  it('retries rules the dataplane could not serve with a growing delay', async () => {
    const { clock, dataplane, proxier } = setup(60_000);
    dataplane.failing.add('TCP/127.100.0.10:80');
    proxier.onServiceAdd(svc());
    proxier.onServicesSynced();
    proxier.onEndpointSlicesSynced();
    await clock.advanceAsync(0);
    expect(dataplane.applies).toBe(1);
    await clock.advanceAsync(999);
    expect(dataplane.applies).toBe(1);
    await clock.advanceAsync(1);
    expect(dataplane.applies).toBe(2); // after 1s
    await clock.advanceAsync(1999);
    expect(dataplane.applies).toBe(2);
    dataplane.failing.clear();
    await clock.advanceAsync(1);
    expect(dataplane.applies).toBe(3); // after 2s more
    expect(dataplane.summary()).toEqual(['TCP/127.100.0.10:80 ClusterIP reject']);
    await clock.advanceAsync(5000);
    expect(dataplane.applies).toBe(3); // served: no more retries (periodic syncs change nothing)
    await proxier.stop();
  });

  it('traces each sync: the child of a single event, linked to every event of a batch', async () => {
    const { clock, proxier } = setup();
    proxier.onServiceAdd(svc({ name: 'a' }), { revision: '1', trace: tp(1) });
    proxier.onServicesSynced();
    proxier.onEndpointSlicesSynced();
    await clock.advanceAsync(0);
    await clock.advanceAsync(500);
    proxier.onServiceAdd(svc({ name: 'b', clusterIP: '127.100.0.11' }), { revision: '2', trace: tp(2) });
    proxier.onServiceAdd(svc({ name: 'c', clusterIP: '127.100.0.12' }), { revision: '3', trace: tp(3) });
    await clock.advanceAsync(0);
    await proxier.stop();
    const spans = tracing.spans().filter((s) => s.name === SYNC_SPAN_NAME);
    expect(spans).toHaveLength(2);
    expect(spans[0]?.spanContext().traceId).toBe(tp(1).traceparent.split('-')[1]);
    expect(spans[1]?.links.map((l) => l.context.traceId)).toEqual([tp(2).traceparent.split('-')[1], tp(3).traceparent.split('-')[1]]);
    expect(spans[1]?.attributes).toMatchObject({ 'k8ts.sync.events': 2, 'k8ts.proxy.rules_added': 2 });
  });
});
