import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import type { TraceContext } from '@k8ts/client';
import { MIRRORING_SYNC_SPAN_NAME, tracedMirroringSync, type KeyTraces } from './mirroring-tracing';
import type { MirroringResult } from './sync-mirroring';

const ok: MirroringResult = { outcome: 'mirrored', created: 1, updated: 0, deleted: 0, skipped: 0 };

function traces(contexts: TraceContext[]): KeyTraces & { restored: TraceContext[][] } {
  const restored: TraceContext[][] = [];
  return { take: () => contexts, restore: (_k, c) => void restored.push(c), restored };
}

const parent = (i: number): TraceContext => ({ traceparent: `00-${String(i).padStart(32, '0')}-${String(i).padStart(16, '0')}-01` });

describe('tracedMirroringSync', () => {
  let tracing: TestTracing;
  beforeAll(() => {
    tracing = startTestTracing({ serviceName: 'endpoints-controller' });
  });
  afterAll(async () => {
    await tracing.shutdown();
  });
  beforeEach(() => tracing.reset());

  it.each([
    { desc: 'one event: child of its write', contexts: [parent(1)], parentSpan: '0000000000000001', links: 0 },
    { desc: 'several events: new trace linked to each', contexts: [parent(1), parent(2)], parentSpan: undefined, links: 2 },
    { desc: 'no event context: new trace', contexts: [], parentSpan: undefined, links: 0 },
  ])('$desc', async ({ contexts, parentSpan, links }) => {
    await tracedMirroringSync('kube-system/kube-dns', traces(contexts), async () => ok);
    const [span] = tracing.spans();
    expect(span.name).toBe(MIRRORING_SYNC_SPAN_NAME);
    expect(span.parentSpanContext?.spanId).toBe(parentSpan);
    expect(span.links).toHaveLength(links);
    expect(span.attributes).toMatchObject({ 'k8s.namespace.name': 'kube-system', 'k8s.service.name': 'kube-dns', 'k8ts.mirroring.outcome': 'mirrored', 'k8ts.mirroring.created': 1 });
  });

  it('a failed sync keeps its contexts for the retry and marks the span', async () => {
    const t = traces([parent(3)]);
    await expect(tracedMirroringSync('kube-system/kube-dns', t, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(t.restored).toEqual([[parent(3)]]);
    expect(tracing.spans()[0].status.code).toBe(2);
  });
});
