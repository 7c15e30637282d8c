// The Proxier (upstream's proxier shape): informer handlers record Service
// and EndpointSlice changes in the change trackers and ask for a sync; a
// BoundedFrequencyRunner coalesces those requests into syncProxyRules(),
// which applies the checked-out changes to its maps, computes the desired
// rules (computeRules, pure), and hands the Dataplane only the difference.
// Each sync is one span "kube-proxy sync rules", the child of the one event
// that caused it or linked to every event of a batch; it records the
// network programming latency of the endpoint changes it served.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Context, type Link, type SpanContext } from '@opentelemetry/api';
import type { EndpointSlice, Service } from '@k8ts/api';
import type { EventMeta, TraceContext } from '@k8ts/client';
import type { Dataplane } from '../dataplane/dataplane';
import type { ProxierHealth } from '../server/proxier-health';
import type { ProxyMetrics } from '../server/metrics';
import { BoundedFrequencyRunner, realClock, type RunnerClock } from './bounded-frequency-runner';
import { EndpointsChangeTracker, EndpointsMap, type EndpointInfo } from './endpoints-change-tracker';
import { computeRules, diffRules, isEmptyDiff, type ProxyRule } from './rules';
import { ServiceChangeTracker, ServicePortMap } from './service-change-tracker';
import { servicePortNameString } from './service-port';

export const SYNC_SPAN_NAME = 'kube-proxy sync rules';
/** Trace contexts kept for the next sync: the newest win. */
const MAX_PENDING_TRACES = 64;

export interface ProxierLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const silent: ProxierLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface ProxierOptions {
  dataplane: Dataplane;
  nodeIPs: string[];
  nodeNames: string[];
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  metrics?: ProxyMetrics;
  health?: ProxierHealth;
  clock?: RunnerClock;
  logger?: ProxierLogger;
  /** Called after each sync with the endpoints of services the dataplane forwards to (pod_to_service_latency_seconds). */
  onEndpointsServed?(endpoints: EndpointInfo[], nowMs: number): void;
}

export interface SyncOutcome {
  rules: number;
  added: number;
  updated: number;
  removed: number;
  failed: number;
}

export class Proxier {
  readonly serviceChanges = new ServiceChangeTracker();
  readonly endpointsChanges: EndpointsChangeTracker;
  readonly serviceMap = new ServicePortMap();
  readonly endpointsMap = new EndpointsMap();
  private applied = new Map<string, ProxyRule>();
  private readonly runner: BoundedFrequencyRunner;
  private readonly clock: RunnerClock;
  private readonly log: ProxierLogger;
  private servicesSynced = false;
  private slicesSynced = false;
  private readonly traces = new Map<string, TraceContext>();
  private syncs = 0;
  private failureStreak = 0;
  private retryTimer: unknown;
  /** Called after every sync (tests, readiness). */
  onSynced?: (outcome: SyncOutcome) => void;

  constructor(private readonly opts: ProxierOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silent;
    this.endpointsChanges = new EndpointsChangeTracker({ nodeNames: opts.nodeNames, startTime: this.clock.now() });
    this.runner = new BoundedFrequencyRunner({
      name: 'sync-runner',
      fn: async () => {
        await this.syncProxyRules();
      },
      minIntervalMs: opts.minSyncPeriodMs,
      maxIntervalMs: opts.syncPeriodMs,
      burstRuns: 2,
      clock: this.clock,
      onError: (err) => this.log.error({ err: errText(err) }, 'syncProxyRules failed'),
    });
  }

  /** The rules the dataplane serves now. */
  appliedRules(): ReadonlyMap<string, ProxyRule> {
    return this.applied;
  }

  /** Number of completed syncs. */
  syncCount(): number {
    return this.syncs;
  }

  onServiceAdd(svc: Service, meta?: EventMeta): void {
    this.onServiceChange(undefined, svc, meta);
  }

  onServiceUpdate(old: Service, svc: Service, meta?: EventMeta): void {
    this.onServiceChange(old, svc, meta);
  }

  onServiceDelete(svc: Service, meta?: EventMeta): void {
    this.onServiceChange(svc, undefined, meta);
  }

