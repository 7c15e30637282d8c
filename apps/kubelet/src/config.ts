// kubelet configuration: flags (upstream names where upstream has one), each
// with a K8TS_* environment variable fallback. Node address defaults follow
// the address plan: node N (the trailing number of --node-name) gets node IP
// 127.10.0.N and podCIDR 127.244.N.0/24.
import { parseOptions } from '@k8ts/cli';
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseCidr } from './node/ipam';

export type WatchVia = 'nats' | 'grpc';

export interface KubeletConfig {
  nodeName: string;
  nodeIP: string;
  podCIDR: string;
  apiAddress: string;
  natsUrl: string;
  /** Address the kubelet API and healthz listen on (default: the node IP). */
  bindAddress: string;
  port: number;
  healthzPort: number;
  rootDir: string;
  /** Capacity quantities. */
  cpu: string;
  memory: string;
  maxPods: number;
  nodeLeaseRenewIntervalSeconds: number;
  nodeStatusUpdateFrequencySeconds: number;
  crashloopBackoffBaseSeconds: number;
  /** Image catalog file (image → command), if any. */
  imageCatalog: string | undefined;
  /** Path of the k8ts/echo bundle. */
  echoEntry: string;
  /** Cluster DNS server and domain handed to ClusterFirst pods (empty server: none). */
  clusterDNS: string;
  clusterDomain: string;
  /** Private mount namespaces with bind-mounted emptyDirs: auto (when root), on, off. */
  mountNamespaces: 'auto' | 'on' | 'off';
  watchVia: WatchVia;
  logLevel: string;
}

/** The N of a node name ending in a number ("node-3" → 3), if it fits the address plan (1..254). */
export function nodeNumber(nodeName: string): number | undefined {
  const m = /(\d+)$/.exec(nodeName);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= 254 ? n : undefined;
}

