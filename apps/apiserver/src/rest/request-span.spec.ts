// REST requests are traced: an `apiserver <verb>` SERVER span parented by the
// caller's traceparent, with the storage write as its child.
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { startRestHarness, type RestHarness } from './testing/rest-harness';

let tracing: TestTracing;
let h: RestHarness;
beforeEach(async () => {
  tracing = startTestTracing({ serviceName: 'rest-spec' });
  h = await startRestHarness();
});
afterEach(async () => {
  await h.stop();
  await tracing.shutdown();
});

it('continues the caller trace and parents the storage write', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const res = await fetch(`${h.url}/api/v1/namespaces/default/pods`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body: JSON.stringify({ metadata: { name: 'traced' }, spec: { containers: [{ name: 'c', image: 'i' }] } }),
  });
  expect(res.status).toBe(201);
  const spans = tracing.exporter.getFinishedSpans();
  const request = spans.find((s) => s.name === 'apiserver create');
  expect(request?.spanContext().traceId).toBe(traceId);
  expect(request?.attributes['http.response.status_code']).toBe(201);
  const write = spans.find((s) => s.name !== 'apiserver create' && s.spanContext().traceId === traceId);
  expect(write?.parentSpanContext?.spanId ?? (write as unknown as { parentSpanId?: string })?.parentSpanId).toBe(request?.spanContext().spanId);
});
