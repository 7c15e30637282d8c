// controller-manager configuration: flags named as kube-controller-manager
// names them (durations as plain seconds, e.g. --node-monitor-grace-period 50),
// each with a K8TS_* environment fallback.
import { parseOptions } from '@k8ts/cli';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';

export type WatchVia = 'nats' | 'grpc';

export interface ControllerManagerConfig {
  /** apiserver gRPC address (host:port). */
  apiAddress: string;
  natsUrl: string;
  /** Informer watches: the NATS change log or the apiserver gRPC watch. */
  watchVia: WatchVia;
  /** Health and metrics server. */
  bindAddress: string;
  port: number;
  leaderElect: boolean;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  /** Namespace and name of the leader-election Lease (kube-system/kube-controller-manager). */
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  /** The --controllers flag as given: '*', 'name', '-name' (resolved by selectControllers). */
  controllers: string[];
  concurrentReplicasetSyncs: number;
  concurrentDeploymentSyncs: number;
  concurrentGcSyncs: number;
  /** Seconds (upstream takes a duration: 50s). */
  nodeMonitorGracePeriodSeconds: number;
  nodeMonitorPeriodSeconds: number;
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
  /** CIDR LoadBalancer Service IPs are handed out from. */
  loadBalancerIpPool: string;
  logLevel: string;
}

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
}

/** A duration in seconds: "50", "50s", "5m", "1h" or "1m30s". */
export function seconds(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== v.length) throw new Error(`not a duration: ${v}`);
  return total;
}

function positive(v: string): number {
  const n = seconds(v);
  if (!(n > 0)) throw new Error(`not a positive duration: ${v}`);
  return n;
}

function bool(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Error(`not a boolean: ${v}`);
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function cidr(v: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) throw new Error(`not an IPv4 CIDR: ${v}`);
  return v;
}

