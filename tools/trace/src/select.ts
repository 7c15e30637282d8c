// Finding traces among stored spans: by pod (the trace of its creation), the
// last request served by an echo pod, or by id; plus a summary list.
import type { SpanRecord } from './otlp-json';

export function groupByTrace(spans: SpanRecord[]): Map<string, SpanRecord[]> {
  const out = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    const list = out.get(s.traceId) ?? [];
    list.push(s);
    out.set(s.traceId, list);
  }
  return out;
}

/** Spans of other traces with a link into traceId. */
export function linkedInto(spans: SpanRecord[], traceId: string): SpanRecord[] {
  return spans.filter((s) => s.traceId !== traceId && s.links?.some((l) => l.traceId === traceId));
}

/**
 * The trace a pod was born in: the earliest span naming the pod
 * (k8s.pod.name + k8s.namespace.name), normally the apiserver's create.
 */
export function tracePodCreated(spans: SpanRecord[], namespace: string, name: string): string | undefined {
  let best: SpanRecord | undefined;
  for (const s of spans) {
    if (s.attributes['k8s.pod.name'] !== name) continue;
    const ns = s.attributes['k8s.namespace.name'];
    if (ns !== undefined && ns !== namespace) continue;
    if (!best || s.startMs < best.startMs) best = s;
  }
  return best?.traceId;
}

/**
 * The most recent request to a pod: the newest trace with a kube-proxy
 * connection span (traffic through a Service); failing that, the newest echo
 * server span that is not a kubelet health probe.
 */
export function lastRequestTrace(spans: SpanRecord[]): string | undefined {
  const newest = (pred: (s: SpanRecord) => boolean) => {
    let best: SpanRecord | undefined;
    for (const s of spans) if (pred(s) && (!best || s.startMs > best.startMs)) best = s;
    return best?.traceId;
  };
  const probe = (s: SpanRecord) => /healthz|readyz|livez/.test(String(s.attributes['url.path'] ?? s.name));
  return newest((s) => s.service === 'kube-proxy' && s.name === 'kube-proxy proxy') ?? newest((s) => s.service === 'echo' && !probe(s));
}

export interface TraceSummary {
  traceId: string;
  root: string;
  startMs: number;
  durationMs: number;
  spans: number;
  services: string[];
}

export function summarize(spans: SpanRecord[], limit = 20): TraceSummary[] {
  const out: TraceSummary[] = [];
  for (const [traceId, list] of groupByTrace(spans)) {
    const start = Math.min(...list.map((s) => s.startMs));
    const end = Math.max(...list.map((s) => s.endMs));
    const root = list.find((s) => !s.parentSpanId || !list.some((p) => p.spanId === s.parentSpanId)) ?? list[0];
    out.push({ traceId, root: root.name, startMs: start, durationMs: end - start, spans: list.length, services: [...new Set(list.map((s) => s.service))].sort() });
  }
  return out.sort((a, b) => b.startMs - a.startMs).slice(0, limit);
}

/**
 * Drops spans matching `hide` (e.g. the gRPC instrumentation's transport
 * spans) and re-parents their children to the nearest kept ancestor, so the
 * waterfall keeps its shape with fewer lines.
 */
export function collapse(spans: SpanRecord[], hide: (s: SpanRecord) => boolean): SpanRecord[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const keptParent = (id: string | undefined): string | undefined => {
    for (let cur = id, hops = 0; cur && hops < 1000; hops++) {
      const s = byId.get(cur);
      if (!s) return cur; // parent not collected: leave as is
      if (!hide(s)) return cur;
      cur = s.parentSpanId;
    }
    return undefined;
  };
  return spans.filter((s) => !hide(s)).map((s) => {
    const parentSpanId = keptParent(s.parentSpanId);
    return parentSpanId === s.parentSpanId ? s : { ...s, parentSpanId };
  });
}

/** Spans of the gRPC instrumentation (`grpc.<service>/<method>`): transport detail. */
export const isRpcSpan = (s: SpanRecord): boolean => s.name.startsWith('grpc.');
