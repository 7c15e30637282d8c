// dns configuration: commander flags, each with an environment variable
// fallback (K8TS_DNS_* where a generic name would clash with other programs
// started from one environment).
import { parseOptions } from '@k8ts/cli';
import { isIP } from 'node:net';
import { Command, Option } from 'commander';

export type WatchVia = 'nats' | 'grpc';

export interface DnsConfig {
  /** apiserver gRPC address (host:port). */
  apiAddress: string;
  natsUrl: string;
  watchVia: WatchVia;
  /** The zone served, without a trailing dot (cluster.local). */
  clusterDomain: string;
  /** UDP and TCP listen address. */
  bindAddress: string;
  port: number;
  /** Health (/healthz, /readyz) and /metrics server. */
  healthHost: string;
  healthPort: number;
  /** ClusterIP of the kube-system/kube-dns Service this process registers. */
  clusterDnsIP: string;
  /** Whether to create/maintain the kube-dns Service and Endpoints. */
  registerService: boolean;
  /** TTL of every answer, in seconds. */
  ttl: number;
  logLevel: string;
}

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
}

function port(v: string): number {
  const n = int(v);
  if (n > 65535) throw new Error(`not a port: ${v}`);
  return n;
}

function ip(v: string): string {
  if (!isIP(v)) throw new Error(`not an IP address: ${v}`);
  return v;
}

function bool(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Error(`not a boolean: ${v}`);
}

/** "host:port" or a bare port (host 127.0.0.1). */
export function parseHostPort(v: string, defaultHost = '127.0.0.1'): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  if (i < 0) return { host: defaultHost, port: port(v) };
  const host = v.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? defaultHost : ip(host), port: port(v.slice(i + 1)) };
}

function domain(v: string): string {
  const d = v.toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(d)) throw new Error(`not a DNS domain: ${v}`);
  return d;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): DnsConfig {
  const program = new Command('dns')
    .description('k8ts dns: cluster DNS per the Kubernetes DNS-based service discovery specification')
    .addOption(new Option('--api-address <host:port>', 'apiserver gRPC address').env('K8TS_API_ADDRESS').default('127.0.0.1:6444'))
    .addOption(new Option('--nats-url <url>', 'NATS server URL(s), comma-separated (watches)').env('NATS_URL').default('nats://127.0.0.1:4222'))
    .addOption(new Option('--watch-via <how>', 'informer watches: the NATS change log or the apiserver gRPC watch').env('K8TS_WATCH_VIA').default('nats').choices(['nats', 'grpc']))
    .addOption(new Option('--cluster-domain <domain>', 'the zone served').env('K8TS_CLUSTER_DOMAIN').default('cluster.local').argParser(domain))
    .addOption(new Option('--bind-address <ip>', 'UDP and TCP listen address (loopback)').env('K8TS_DNS_BIND_ADDRESS').default('127.53.0.1').argParser(ip))
    .addOption(new Option('--port <port>', 'UDP and TCP DNS port (53 needs root)').env('K8TS_DNS_PORT').default(5353).argParser(port))
    .addOption(new Option('--health-port <[host:]port>', 'health (/healthz, /readyz) and /metrics address').env('K8TS_DNS_HEALTH_PORT').default('127.0.0.1:9153'))
    .addOption(new Option('--cluster-dns-ip <ip>', 'ClusterIP of the kube-system/kube-dns Service').env('K8TS_CLUSTER_DNS_IP').default('127.96.0.10').argParser(ip))
    .addOption(new Option('--register-service [bool]', 'create and maintain the kube-dns Service and Endpoints').env('K8TS_DNS_REGISTER_SERVICE').default(true).preset('true').argParser(bool))
    .addOption(new Option('--ttl <seconds>', 'TTL of answers (CoreDNS kubernetes plugin default: 5)').env('K8TS_DNS_TTL').default(5).argParser(int))
    .addOption(new Option('--log-level <level>', 'pino log level').env('K8TS_LOG_LEVEL').default('info'))
    .exitOverride();
  const o = parseOptions(program, argv, env);
  const health = parseHostPort(String(o.healthPort));
  if (o.ttl > 3600) throw new Error('--ttl must be at most 3600');
  return {
    apiAddress: o.apiAddress,
    natsUrl: o.natsUrl,
    watchVia: o.watchVia,
    clusterDomain: o.clusterDomain,
    bindAddress: o.bindAddress,
    port: o.port,
    healthHost: health.host,
    healthPort: health.port,
    clusterDnsIP: o.clusterDnsIp,
    registerService: o.registerService,
    ttl: o.ttl,
    logLevel: o.logLevel,
  };
}
