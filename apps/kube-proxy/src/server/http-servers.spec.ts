import { FakeClock } from '@k8ts/testing';
import { startHealthServer, startMetricsServer, type HttpServer } from './http-servers';
import { ProxyMetrics } from './metrics';
import { ProxierHealth } from './proxier-health';

describe('health and metrics servers', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const health = new ProxierHealth(60_000, clock);
  const metrics = new ProxyMetrics({ defaultMetrics: false });
  let healthz: HttpServer;
  let metricsz: HttpServer;
  beforeAll(async () => {
    healthz = await startHealthServer('127.0.0.1:0', health);
    metricsz = await startMetricsServer('127.0.0.1:0', metrics);
  });
  afterAll(async () => {
    await healthz.close();
    await metricsz.close();
  });

  it.each([
    { desc: 'before the first sync', act: () => undefined, status: 503, body: { lastUpdated: '', currentTime: '2026-01-01T00:00:00.000Z', reason: 'proxy rules not synced yet' } },
    { desc: 'after a sync', act: () => health.updated(), status: 200, body: { lastUpdated: '2026-01-01T00:00:00.000Z', currentTime: '2026-01-01T00:00:00.000Z' } },
    {
      desc: 'a change queued longer than the timeout',
      act: () => {
        health.queuedUpdate();
        clock.advance(60_001);
      },
      status: 503,
      body: { lastUpdated: '2026-01-01T00:00:00.000Z', currentTime: '2026-01-01T00:01:00.001Z', reason: 'a change has waited 60001ms to be synced' },
    },
  ])('/healthz and /livez: $desc', async ({ act, status, body }) => {
    act();
    for (const path of ['/healthz', '/livez']) {
      const res = await fetch(`http://127.0.0.1:${healthz.port}${path}`);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual(body);
    }
  });

  it.each([
    { path: '/metrics', status: 200, match: /kubeproxy_sync_proxy_rules_duration_seconds_bucket/ },
    { path: '/proxyMode', status: 200, match: /^userspace$/ },
    { path: '/nope', status: 404, match: /not found/ },
  ])('metrics server $path', async ({ path, status, match }) => {
    const res = await fetch(`http://127.0.0.1:${metricsz.port}${path}`);
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(match);
  });
});
