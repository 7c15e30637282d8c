import type { SpanRecord } from './otlp-json';
import { buildTree, keyAttributes, renderWaterfall } from './waterfall';

const T = 't'.repeat(32);
function span(spanId: string, name: string, service: string, start: number, end: number, parentSpanId?: string, attributes: SpanRecord['attributes'] = {}): SpanRecord {
  return { traceId: T, spanId, parentSpanId, name, service, startMs: 1000 + start, endMs: 1000 + end, attributes };
}

const spans = [
  span('a', 'apiserver create', 'apiserver', 0, 10, undefined, { 'k8s.pod.name': 'web-1', 'k8s.namespace.name': 'default' }),
  span('b', 'apiserver storage write', 'apiserver', 2, 6, 'a'),
  span('c', 'scheduler schedule', 'scheduler', 20, 30, 'a'),
  span('d', 'scheduler bind', 'scheduler', 25, 29, 'c', { 'k8s.node.name': 'node-1' }),
  span('e', 'kubelet sync pod', 'kubelet', 40, 100, 'a'),
  span('x', 'orphan', 'kube-proxy', 90, 95, 'missing-parent'),
];

describe('buildTree', () => {
  it('nests by parent, orders by start, and makes spans with unknown parents roots', () => {
    const { roots, children } = buildTree(spans);
    expect(roots.map((s) => s.spanId)).toEqual(['a', 'x']);
    expect(children.get('a')?.map((s) => s.spanId)).toEqual(['b', 'c', 'e']);
    expect(children.get('c')?.map((s) => s.spanId)).toEqual(['d']);
  });
});

describe('renderWaterfall', () => {
  it('prints one line per span with offsets, durations, tree branches and key attributes', () => {
    const lines = renderWaterfall(spans, { barWidth: 10 });
    expect(lines[0]).toBe(`trace ${T}  6 spans, 4 services (apiserver, kube-proxy, kubelet, scheduler), 100.0 ms`);
    const body = lines.slice(2).map((l) => l.replace(/\s+$/, ''));
    expect(body).toEqual([
      '   +0.0 ms    10.0 ms  █           apiserver create  ns=default pod=web-1',
      '   +2.0 ms     4.0 ms  █           ├─ apiserver storage write',
      '  +20.0 ms    10.0 ms    █         ├─ scheduler schedule',
      '  +25.0 ms     4.0 ms    █         │  └─ scheduler bind  node=node-1',
      '  +40.0 ms    60.0 ms      ██████  └─ kubelet sync pod',
      '  +90.0 ms     5.0 ms           █  kube-proxy: orphan',
    ]);
  });

  it('appends spans of other traces that link into this one', () => {
    const linked: SpanRecord = { ...span('l', 'endpoints-controller sync service', 'endpoints-controller', 50, 60), traceId: 'o'.repeat(32), links: [{ traceId: T, spanId: 'e' }] };
    const lines = renderWaterfall(spans, { linked: [linked], barWidth: 10 });
    expect(lines.at(-2)).toContain('linked');
    expect(lines.at(-1)).toContain('⇢ endpoints-controller sync service');
  });

  it('marks failed spans', () => {
    expect(renderWaterfall([{ ...spans[0], statusCode: 2 }])[2]).toContain('apiserver create ✗');
  });

  it('says so when there is nothing', () => {
    expect(renderWaterfall([])).toEqual(['(no spans)']);
  });
});

describe('keyAttributes', () => {
  it.each<{ desc: string; attrs: SpanRecord['attributes']; want: string }>([
    { desc: 'known keys in display order', attrs: { 'k8s.pod.name': 'p', 'k8s.namespace.name': 'n', other: 'x' }, want: 'ns=n pod=p' },
    { desc: 'arrays joined', attrs: { 'server.address': ['a', 'b'] }, want: 'server=a,b' },
    { desc: 'empty values skipped', attrs: { 'k8s.pod.name': '' }, want: '' },
  ])('$desc', ({ attrs, want }) => {
    expect(keyAttributes({ ...spans[0], attributes: attrs })).toBe(want);
  });
});
