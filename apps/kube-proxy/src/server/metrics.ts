// Prometheus metrics of kube-proxy: upstream's kubeproxy_* names for the
// rule syncs, plus k8ts_proxy_* for the userspace datapath (connections,
// bytes, rejects) which upstream leaves to the kernel's counters.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the userspace datapath reports about connections and datagrams. */
export interface ConnectionMetrics {
  /** A connection (TCP) or session (UDP) was accepted for a service port. */
  opened(labels: ServiceLabels): void;
  closed(labels: ServiceLabels): void;
  bytes(labels: ServiceLabels, direction: 'in' | 'out', n: number): void;
  /** A connection was refused or dropped, or no endpoint could be reached. */
  rejected(labels: ServiceLabels, reason: 'no_endpoints' | 'no_local_endpoints' | 'dial_failed' | 'source_range'): void;
  /** Dialing one endpoint failed (another may be tried). */
  dialFailed(labels: ServiceLabels): void;
}

export interface ServiceLabels {
  /** "namespace/name" */
  service: string;
  /** The service port name, or its number when unnamed. */
  port: string;
  protocol: string;
}

export const noopConnectionMetrics: ConnectionMetrics = {
  opened: () => undefined,
  closed: () => undefined,
  bytes: () => undefined,
  rejected: () => undefined,
  dialFailed: () => undefined,
};

const SVC = ['service', 'port', 'protocol'] as const;

export class ProxyMetrics implements ConnectionMetrics {
  readonly registry = new Registry();
  readonly syncDuration: Histogram;
  readonly networkProgramming: Histogram;
  readonly podToService: Histogram;
  readonly lastSync: Gauge;
  readonly lastQueued: Gauge;
  readonly endpointChangesPending: Gauge;
  readonly endpointChangesTotal: Counter;
  readonly serviceChangesPending: Gauge;
  readonly serviceChangesTotal: Counter;
  readonly noLocalEndpoints: Gauge<'traffic_policy'>;
  readonly rules: Gauge<'action'>;
  readonly ruleApplyFailures: Counter;
  readonly connections: Counter<(typeof SVC)[number]>;
  readonly activeConnections: Gauge<(typeof SVC)[number]>;
  readonly bytesTotal: Counter<(typeof SVC)[number] | 'direction'>;
  readonly rejectedTotal: Counter<(typeof SVC)[number] | 'reason'>;
  readonly dialFailures: Counter<(typeof SVC)[number]>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const exp = (start: number, factor: number, n: number) => Array.from({ length: n }, (_, i) => start * factor ** i);
    this.syncDuration = new Histogram({ name: 'kubeproxy_sync_proxy_rules_duration_seconds', help: 'SyncProxyRules latency in seconds', buckets: exp(0.001, 2, 15), registers });
    this.networkProgramming = new Histogram({
      name: 'kubeproxy_network_programming_duration_seconds',
      help: 'In Cluster Network Programming Latency in seconds (endpoint change to rules served)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 30, 60],
      registers,
    });
    this.podToService = new Histogram({
      name: 'pod_to_service_latency_seconds',
      help: 'From a Pod\'s creation to this kube-proxy serving it as a ready endpoint of a Service',
      buckets: [0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 60, 120, 300],
      registers,
    });
    this.lastSync = new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', help: 'The last time proxy rules were successfully synced', registers });
    this.lastQueued = new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds', help: 'The last time a sync of proxy rules was queued', registers });
    this.endpointChangesPending = new Gauge({ name: 'kubeproxy_sync_proxy_rules_endpoint_changes_pending', help: 'Pending proxy rules Endpoint changes', registers });
    this.endpointChangesTotal = new Counter({ name: 'kubeproxy_sync_proxy_rules_endpoint_changes_total', help: 'Cumulative proxy rules Endpoint changes', registers });
    this.serviceChangesPending = new Gauge({ name: 'kubeproxy_sync_proxy_rules_service_changes_pending', help: 'Pending proxy rules Service changes', registers });
    this.serviceChangesTotal = new Counter({ name: 'kubeproxy_sync_proxy_rules_service_changes_total', help: 'Cumulative proxy rules Service changes', registers });
    this.noLocalEndpoints = new Gauge({
      name: 'kubeproxy_sync_proxy_rules_no_local_endpoints_total',
      help: 'Number of services with a Local traffic policy and no endpoints',
      labelNames: ['traffic_policy'],
      registers,
    });
    this.rules = new Gauge({ name: 'k8ts_proxy_rules', help: 'Listeners (protocol, IP, port) served, by action', labelNames: ['action'], registers });
    this.ruleApplyFailures = new Counter({ name: 'k8ts_proxy_rule_apply_failures_total', help: 'Rules the dataplane could not serve (retried on the next sync)', registers });
    this.connections = new Counter({ name: 'k8ts_proxy_connections_total', help: 'Connections (TCP) and client sessions (UDP) accepted per service port', labelNames: SVC, registers });
    this.activeConnections = new Gauge({ name: 'k8ts_proxy_active_connections', help: 'Open proxied connections (TCP) and sessions (UDP) per service port', labelNames: SVC, registers });
    this.bytesTotal = new Counter({ name: 'k8ts_proxy_bytes_total', help: 'Bytes proxied per service port; in: client to endpoint, out: endpoint to client', labelNames: [...SVC, 'direction'], registers });
    this.rejectedTotal = new Counter({ name: 'k8ts_proxy_rejected_connections_total', help: 'Connections refused, dropped or not forwarded, by reason', labelNames: [...SVC, 'reason'], registers });
    this.dialFailures = new Counter({ name: 'k8ts_proxy_endpoint_dial_failures_total', help: 'Failed dials to an endpoint (the next endpoint is tried)', labelNames: SVC, registers });
  }

  opened(l: ServiceLabels): void {
    this.connections.inc({ ...l });
    this.activeConnections.inc({ ...l });
  }

  closed(l: ServiceLabels): void {
    this.activeConnections.dec({ ...l });
  }

  bytes(l: ServiceLabels, direction: 'in' | 'out', n: number): void {
    if (n > 0) this.bytesTotal.inc({ ...l, direction }, n);
  }

  rejected(l: ServiceLabels, reason: 'no_endpoints' | 'no_local_endpoints' | 'dial_failed' | 'source_range'): void {
    this.rejectedTotal.inc({ ...l, reason });
  }

  dialFailed(l: ServiceLabels): void {
    this.dialFailures.inc({ ...l });
  }
}
