// Trace continuity through the real apiserver and NATS: a pod status write
// made inside a span reaches the controller (in this process, with in-memory
// tracing) as an informer event carrying the write's trace context, and the
// sync it causes is a child of that span.
import type { Pod } from '@k8ts/api';
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { newNamespace, newPod, newService, waitFor } from '@k8ts/testing';
import { context, trace } from '@opentelemetry/api';
import pino from 'pino';
import { parseConfig } from './config';
import { EndpointsControllerManager } from './manager/controller-manager';
import { SYNC_SPAN_NAME } from './manager/sync-tracing';
import { type ControlPlane, startControlPlane } from './testing/control-plane';

jest.setTimeout(60_000);

let cp: ControlPlane;
let tracing: TestTracing;
let manager: EndpointsControllerManager;

beforeAll(async () => {
  cp = await startControlPlane();
  tracing = startTestTracing({ serviceName: 'endpoints-controller' });
  const config = parseConfig(['--api-address', cp.grpcAddress, '--nats-url', cp.nats.url, '--port', '0', '--leader-elect=false'], {});
  manager = new EndpointsControllerManager(config, { logger: pino({ level: 'silent' }) });
  await manager.start();
  await waitFor(() => manager.synced(), { timeoutMs: 10_000, desc: 'caches synced' });
}, 60_000);

afterAll(async () => {
  await manager?.stop();
  await tracing?.shutdown();
  await cp?.stop();
});

async function setReady(pod: Pod, ready: boolean): Promise<Pod> {
  return cp.client.pods.updateStatus({
    ...pod,
    status: { phase: 'Running', podIP: '127.244.1.50', podIPs: [{ ip: '127.244.1.50' }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
}

it('continues the trace of the pod status write in the sync span', async () => {
  await cp.client.namespaces.create(newNamespace('traced'));
  await cp.client.services.create(newService({ name: 'web', namespace: 'traced', ports: [{ port: 80, targetPort: 8080 }] }));
  let pod = await cp.client.pods.create(newPod({ name: 'web-1', namespace: 'traced', nodeName: 'node-1' }));
  pod = await setReady(pod, true);
  await waitFor(async () => (await cp.client.endpoints.get('traced', 'web').catch(() => undefined))?.subsets?.[0]?.addresses?.length === 1, { desc: 'pod ready in endpoints' });

  const kubelet = tracing.tracer('test').startSpan('kubelet status update');
  await context.with(trace.setSpan(context.active(), kubelet), () => setReady(pod, false));
  kubelet.end();
  const { traceId, spanId } = kubelet.spanContext();
  const span = await waitFor(() => tracing.spans().find((s) => s.name === SYNC_SPAN_NAME && s.spanContext().traceId === traceId), { desc: 'a sync span in the kubelet trace' });
  expect(span.parentSpanContext?.spanId).toBe(spanId);
  expect(span.attributes).toMatchObject({ 'k8s.namespace.name': 'traced', 'k8s.service.name': 'web', 'k8ts.sync.endpoints': 'updated' });
  const metrics = await manager.metrics.registry.metrics();
  expect(metrics).toMatch(/endpoints_controller_syncs_total\{result="success"\} [1-9]/);
});
