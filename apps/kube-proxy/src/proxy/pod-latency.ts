// pod_to_service_latency_seconds: from a Pod's creation to the moment this
// kube-proxy serves it as a ready endpoint of a Service — the whole
// pod-to-service path (apiserver, scheduler, kubelet start and readiness,
// endpoints-controller, kube-proxy sync) as one number.
//
// Each (pod, endpoint IP) is measured once, the first time a sync serves it;
// the Pod's creationTimestamp is read through the API (EndpointSlices do not
// carry it), a few lookups at a time. Pods that stop being endpoints are
// forgotten, so memory stays bounded by the current endpoints.
import type { EndpointInfo } from './endpoints-change-tracker';

export interface PodToServiceLatencyOptions {
  /** The Pod's metadata.creationTimestamp, or undefined when it is gone. */
  creationTime(namespace: string, name: string): Promise<string | undefined>;
  observe(seconds: number): void;
  /** Lookups in flight at most (default 4). */
  maxLookups?: number;
  onError?(err: unknown): void;
}

export class PodToServiceLatency {
  private readonly measured = new Set<string>();

  constructor(private readonly opts: PodToServiceLatencyOptions) {}

  /**
   * The ready endpoints with a Pod behind them that the dataplane serves
   * after a sync finished at `nowMs`. Returns when the lookups it started are done.
   */
  async programmed(endpoints: Iterable<EndpointInfo>, nowMs: number): Promise<void> {
    const current = new Set<string>();
    const todo: { key: string; ns: string; name: string }[] = [];
    for (const e of endpoints) {
      if (!e.ready || !e.podRef) continue;
      const key = `${e.podRef}@${e.ip}`;
      current.add(key);
      if (this.measured.has(key)) continue;
      const [ns, name] = e.podRef.split('/') as [string, string];
      todo.push({ key, ns, name });
    }
    for (const key of this.measured) if (!current.has(key)) this.measured.delete(key);
    for (const t of todo) this.measured.add(t.key);
    const measure = async ({ key, ns, name }: (typeof todo)[number]) => {
      try {
        const created = await this.opts.creationTime(ns, name);
        const t = created ? Date.parse(created) : NaN;
        if (Number.isFinite(t)) this.opts.observe(Math.max(0, nowMs - t) / 1000);
      } catch (err) {
        this.measured.delete(key); // try again on a later sync
        this.opts.onError?.(err);
      }
    };
    const workers = Array.from({ length: Math.min(this.opts.maxLookups ?? 4, todo.length) }, async () => {
      for (let next = todo.shift(); next; next = todo.shift()) await measure(next);
    });
    await Promise.all(workers);
  }

  /** Endpoints measured and still current (for tests). */
  size(): number {
    return this.measured.size;
  }
}
