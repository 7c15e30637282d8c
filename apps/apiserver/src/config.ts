// apiserver configuration: flags (upstream names where upstream has one),
// each with a K8TS_* environment variable fallback.
import { parseOptions } from '@k8ts/cli';
import { Command, Option } from 'commander';

export interface ApiServerConfig {
  natsUrl: string;
  bindAddress: string;
  /** Kubernetes REST API + /healthz /readyz /livez /metrics. */
  securePort: number;
  grpcPort: number;
  advertiseAddress: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  /** 0 disables compaction. */
  compactionIntervalSeconds: number;
  stream: string;
  streamReplicas: number;
  logLevel: string;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ApiServerConfig {
  const int = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
    return n;
  };
  const program = new Command('apiserver')
    .description('k8ts apiserver: gRPC component API and Kubernetes REST API over NATS JetStream storage')
    .addOption(new Option('--nats-url <url>', 'NATS server URL(s), comma-separated').env('NATS_URL').default('nats://127.0.0.1:4222'))
    .addOption(new Option('--bind-address <ip>', 'address to listen on (loopback)').env('K8TS_BIND_ADDRESS').default('127.0.0.1'))
    .addOption(new Option('--secure-port <port>', 'Kubernetes REST API and health port').env('K8TS_SECURE_PORT').default(6443).argParser(int))
    .addOption(new Option('--grpc-port <port>', 'component gRPC API port').env('K8TS_GRPC_PORT').default(6444).argParser(int))
    .addOption(new Option('--advertise-address <ip>', 'address published in the kubernetes Endpoints').env('K8TS_ADVERTISE_ADDRESS').default('127.0.0.1'))
    .addOption(new Option('--service-cluster-ip-range <cidr>', 'ClusterIP range').env('K8TS_SERVICE_CLUSTER_IP_RANGE').default('127.96.0.0/12'))
    .addOption(new Option('--service-node-port-range <range>', 'NodePort range').env('K8TS_SERVICE_NODE_PORT_RANGE').default('30000-32767'))
    .addOption(new Option('--compaction-interval-seconds <s>', 'storage compaction interval (0: never)').env('K8TS_COMPACTION_INTERVAL_SECONDS').default(300).argParser(int))
    .addOption(new Option('--stream <name>', 'JetStream stream holding the objects').env('K8TS_STREAM').default('K8TS'))
    .addOption(new Option('--stream-replicas <n>', 'stream replicas (3 on a NATS cluster)').env('K8TS_STREAM_REPLICAS').default(1).argParser(int))
    .addOption(new Option('--log-level <level>', 'pino log level').env('K8TS_LOG_LEVEL').default('info'))
    .exitOverride();
  const o = parseOptions(program, argv, env);
  return {
    natsUrl: o.natsUrl,
    bindAddress: o.bindAddress,
    securePort: o.securePort,
    grpcPort: o.grpcPort,
    advertiseAddress: o.advertiseAddress,
    serviceClusterIpRange: o.serviceClusterIpRange,
    serviceNodePortRange: o.serviceNodePortRange,
    compactionIntervalSeconds: o.compactionIntervalSeconds,
    stream: o.stream,
    streamReplicas: o.streamReplicas,
    logLevel: o.logLevel,
  };
}
