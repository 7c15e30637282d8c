// Trace continuity through the real apiserver and NATS into a kube-proxy
// running in this process (in-memory tracing): an EndpointSlice written
// inside a span is synced in a "kube-proxy sync rules" span that continues
// that trace, and an HTTP request carrying a traceparent through the
// ClusterIP gets a "kube-proxy proxy" span parented by the request.
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { waitFor } from '@k8ts/testing';
import { context, trace } from '@opentelemetry/api';
import pino from 'pino';
import { KubeProxyServer } from './app/kube-proxy-server';
import { parseConfig } from './config';
import { SYNC_SPAN_NAME } from './proxy/proxier';
import { endpointSlice, selectorless, startProxyCluster, TRACING_SERVICE_CIDR, type ProxyCluster } from './testing/cluster';
import { startNameServer, tcpRequest, type NameServer } from './testing/sockets';
import { PROXY_SPAN_NAME } from './userspace/tcp-proxy-port';

jest.setTimeout(90_000);

let c: ProxyCluster;
let tracing: TestTracing;
let server: KubeProxyServer;
let pod: NameServer;

beforeAll(async () => {
  c = await startProxyCluster({ serviceCIDR: TRACING_SERVICE_CIDR, withProxy: false });
  tracing = startTestTracing({ serviceName: 'kube-proxy' });
  const config = parseConfig(
    ['--api-address', c.grpcAddress, '--nats-url', c.nats.url, '--node-ip', '127.10.0.22', '--node-names', 'node-22', '--metrics-bind-address', '127.0.0.1:0', '--healthz-bind-address', '127.0.0.1:0', '--min-sync-period', '10ms'],
    {},
  );
  server = new KubeProxyServer(config, { logger: pino({ level: 'silent' }) });
  await server.start();
  await waitFor(() => server.health.status().healthy, { timeoutMs: 20_000, desc: 'first sync' });
  pod = await startNameServer('traced-pod', '127.244.22.5');
});

afterAll(async () => {
  await server?.stop();
  await pod?.close();
  await tracing?.shutdown();
  await c?.stop();
});

it('continues the slice writer’s trace in the sync span, and a request’s trace in the connection span', async () => {
  const svc = await c.client.services.create(selectorless('traced'));
  const ip = svc.spec?.clusterIP as string;
  const writer = tracing.tracer('test').startSpan('endpoints-controller write');
  await context.with(trace.setSpan(context.active(), writer), () => c.client.endpointSlices.create(endpointSlice('traced', [{ port: pod.port }], [{ ip: pod.ip, node: 'node-22' }])));
  writer.end();
  const sync = await waitFor(() => tracing.spans().find((s) => s.name === SYNC_SPAN_NAME && (s.spanContext().traceId === writer.spanContext().traceId || s.links.some((l) => l.context.traceId === writer.spanContext().traceId))), {
    timeoutMs: 20_000,
    desc: 'a sync span continuing the write',
  });
  expect(sync.attributes['k8ts.proxy.rules']).toBeGreaterThanOrEqual(1);

  const traceId = 'aa'.repeat(16);
  const parentSpanId = 'bb'.repeat(8);
  const answer = await waitFor(() => tcpRequest(ip, 80, `GET / HTTP/1.1\r\nHost: traced\r\ntraceparent: 00-${traceId}-${parentSpanId}-01\r\n\r\n`, 2000), { timeoutMs: 20_000, desc: 'ClusterIP serving' });
  expect(answer).toBe('traced-pod');
  const span = await waitFor(() => tracing.spans().find((s) => s.name === PROXY_SPAN_NAME && s.spanContext().traceId === traceId), { desc: 'the proxy span in the request trace' });
  expect(span.parentSpanContext?.spanId).toBe(parentSpanId);
  expect(span.attributes).toMatchObject({ 'k8s.service.name': 'traced', 'k8s.namespace.name': 'default', 'server.address': ip, 'server.port': 80, 'k8ts.endpoint': `${pod.ip}:${pod.port}` });
});