/** The monorepo root (nearest folder with nx.json above this file or the cwd), else the cwd. */
export function workspaceRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'nx.json'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return process.cwd();
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): KubeletConfig {
  const int = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
    return n;
  };
  const port = (v: string) => {
    const n = int(v);
    if (n > 65535) throw new Error(`not a port: ${v}`);
    return n;
  };
  const positive = (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number: ${v}`);
    return n;
  };
  const ipv4 = (v: string) => {
    const m = IPV4.exec(v);
    if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new Error(`not an IPv4 address: ${v}`);
    return v;
  };
  const cidr = (v: string) => {
    parseCidr(v);
    return v;
  };
  const program = new Command('kubelet')
    .description('k8ts kubelet: registers the node, runs the pods bound to it, serves logs/exec/health')
    .addOption(new Option('--node-name <name>', 'name of this node').env('K8TS_NODE_NAME').default('node-1'))
    .addOption(new Option('--node-ip <ip>', 'node IP (default 127.10.0.<N> from the trailing number of --node-name)').env('K8TS_NODE_IP').argParser(ipv4))
    .addOption(new Option('--pod-cidr <cidr>', 'pod IP range of this node (default 127.244.<N>.0/24)').env('K8TS_POD_CIDR').argParser(cidr))
    .addOption(new Option('--api-address <host:port>', 'apiserver gRPC address').env('K8TS_API_ADDRESS').default('127.0.0.1:6444'))
    .addOption(new Option('--nats-url <url>', 'NATS server URL(s), comma-separated').env('NATS_URL').default('nats://127.0.0.1:4222'))
    .addOption(new Option('--bind-address <ip>', 'address of the kubelet API and healthz (default: the node IP)').env('K8TS_BIND_ADDRESS').argParser(ipv4))
    .addOption(new Option('--port <port>', 'kubelet API port (logs, exec, metrics)').env('K8TS_KUBELET_PORT').default(10250).argParser(port))
    .addOption(new Option('--healthz-port <port>', 'plain healthz port').env('K8TS_HEALTHZ_PORT').default(10248).argParser(port))
    .addOption(new Option('--root-dir <dir>', 'state directory (default .k8ts/kubelet/<node-name>)').env('K8TS_ROOT_DIR'))
    .addOption(new Option('--cpu <quantity>', 'cpu capacity (default: number of host CPUs)').env('K8TS_CPU'))
    .addOption(new Option('--memory <quantity>', 'memory capacity (default: host memory)').env('K8TS_MEMORY'))
    .addOption(new Option('--max-pods <n>', 'pod capacity').env('K8TS_MAX_PODS').default(110).argParser(int))
    .addOption(new Option('--node-lease-renew-interval-seconds <s>', 'node Lease renew interval').env('K8TS_NODE_LEASE_RENEW_INTERVAL_SECONDS').default(10).argParser(positive))
    .addOption(new Option('--node-status-update-frequency-seconds <s>', 'node status check interval').env('K8TS_NODE_STATUS_UPDATE_FREQUENCY_SECONDS').default(10).argParser(positive))
    .addOption(new Option('--crashloop-backoff-base-seconds <s>', 'first CrashLoopBackOff delay (doubles up to 5 min)').env('K8TS_CRASHLOOP_BACKOFF_BASE_SECONDS').default(10).argParser(positive))
    .addOption(new Option('--image-catalog <file>', 'image catalog file (image → command)').env('K8TS_IMAGE_CATALOG'))
    .addOption(new Option('--cluster-dns <ip>', 'cluster DNS server for ClusterFirst pods (the kube-dns ClusterIP; "" for none)').env('K8TS_CLUSTER_DNS').default('127.96.0.10'))
    .addOption(new Option('--cluster-domain <domain>', 'cluster DNS domain').env('K8TS_CLUSTER_DOMAIN').default('cluster.local'))
    .addOption(new Option('--mount-namespaces <mode>', 'bind emptyDir volumes at their mountPath in a private mount namespace per container (needs root)').env('K8TS_MOUNT_NAMESPACES').default('auto').choices(['auto', 'on', 'off']))
    .addOption(new Option('--echo-entry <path>', 'k8ts/echo bundle (default <workspace>/dist/apps/echo/main.js)').env('K8TS_ECHO_ENTRY'))
    .addOption(new Option('--watch-via <how>', 'informer watches: the NATS change log or the apiserver gRPC watch').env('K8TS_WATCH_VIA').default('nats').choices(['nats', 'grpc']))
    .addOption(new Option('--log-level <level>', 'pino log level').env('K8TS_LOG_LEVEL').default('info'))
    .exitOverride();
  const o = parseOptions(program, argv, env);
  const nodeName: string = o.nodeName;
  const n = nodeNumber(nodeName) ?? 1;
  const nodeIP: string = o.nodeIp ?? `127.10.0.${n}`;
  return {
    nodeName,
    nodeIP,
    podCIDR: o.podCidr ?? `127.244.${n}.0/24`,
    apiAddress: o.apiAddress,
    natsUrl: o.natsUrl,
    bindAddress: o.bindAddress ?? nodeIP,
    port: o.port,
    healthzPort: o.healthzPort,
    rootDir: o.rootDir ?? join('.k8ts', 'kubelet', nodeName),
    cpu: o.cpu ?? String(Math.max(1, cpus().length)),
    memory: o.memory ?? `${Math.floor(totalmem() / 1024)}Ki`,
    maxPods: o.maxPods,
    nodeLeaseRenewIntervalSeconds: o.nodeLeaseRenewIntervalSeconds,
    nodeStatusUpdateFrequencySeconds: o.nodeStatusUpdateFrequencySeconds,
    crashloopBackoffBaseSeconds: o.crashloopBackoffBaseSeconds,
    imageCatalog: o.imageCatalog,
    mountNamespaces: o.mountNamespaces,
    clusterDNS: o.clusterDns,
    clusterDomain: o.clusterDomain,
    echoEntry: o.echoEntry ?? join(workspaceRoot(), 'dist', 'apps', 'echo', 'main.js'),
    watchVia: o.watchVia,
    logLevel: o.logLevel,
  };
}
