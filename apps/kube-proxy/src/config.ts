// kube-proxy configuration: upstream kube-proxy flag names where upstream
// has them, each with an environment variable fallback.
import { parseOptions } from '@k8ts/cli';
import { Command, Option } from 'commander';

export type WatchVia = 'nats' | 'grpc';

export interface KubeProxyConfig {
  /** apiserver gRPC address (host:port). */
  apiAddress: string;
  natsUrl: string;
  watchVia: WatchVia;
  /** The node IPs of this host: NodePorts are served on each. */
  nodeIPs: string[];
  /** Node names of this host: endpoints on these nodes are "local" (traffic policy Local). */
  nodeNames: string[];
  /** host:port of /metrics (and /proxyMode). */
  metricsBindAddress: string;
  /** host:port of /healthz and /livez. */
  healthzBindAddress: string;
  /** Least time between two syncs of the proxy rules (ms). */
  minSyncPeriodMs: number;
  /** Longest time between two syncs of the proxy rules (ms). */
  syncPeriodMs: number;
  /** Pod CIDR of the cluster: clients from it are "inside the cluster" (externalTrafficPolicy Local short-circuit). */
  clusterCIDR: string;
  /** Idle time after which a UDP client session is closed (ms). */
  udpIdleTimeoutMs: number;
  logLevel: string;
}

/**
 * A duration as Go writes it ("1s", "250ms", "1m30s", "1.5h") or a bare
 * number of seconds ("2", "0.5"). Returns milliseconds.
 */
export function parseDuration(v: string): number {
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (unit[m[2] as string] as number);
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== s.length) throw new Error(`not a duration: ${v}`);
  return total;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipList(v: string, previous: string[] | undefined): string[] {
  const out = [...(previous ?? [])];
  for (const ip of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!IPV4.test(ip)) throw new Error(`not an IPv4 address: ${ip}`);
    if (!out.includes(ip)) out.push(ip);
  }
  return out;
}

function nameList(v: string, previous: string[] | undefined): string[] {
  const out = [...(previous ?? [])];
  for (const n of v.split(',').map((s) => s.trim()).filter(Boolean)) if (!out.includes(n)) out.push(n);
  return out;
}

function cidr(v: string): string {
  const [ip, bits, extra] = v.split('/');
  if (extra !== undefined || !ip || !IPV4.test(ip) || !/^\d+$/.test(bits ?? '') || Number(bits) > 32) throw new Error(`not an IPv4 CIDR: ${v}`);
  return v;
}

function hostPort(v: string): string {
  const m = /^([^:]+):(\d+)$/.exec(v);
  if (!m || Number(m[2]) > 65535) throw new Error(`not host:port: ${v}`);
  return v;
}

export function splitHostPort(v: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  return { host: v.slice(0, i), port: Number(v.slice(i + 1)) };
}

export const DEFAULT_NODE_IPS = ['127.10.0.1', '127.10.0.2'];
export const DEFAULT_NODE_NAMES = ['node-1', 'node-2'];

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): KubeProxyConfig {
  const program = new Command('kube-proxy')
    .description('k8ts kube-proxy: the Service datapath of this host (userspace proxier)')
    .addOption(new Option('--api-address <host:port>', 'apiserver gRPC address').env('K8TS_API_ADDRESS').default('127.0.0.1:6444'))
    .addOption(new Option('--nats-url <url>', 'NATS server URL(s), comma-separated (watches)').env('NATS_URL').default('nats://127.0.0.1:4222'))
    .addOption(new Option('--watch-via <how>', 'informer watches: the NATS change log or the apiserver gRPC watch').env('K8TS_WATCH_VIA').default('nats').choices(['nats', 'grpc']))
    .addOption(new Option('--node-ip <ip>', `node IPs of this host, repeatable or comma-separated (default ${DEFAULT_NODE_IPS.join(',')})`).env('K8TS_NODE_IP').argParser(ipList))
    .addOption(new Option('--node-names <names>', `names of the nodes of this host, comma-separated (default ${DEFAULT_NODE_NAMES.join(',')})`).env('K8TS_NODE_NAMES').argParser(nameList))
    .addOption(new Option('--hostname-override <name>', 'one more node name of this host (upstream flag)').env('K8TS_HOSTNAME_OVERRIDE'))
    .addOption(new Option('--metrics-bind-address <host:port>', '/metrics server').env('K8TS_METRICS_BIND_ADDRESS').default('127.0.0.1:10249').argParser(hostPort))
    .addOption(new Option('--healthz-bind-address <host:port>', '/healthz and /livez server').env('K8TS_HEALTHZ_BIND_ADDRESS').default('127.0.0.1:10256').argParser(hostPort))
    .addOption(new Option('--min-sync-period <duration>', 'least time between rule syncs (e.g. 1s, 100ms)').env('K8TS_MIN_SYNC_PERIOD').default(1000, '1s').argParser(parseDuration))
    .addOption(new Option('--sync-period <duration>', 'longest time between rule syncs').env('K8TS_SYNC_PERIOD').default(30_000, '30s').argParser(parseDuration))
    .addOption(new Option('--cluster-cidr <cidr>', 'pod CIDR: clients from it count as in-cluster (upstream flag)').env('K8TS_CLUSTER_CIDR').default('127.244.0.0/16').argParser(cidr))
    .addOption(new Option('--udp-timeout <duration>', 'idle timeout of a UDP client session (upstream userspace --udp-timeout)').env('K8TS_UDP_TIMEOUT').default(250, '250ms').argParser(parseDuration))
    .addOption(new Option('--log-level <level>', 'pino log level').env('K8TS_LOG_LEVEL').default('info'))
    .exitOverride();
  const o = parseOptions(program, argv, env);
  if (o.syncPeriod <= 0) throw new Error('--sync-period must be positive');
  if (o.minSyncPeriod > o.syncPeriod) throw new Error('--min-sync-period must not exceed --sync-period');
  if (o.udpTimeout <= 0) throw new Error('--udp-timeout must be positive');
  const nodeNames: string[] = o.nodeNames ?? (o.hostnameOverride ? [] : [...DEFAULT_NODE_NAMES]);
  if (o.hostnameOverride && !nodeNames.includes(o.hostnameOverride)) nodeNames.push(o.hostnameOverride);
  return {
    apiAddress: o.apiAddress,
    natsUrl: o.natsUrl,
    watchVia: o.watchVia,
    nodeIPs: o.nodeIp ?? [...DEFAULT_NODE_IPS],
    nodeNames,
    metricsBindAddress: o.metricsBindAddress,
    healthzBindAddress: o.healthzBindAddress,
    minSyncPeriodMs: o.minSyncPeriod,
    syncPeriodMs: o.syncPeriod,
    clusterCIDR: o.clusterCidr,
    udpIdleTimeoutMs: o.udpTimeout,
    logLevel: o.logLevel,
  };
}