  onServicesSynced(): void {
    this.servicesSynced = true;
    this.maybeStart();
  }

  onEndpointSliceAdd(slice: EndpointSlice, isInInitialList = false, meta?: EventMeta): void {
    this.onSliceChange(slice, false, isInInitialList, meta);
  }

  onEndpointSliceUpdate(_old: EndpointSlice, slice: EndpointSlice, meta?: EventMeta): void {
    this.onSliceChange(slice, false, false, meta);
  }

  onEndpointSliceDelete(slice: EndpointSlice, meta?: EventMeta): void {
    this.onSliceChange(slice, true, false, meta);
  }

  onEndpointSlicesSynced(): void {
    this.slicesSynced = true;
    this.maybeStart();
  }

  /** Asks for a sync (rate-limited; nothing happens before both informers have synced). */
  sync(): void {
    this.opts.health?.queuedUpdate();
    this.opts.metrics?.lastQueued.set(this.clock.now() / 1000);
    this.runner.run();
  }

  /** Stops syncing (a sync in progress finishes first). */
  stop(): Promise<void> {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    return this.runner.stop();
  }

  private onServiceChange(old: Service | undefined, svc: Service | undefined, meta: EventMeta | undefined): void {
    if (this.serviceChanges.update(old, svc)) {
      this.recordTrace(meta);
      this.opts.metrics?.serviceChangesTotal.inc();
      this.sync();
    }
  }

  private onSliceChange(slice: EndpointSlice, removed: boolean, initial: boolean, meta: EventMeta | undefined): void {
    if (this.endpointsChanges.endpointSliceUpdate(slice, removed, initial ? undefined : this.clock.now())) {
      this.recordTrace(meta);
      this.opts.metrics?.endpointChangesTotal.inc();
      this.sync();
    }
  }

