// scheduler configuration: flags (kube-scheduler names where upstream has
// one), each with an environment variable fallback.
import { parseOptions } from '@k8ts/cli';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { DEFAULT_SCHEDULER_NAME } from './framework/profile';

export type WatchVia = 'nats' | 'grpc';

export interface SchedulerConfig {
  /** apiserver gRPC address (host:port). */
  apiAddress: string;
  natsUrl: string;
  /** Health and metrics server. */
  bindAddress: string;
  port: number;
  /** Pods whose spec.schedulerName equals this are ours. */
  schedulerName: string;
  leaderElect: boolean;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  /** Namespace and name of the leader-election Lease. */
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  watchVia: WatchVia;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
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

function nonNegative(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a non-negative number: ${v}`);
  return n;
}

function bool(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Error(`not a boolean: ${v}`);
}

/** Upstream's default identity shape: hostname plus something unique. */
export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}`;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  const program = new Command('scheduler')
    .description('k8ts scheduler: places pending pods on nodes and binds them')
    .addOption(new Option('--api-address <host:port>', 'apiserver gRPC address').env('K8TS_API_ADDRESS').default('127.0.0.1:6444'))
    .addOption(new Option('--nats-url <url>', 'NATS server URL(s), comma-separated (watches)').env('NATS_URL').default('nats://127.0.0.1:4222'))
    .addOption(new Option('--bind-address <ip>', 'address of the health and metrics server').env('K8TS_BIND_ADDRESS').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'health (/healthz, /readyz) and /metrics port (0: any free port)').env('K8TS_PORT').default(10259).argParser(int))
    .addOption(new Option('--scheduler-name <name>', 'schedule pods whose spec.schedulerName is this').env('K8TS_SCHEDULER_NAME').default(DEFAULT_SCHEDULER_NAME))
    .addOption(new Option('--leader-elect [bool]', 'run leader election; only the leader schedules').env('K8TS_LEADER_ELECT').default(true).preset('true').argParser(bool))
    .addOption(
      new Option('--leader-elect-lease-duration-seconds <s>', 'how long standbys wait after the last renewal before taking over')
        .env('K8TS_LEADER_ELECT_LEASE_DURATION_SECONDS')
        .default(15)
        .argParser(positive),
    )
    .addOption(
      new Option('--leader-elect-renew-deadline-seconds <s>', 'how long the leader retries renewing before it steps down')
        .env('K8TS_LEADER_ELECT_RENEW_DEADLINE_SECONDS')
        .default(10)
        .argParser(positive),
    )
    .addOption(
      new Option('--leader-elect-retry-period-seconds <s>', 'time between acquire/renew attempts')
        .env('K8TS_LEADER_ELECT_RETRY_PERIOD_SECONDS')
        .default(2)
        .argParser(positive),
    )
    .addOption(new Option('--leader-elect-resource-namespace <ns>', 'namespace of the Lease').env('K8TS_LEADER_ELECT_RESOURCE_NAMESPACE').default('kube-system'))
    .addOption(new Option('--leader-elect-resource-name <name>', 'name of the Lease').env('K8TS_LEADER_ELECT_RESOURCE_NAME').default('kube-scheduler'))
    .addOption(new Option('--identity <id>', 'leader election identity (default: hostname_pid)').env('K8TS_IDENTITY'))
    .addOption(new Option('--watch-via <how>', 'informer watches: the NATS change log or the apiserver gRPC watch').env('K8TS_WATCH_VIA').default('nats').choices(['nats', 'grpc']))
    .addOption(new Option('--pod-initial-backoff-seconds <s>', 'backoff after the first failed attempt').env('K8TS_POD_INITIAL_BACKOFF_SECONDS').default(1).argParser(nonNegative))
    .addOption(new Option('--pod-max-backoff-seconds <s>', 'backoff cap').env('K8TS_POD_MAX_BACKOFF_SECONDS').default(10).argParser(nonNegative))
    .addOption(new Option('--log-level <level>', 'pino log level').env('K8TS_LOG_LEVEL').default('info'))
    .exitOverride();
  const o = parseOptions(program, argv, env);
  if (o.podMaxBackoffSeconds < o.podInitialBackoffSeconds) {
    throw new Error('--pod-max-backoff-seconds must not be smaller than --pod-initial-backoff-seconds');
  }
  if (o.leaderElect) {
    if (!(o.leaderElectLeaseDurationSeconds > o.leaderElectRenewDeadlineSeconds)) {
      throw new Error('--leader-elect-lease-duration-seconds must be greater than --leader-elect-renew-deadline-seconds');
    }
    if (!(o.leaderElectRenewDeadlineSeconds > 1.2 * o.leaderElectRetryPeriodSeconds)) {
      throw new Error('--leader-elect-renew-deadline-seconds must be greater than 1.2 × --leader-elect-retry-period-seconds');
    }
  }
  return {
    apiAddress: o.apiAddress,
    natsUrl: o.natsUrl,
    bindAddress: o.bindAddress,
    port: o.port,
    schedulerName: o.schedulerName,
    leaderElect: o.leaderElect,
    leaseDurationSeconds: o.leaderElectLeaseDurationSeconds,
    renewDeadlineSeconds: o.leaderElectRenewDeadlineSeconds,
    retryPeriodSeconds: o.leaderElectRetryPeriodSeconds,
    leaseNamespace: o.leaderElectResourceNamespace,
    leaseName: o.leaderElectResourceName,
    identity: o.identity || defaultIdentity(),
    watchVia: o.watchVia,
    podInitialBackoffSeconds: o.podInitialBackoffSeconds,
    podMaxBackoffSeconds: o.podMaxBackoffSeconds,
    logLevel: o.logLevel,
  };
}
