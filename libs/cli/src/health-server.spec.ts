import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttpServer, listenHealthServer, type HealthChecks } from './health-server';

let server: Server | undefined;
afterEach(async () => {
  await closeHttpServer(server);
  server = undefined;
});

async function get(checks: HealthChecks, path: string): Promise<{ status: number; body: string; type: string | null }> {
  server = await listenHealthServer('127.0.0.1', 0, checks);
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

const metrics = { metrics: async () => 'up 1\n', contentType: 'text/plain; version=0.0.4' };

describe('listenHealthServer', () => {
  it.each([
    { desc: 'healthy', checks: {}, path: '/healthz', status: 200, body: 'ok' },
    { desc: 'livez is liveness too', checks: {}, path: '/livez', status: 200, body: 'ok' },
    { desc: 'unhealthy', checks: { healthz: () => 'leaderElection: lease expired' }, path: '/healthz', status: 500, body: 'leaderElection: lease expired\n' },
    { desc: 'not ready', checks: { readyz: () => 'informers not synced' }, path: '/readyz?verbose', status: 503, body: 'informers not synced\n' },
    { desc: 'ready', checks: { readyz: () => undefined }, path: '/readyz', status: 200, body: 'ok' },
    { desc: 'extra readiness paths', checks: { readyPaths: ['/readyz', '/ready'] }, path: '/ready', status: 200, body: 'ok' },
    { desc: 'metrics', checks: { metrics }, path: '/metrics', status: 200, body: 'up 1\n' },
    { desc: 'no registry: no metrics', checks: {}, path: '/metrics', status: 404, body: 'not found\n' },
    { desc: 'unknown path', checks: {}, path: '/nope', status: 404, body: 'not found\n' },
  ])('$desc', async ({ checks, path, status, body }) => {
    const res = await get(checks as HealthChecks, path);
    expect(res.status).toBe(status);
    expect(res.body).toBe(body);
  });

  it('answers 500 when the metrics registry fails', async () => {
    const res = await get({ metrics: { metrics: async () => Promise.reject(new Error('boom')), contentType: 'x' } }, '/metrics');
    expect(res).toMatchObject({ status: 500, body: 'boom' });
  });
});