  /**
   * Rules the dataplane could not serve are retried with a growing delay
   * (1s, 2s, 4s, ... up to syncPeriod), not at every minSyncPeriod.
   */
  private scheduleRetry(failed: boolean): void {
    if (!failed) {
      this.failureStreak = 0;
      return;
    }
    const delay = Math.min(this.opts.syncPeriodMs, 1000 * 2 ** this.failureStreak++);
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.runner.run();
    }, delay);
  }

  private recordTrace(meta: EventMeta | undefined): void {
    const t = meta?.trace;
    if (!t) return;
    this.traces.delete(t.traceparent);
    this.traces.set(t.traceparent, t);
    while (this.traces.size > MAX_PENDING_TRACES) this.traces.delete(this.traces.keys().next().value as string);
  }

  private maybeStart(): void {
    if (this.servicesSynced && this.slicesSynced) this.runner.start();
  }

  /** One sync: apply pending changes, compute the rules, apply the difference to the dataplane. */
  async syncProxyRules(): Promise<SyncOutcome> {
    const contexts = [...this.traces.values()];
    this.traces.clear();
    const { parent, links } = syncSpanParent(contexts);
    const tracer = trace.getTracer('kube-proxy');
    return tracer.startActiveSpan(SYNC_SPAN_NAME, { kind: SpanKind.INTERNAL, links, attributes: { 'k8ts.sync.events': contexts.length } }, parent, async (span) => {
      const t0 = performance.now();
      try {
        const outcome = await this.doSync();
        span.setAttributes({ 'k8ts.proxy.rules': outcome.rules, 'k8ts.proxy.rules_added': outcome.added, 'k8ts.proxy.rules_updated': outcome.updated, 'k8ts.proxy.rules_removed': outcome.removed });
        if (outcome.failed > 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `${outcome.failed} rules not served` });
        return outcome;
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: errText(err) });
        throw err;
      } finally {
        this.opts.metrics?.syncDuration.observe((performance.now() - t0) / 1000);
        span.end();
      }
    });
  }

  private async doSync(): Promise<SyncOutcome> {
    const { metrics, health } = this.opts;
    const serviceChanges = this.serviceChanges.checkoutChanges();
    const endpointsChanges = this.endpointsChanges.checkoutChanges();
    const triggerTimes = this.endpointsChanges.checkoutTriggerTimes();
    this.serviceMap.apply(serviceChanges);
    this.endpointsMap.apply(endpointsChanges);

    const { rules, conflicts } = computeRules({ services: this.serviceMap.ports, endpoints: this.endpointsMap.endpoints, nodeIPs: this.opts.nodeIPs });
    for (const c of conflicts) this.log.warn(c, 'two services claim one address; the first keeps it');
    const diff = diffRules(this.applied, rules);
    let failedCount = 0;
    if (!isEmptyDiff(diff)) {
      const { failed } = await this.opts.dataplane.apply(diff);
      failedCount = failed.length;
      for (const f of failed) {
        const hint = /EACCES/.test(f.error.message) && f.rule.port < 1024 ? 'ports below 1024 need root, CAP_NET_BIND_SERVICE or sysctl net.ipv4.ip_unprivileged_port_start=0' : undefined;
        this.log.warn({ rule: f.rule.key, service: `${f.rule.service.namespace}/${f.rule.service.name}`, err: f.error.message, hint }, 'rule not served; retrying later');
        rules.delete(f.rule.key);
      }
      metrics?.ruleApplyFailures.inc(failedCount);
    }
    this.applied = rules;
    this.syncs++;

    const now = this.clock.now();
    if (this.opts.onEndpointsServed) {
      const forwarded = new Set<string>();
      for (const r of rules.values()) if (r.action === 'forward') forwarded.add(servicePortNameString(r.service));
      const served: EndpointInfo[] = [];
      for (const [svc, eps] of this.endpointsMap.endpoints) if (forwarded.has(svc)) served.push(...eps);
      this.opts.onEndpointsServed(served, now);
    }
    for (const times of triggerTimes.values()) for (const t of times) metrics?.networkProgramming.observe(Math.max(0, now - t) / 1000);
    if (metrics) {
      metrics.lastSync.set(now / 1000);
      metrics.serviceChangesPending.set(this.serviceChanges.pending());
      metrics.endpointChangesPending.set(this.endpointsChanges.pending());
      const byAction = { forward: 0, reject: 0, drop: 0 };
      for (const r of rules.values()) byAction[r.action]++;
      for (const [action, n] of Object.entries(byAction)) metrics.rules.set({ action }, n);
      let internal = 0;
      let external = 0;
      const seen = new Set<string>();
      for (const r of rules.values()) {
        if (r.action !== 'drop') continue;
        const id = `${r.service.namespace}/${r.service.name}/${r.service.port}/${r.kind === 'ClusterIP' ? 'i' : 'e'}`;
        if (seen.has(id)) continue;
        seen.add(id);
        if (r.kind === 'ClusterIP') internal++;
        else external++;
      }
      metrics.noLocalEndpoints.set({ traffic_policy: 'internal' }, internal);
      metrics.noLocalEndpoints.set({ traffic_policy: 'external' }, external);
    }
    health?.updated();
    if (this.serviceChanges.pending() > 0 || this.endpointsChanges.pending() > 0) health?.queuedUpdate();
    this.scheduleRetry(failedCount > 0);
    const outcome: SyncOutcome = { rules: rules.size, added: diff.added.length, updated: diff.updated.length, removed: diff.removed.length, failed: failedCount };
    if (!isEmptyDiff(diff)) this.log.debug({ ...outcome }, 'synced proxy rules');
    this.onSynced?.(outcome);
    return outcome;
  }
}

/** Parent and links of a sync caused by these events: one event is the parent; several are links. */
export function syncSpanParent(contexts: TraceContext[]): { parent: Context; links: Link[] } {
  const extracted = contexts.map((c) => propagation.extract(ROOT_CONTEXT, c)).filter((ctx) => trace.getSpanContext(ctx) !== undefined);
  if (extracted.length === 0) return { parent: ROOT_CONTEXT, links: [] };
  if (extracted.length === 1) return { parent: extracted[0] as Context, links: [] };
  return { parent: ROOT_CONTEXT, links: extracted.map((ctx) => ({ context: trace.getSpanContext(ctx) as SpanContext })) };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
