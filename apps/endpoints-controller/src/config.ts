// endpoints-controller configuration: flags (kube-controller-manager names
// where upstream has one), each with an environment variable fallback.
import { parseOptions } from '@k8ts/cli';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';

export type WatchVia = 'nats' | 'grpc';

export interface EndpointsControllerConfig {
  /** apiserver gRPC address (host:port). */
  apiAddress: string;
  natsUrl: string;
  /** Health and metrics server. */
  bindAddress: string;
  port: number;
  /** Concurrent Service syncs (upstream --concurrent-endpoint-syncs). */
  workers: number;
  leaderElect: boolean;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  /** Namespace and name of the leader-election Lease. */
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  watchVia: WatchVia;
  maxEndpointsPerSlice: number;
  /** Concurrent EndpointSlice mirroring syncs (upstream --mirroring-concurrent-service-endpoint-syncs). */
  mirroringWorkers: number;
  /** Most addresses mirrored per Endpoints subset (upstream --mirroring-max-endpoints-per-subset). */
  mirroringMaxEndpointsPerSubset: number;
  logLevel: string;
}

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number: ${v}`);
  return n;
}

function bool(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Error(`not a boolean: ${v}`);
}

export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}`;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): EndpointsControllerConfig {
  const program = new Command('endpoints-controller')
    .description('k8ts endpoints-controller: Endpoints and EndpointSlices from Services and ready Pods')
    .addOption(new Option('--api-address <host:port>', 'apiserver gRPC address').env('K8TS_API_ADDRESS').default('127.0.0.1:6444'))
    .addOption(new Option('--nats-url <url>', 'NATS server URL(s), comma-separated (watches)').env('NATS_URL').default('nats://127.0.0.1:4222'))
    .addOption(new Option('--bind-address <ip>', 'address of the health and metrics server').env('K8TS_BIND_ADDRESS').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'health (/healthz, /readyz) and /metrics port').env('K8TS_PORT').default(10258).argParser(int))
    .addOption(new Option('--workers <n>', 'concurrent Service syncs (upstream --concurrent-endpoint-syncs)').env('K8TS_WORKERS').default(5).argParser(int))
    .addOption(new Option('--leader-elect [bool]', 'run leader election; only the leader syncs').env('K8TS_LEADER_ELECT').default(true).preset('true').argParser(bool))
    .addOption(new Option('--leader-elect-lease-duration-seconds <s>', 'lease duration').env('K8TS_LEADER_ELECT_LEASE_DURATION_SECONDS').default(15).argParser(positive))
    .addOption(new Option('--renew-deadline-seconds <s>', 'how long the leader retries renewing before it steps down').env('K8TS_RENEW_DEADLINE_SECONDS').default(10).argParser(positive))
    .addOption(new Option('--retry-period-seconds <s>', 'time between acquire/renew attempts').env('K8TS_RETRY_PERIOD_SECONDS').default(2).argParser(positive))
    .addOption(new Option('--leader-elect-resource-namespace <ns>', 'namespace of the Lease').env('K8TS_LEADER_ELECT_RESOURCE_NAMESPACE').default('kube-system'))
    .addOption(new Option('--leader-elect-resource-name <name>', 'name of the Lease').env('K8TS_LEADER_ELECT_RESOURCE_NAME').default('k8ts-endpoints-controller'))
    .addOption(new Option('--identity <id>', 'leader election identity (default: hostname_pid)').env('K8TS_IDENTITY'))
    .addOption(new Option('--watch-via <how>', 'informer watches: the NATS change log or the apiserver gRPC watch').env('K8TS_WATCH_VIA').default('nats').choices(['nats', 'grpc']))
    .addOption(new Option('--max-endpoints-per-slice <n>', 'most endpoints per EndpointSlice').env('K8TS_MAX_ENDPOINTS_PER_SLICE').default(100).argParser(int))
    .addOption(new Option('--mirroring-concurrent-service-endpoint-syncs <n>', 'concurrent EndpointSlice mirroring syncs').env('K8TS_MIRRORING_WORKERS').default(5).argParser(int))
    .addOption(new Option('--mirroring-max-endpoints-per-subset <n>', 'most addresses mirrored per Endpoints subset').env('K8TS_MIRRORING_MAX_ENDPOINTS_PER_SUBSET').default(1000).argParser(int))
    .addOption(new Option('--log-level <level>', 'pino log level').env('K8TS_LOG_LEVEL').default('info'))
    .exitOverride();
  const o = parseOptions(program, argv, env);
  if (o.workers < 1) throw new Error('--workers must be at least 1');
  if (o.maxEndpointsPerSlice < 1) throw new Error('--max-endpoints-per-slice must be at least 1');
  if (o.mirroringConcurrentServiceEndpointSyncs < 1) throw new Error('--mirroring-concurrent-service-endpoint-syncs must be at least 1');
  if (o.mirroringMaxEndpointsPerSubset < 1) throw new Error('--mirroring-max-endpoints-per-subset must be at least 1');
  return {
    apiAddress: o.apiAddress,
    natsUrl: o.natsUrl,
    bindAddress: o.bindAddress,
    port: o.port,
    workers: o.workers,
    leaderElect: o.leaderElect,
    leaseDurationSeconds: o.leaderElectLeaseDurationSeconds,
    renewDeadlineSeconds: o.renewDeadlineSeconds,
    retryPeriodSeconds: o.retryPeriodSeconds,
    leaseNamespace: o.leaderElectResourceNamespace,
    leaseName: o.leaderElectResourceName,
    identity: o.identity || defaultIdentity(),
    watchVia: o.watchVia,
    maxEndpointsPerSlice: o.maxEndpointsPerSlice,
    mirroringWorkers: o.mirroringConcurrentServiceEndpointSyncs,
    mirroringMaxEndpointsPerSubset: o.mirroringMaxEndpointsPerSubset,
    logLevel: o.logLevel,
  };
}
