// Renders one trace as a terminal waterfall: one line per span, nested by
// parent, with its start offset from the trace's first span, its duration, a
// timeline bar and its key attributes. Spans of other traces that link into
// this one (a sync triggered by several writes) follow, marked "⇢".
import type { AttrValue, SpanRecord } from './otlp-json';

export interface WaterfallOptions {
  /** Width of the timeline bar in characters. */
  barWidth?: number;
  /** Spans from other traces whose links point into this trace. */
  linked?: SpanRecord[];
}

/** Attributes worth a glance, in display order, with their short labels. */
const KEY_ATTRIBUTES: [string, string][] = [
  ['k8s.namespace.name', 'ns'],
  ['k8s.pod.name', 'pod'],
  ['k8s.service.name', 'svc'],
  ['k8s.node.name', 'node'],
  ['k8s.container.name', 'container'],
  ['k8s.resource', 'resource'],
  ['k8ts.resource', 'resource'],
  ['k8ts.endpoint', 'endpoint'],
  ['server.address', 'server'],
  ['http.request.method', 'method'],
  ['url.path', 'path'],
  ['http.response.status_code', 'status'],
  ['k8ts.bytes.sent', 'sent'],
  ['k8ts.bytes.received', 'recv'],
  ['error.type', 'error'],
];

function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(1)} ms`;
}

function fmtValue(v: AttrValue): string {
  return Array.isArray(v) ? v.map(fmtValue).join(',') : String(v);
}

export function keyAttributes(span: SpanRecord, max = 5): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [key, label] of KEY_ATTRIBUTES) {
    const v = span.attributes[key];
    if (v === undefined || v === '' || seen.has(label)) continue;
    seen.add(label);
    out.push(`${label}=${fmtValue(v)}`);
    if (out.length >= max) break;
  }
  return out.join(' ');
}

function bar(span: SpanRecord, t0: number, total: number, width: number): string {
  if (total <= 0) return '█'.padEnd(width);
  const from = Math.min(width - 1, Math.floor(((span.startMs - t0) / total) * width));
  const to = Math.max(from + 1, Math.min(width, Math.ceil(((span.endMs - t0) / total) * width)));
  return ' '.repeat(from) + '█'.repeat(to - from) + ' '.repeat(width - to);
}

function label(span: SpanRecord): string {
  return span.name.startsWith(`${span.service} `) ? span.name : `${span.service}: ${span.name}`;
}

/** Parent → children (by start time); spans whose parent is missing become roots. */
export function buildTree(spans: SpanRecord[]): { roots: SpanRecord[]; children: Map<string, SpanRecord[]> } {
  const byId = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const list = children.get(s.parentSpanId) ?? [];
      list.push(s);
      children.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const byStart = (a: SpanRecord, b: SpanRecord) => a.startMs - b.startMs || a.name.localeCompare(b.name);
  roots.sort(byStart);
  for (const list of children.values()) list.sort(byStart);
  return { roots, children };
}

export function renderWaterfall(spans: SpanRecord[], opts: WaterfallOptions = {}): string[] {
  if (spans.length === 0) return ['(no spans)'];
  const width = opts.barWidth ?? 24;
  const linked = opts.linked ?? [];
  const all = [...spans, ...linked];
  const t0 = Math.min(...all.map((s) => s.startMs));
  const total = Math.max(...all.map((s) => s.endMs)) - t0;
  const services = new Set(spans.map((s) => s.service));
  const lines = [
    `trace ${spans[0].traceId}  ${spans.length} spans, ${services.size} services (${[...services].sort().join(', ')}), ${fmtMs(total)}`,
    `${'start'.padStart(10)} ${'duration'.padStart(10)}  ${'timeline'.padEnd(width)}  operation`,
  ];
  const emit = (s: SpanRecord, prefix: string, marker: string) => {
    const attrs = keyAttributes(s);
    const err = s.statusCode === 2 ? ' ✗' : '';
    lines.push(`${('+' + fmtMs(s.startMs - t0)).padStart(10)} ${fmtMs(s.endMs - s.startMs).padStart(10)}  ${bar(s, t0, total, width)}  ${prefix}${marker}${label(s)}${err}${attrs ? `  ${attrs}` : ''}`);
  };
  const walk = (tree: ReturnType<typeof buildTree>, s: SpanRecord, indent: string, last: boolean, root: boolean, marker: string) => {
    emit(s, root ? '' : indent + (last ? '└─ ' : '├─ '), marker);
    const kids = tree.children.get(s.spanId) ?? [];
    const childIndent = root ? '' : indent + (last ? '   ' : '│  ');
    kids.forEach((k, i) => walk(tree, k, childIndent, i === kids.length - 1, false, ''));
  };
  const tree = buildTree(spans);
  for (const r of tree.roots) walk(tree, r, '', true, true, '');
  if (linked.length) {
    lines.push(`${''.padStart(21)}  ${''.padEnd(width)}  linked (other traces that continue this one):`);
    const ltree = buildTree(linked);
    for (const r of ltree.roots) walk(ltree, r, '', true, true, '⇢ ');
  }
  return lines;
}
