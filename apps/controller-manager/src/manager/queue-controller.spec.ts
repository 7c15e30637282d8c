import { context, propagation, trace } from '@opentelemetry/api';
import type { TraceContext } from '@k8ts/client';
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { waitFor } from '@k8ts/testing';
import pino from 'pino';
import { Registry } from 'prom-client';
import { QueueController } from './queue-controller';

let tracing: TestTracing;
beforeAll(() => {
  tracing = startTestTracing();
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

class Recording extends QueueController {
  readonly synced: { key: string; traceId?: string }[] = [];
  failures = 0;

  override async sync(key: string): Promise<void> {
    this.synced.push({ key, traceId: trace.getActiveSpan()?.spanContext().traceId });
    if (this.failures > 0) {
      this.failures--;
      throw new Error('conflict');
    }
  }
}

function writer(): { trace: TraceContext; traceId: string; spanId: string } {
  const span = tracing.tracer().startSpan('apiserver write');
  span.end();
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return { trace: carrier as unknown as TraceContext, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
}

async function runUntil(c: Recording, done: () => boolean): Promise<void> {
  const abort = new AbortController();
  const running = c.run(2, abort.signal);
  await waitFor(done, { timeoutMs: 5000, desc: 'syncs' });
  abort.abort();
  await running;
}

const syncSpans = () => tracing.spans().filter((s) => s.name === 'replicaset sync');

describe('QueueController', () => {
  it('continues the trace of the one event behind a sync', async () => {
    const c = new Recording('replicaset', { logger: pino({ level: 'silent' }), nameAttribute: 'k8s.replicaset.name' });
    const w = writer();
    c.during({ revision: '1', trace: w.trace }, () => c.enqueue({ metadata: { namespace: 'shop', name: 'web' } }));
    await runUntil(c, () => c.synced.length === 1);
    const [span] = syncSpans();
    expect(span?.parentSpanContext?.spanId).toBe(w.spanId);
    expect(span?.attributes).toMatchObject({ 'k8s.namespace.name': 'shop', 'k8s.replicaset.name': 'web', 'k8ts.sync.events': 1 });
    expect(c.synced[0]?.traceId).toBe(w.traceId);
  });

  it('links coalesced events, and a retried sync keeps them', async () => {
    const c = new Recording('replicaset', { logger: pino({ level: 'silent' }) });
    c.failures = 1;
    const a = writer();
    const b = writer();
    c.during({ revision: '1', trace: a.trace }, () => c.add('shop/web'));
    c.during({ revision: '2', trace: b.trace }, () => c.add('shop/web'));
    c.add('shop/web'); // outside a handler: no context
    await runUntil(c, () => c.synced.length === 2);
    const spans = syncSpans();
    expect(spans).toHaveLength(2);
    for (const s of spans) expect(s.links.map((l) => l.context.spanId)).toEqual([a.spanId, b.spanId]);
    expect(spans[0]?.status.code).toBe(2);
    expect(c.traces.size).toBe(0);
  });

  it('counts syncs and feeds the workqueue metrics', async () => {
    const registry = new Registry();
    const c = new Recording('deployment', { logger: pino({ level: 'silent' }), metrics: registry });
    c.add('shop/a');
    c.add('shop/b');
    await runUntil(c, () => c.synced.length === 2);
    const text = await registry.metrics();
    expect(text).toContain('controller_manager_syncs_total{controller="deployment",result="success"} 2');
    expect(text).toContain('workqueue_adds_total{name="deployment"} 2');
  });
});