export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}`;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ControllerManagerConfig {
  const program = new Command('controller-manager')
    .description('k8ts controller-manager: ReplicaSet, Deployment, node lifecycle, garbage collector and LoadBalancer IP controllers')
    .addOption(new Option('--api-address <host:port>', 'apiserver gRPC address').env('K8TS_API_ADDRESS').default('127.0.0.1:6444'))
    .addOption(new Option('--nats-url <url>', 'NATS server URL(s), comma-separated (watches)').env('NATS_URL').default('nats://127.0.0.1:4222'))
    .addOption(new Option('--watch-via <how>', 'informer watches: the NATS change log or the apiserver gRPC watch').env('K8TS_WATCH_VIA').default('nats').choices(['nats', 'grpc']))
    .addOption(new Option('--bind-address <ip>', 'address of the health and metrics server').env('K8TS_BIND_ADDRESS').default('127.0.0.1'))
    .addOption(new Option('--secure-port, --port <port>', 'health (/healthz, /readyz) and /metrics port').env('K8TS_PORT').default(10257).argParser(int))
    .addOption(new Option('--leader-elect [bool]', 'run leader election; only the leader runs controllers').env('K8TS_LEADER_ELECT').default(true).preset('true').argParser(bool))
    .addOption(new Option('--leader-elect-lease-duration <s>', 'lease duration (seconds or 15s)').env('K8TS_LEADER_ELECT_LEASE_DURATION').default(15).argParser(positive))
    .addOption(new Option('--leader-elect-renew-deadline <s>', 'how long the leader retries renewing before it steps down').env('K8TS_LEADER_ELECT_RENEW_DEADLINE').default(10).argParser(positive))
    .addOption(new Option('--leader-elect-retry-period <s>', 'time between acquire/renew attempts').env('K8TS_LEADER_ELECT_RETRY_PERIOD').default(2).argParser(positive))
    .addOption(new Option('--leader-elect-resource-namespace <ns>', 'namespace of the Lease').env('K8TS_LEADER_ELECT_RESOURCE_NAMESPACE').default('kube-system'))
    .addOption(new Option('--leader-elect-resource-name <name>', 'name of the Lease').env('K8TS_LEADER_ELECT_RESOURCE_NAME').default('kube-controller-manager'))
    .addOption(new Option('--identity <id>', 'leader election identity (default: hostname_pid)').env('K8TS_IDENTITY'))
    .addOption(new Option('--controllers <list>', "controllers to run: '*' (all), 'name', '-name' (not name), comma-separated").env('K8TS_CONTROLLERS').default(['*']).argParser(list))
    .addOption(new Option('--concurrent-replicaset-syncs <n>', 'ReplicaSets synced at once').env('K8TS_CONCURRENT_REPLICASET_SYNCS').default(5).argParser(int))
    .addOption(new Option('--concurrent-deployment-syncs <n>', 'Deployments synced at once').env('K8TS_CONCURRENT_DEPLOYMENT_SYNCS').default(5).argParser(int))
    .addOption(new Option('--concurrent-gc-syncs <n>', 'garbage collector workers').env('K8TS_CONCURRENT_GC_SYNCS').default(20).argParser(int))
    .addOption(new Option('--node-monitor-grace-period <s>', 'a node not heard from this long is marked unhealthy (seconds or 50s)').env('K8TS_NODE_MONITOR_GRACE_PERIOD').default(50).argParser(positive))
    .addOption(new Option('--node-monitor-period <s>', 'how often node health is checked (seconds or 5s)').env('K8TS_NODE_MONITOR_PERIOD').default(5).argParser(positive))
    .addOption(new Option('--default-not-ready-toleration-seconds <n>', 'tolerationSeconds of the not-ready NoExecute toleration added to pods').env('K8TS_DEFAULT_NOT_READY_TOLERATION_SECONDS').default(300).argParser(int))
    .addOption(new Option('--default-unreachable-toleration-seconds <n>', 'tolerationSeconds of the unreachable NoExecute toleration added to pods').env('K8TS_DEFAULT_UNREACHABLE_TOLERATION_SECONDS').default(300).argParser(int))
    .addOption(new Option('--load-balancer-ip-pool <cidr>', 'CIDR LoadBalancer Service IPs are handed out from').env('K8TS_LOAD_BALANCER_IP_POOL').default('127.240.0.0/16').argParser(cidr))
    .addOption(new Option('--log-level <level>', 'pino log level').env('K8TS_LOG_LEVEL').default('info'))
    .exitOverride();
  const o = parseOptions(program, argv, env);
  for (const [flag, v] of [
    ['--concurrent-replicaset-syncs', o.concurrentReplicasetSyncs],
    ['--concurrent-deployment-syncs', o.concurrentDeploymentSyncs],
    ['--concurrent-gc-syncs', o.concurrentGcSyncs],
  ] as const) {
    if (v < 1) throw new Error(`${flag} must be at least 1`);
  }
  return {
    apiAddress: o.apiAddress,
    natsUrl: o.natsUrl,
    watchVia: o.watchVia,
    bindAddress: o.bindAddress,
    port: o.port,
    leaderElect: o.leaderElect,
    leaseDurationSeconds: o.leaderElectLeaseDuration,
    renewDeadlineSeconds: o.leaderElectRenewDeadline,
    retryPeriodSeconds: o.leaderElectRetryPeriod,
    leaseNamespace: o.leaderElectResourceNamespace,
    leaseName: o.leaderElectResourceName,
    identity: o.identity || defaultIdentity(),
    controllers: o.controllers,
    concurrentReplicasetSyncs: o.concurrentReplicasetSyncs,
    concurrentDeploymentSyncs: o.concurrentDeploymentSyncs,
    concurrentGcSyncs: o.concurrentGcSyncs,
    nodeMonitorGracePeriodSeconds: o.nodeMonitorGracePeriod,
    nodeMonitorPeriodSeconds: o.nodeMonitorPeriod,
    defaultNotReadyTolerationSeconds: o.defaultNotReadyTolerationSeconds,
    defaultUnreachableTolerationSeconds: o.defaultUnreachableTolerationSeconds,
    loadBalancerIpPool: o.loadBalancerIpPool,
    logLevel: o.logLevel,
  };
}
