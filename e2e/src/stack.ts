// The whole k8ts stack as real processes, for the end-to-end suite:
// nats-server, apiserver, scheduler, controller-manager,
// endpoints-controller, two kubelets, dns and kube-proxy, every one
// exporting spans to an in-process OTLP/HTTP JSON collector.
//
// Addresses come from the e2e block of docs/architecture.md (service CIDR
// 127.104.0.0/16, nodes node-60/node-61, LoadBalancer pool 127.243.0.0/24)
// and every port is a free one, so the suite runs next to `npm start` and
// next to other projects' integration tests.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '@k8ts/api';
import { createApiClient, type ApiClient } from '@k8ts/client';
import { appBundle, freePort, type ApiServerHandle, type ManagedProcess, startApiServer, startProcess, waitFor } from '@k8ts/testing';
import { startCollector, type Collector, type SpanRecord } from '@k8ts/trace';

export const SERVICE_CIDR = '127.104.0.0/16';
export const CLUSTER_DNS_IP = '127.104.0.10';
export const LB_POOL = '127.243.0.0/24';
export const NODES = [60, 61].map((n) => ({ name: `node-${n}`, ip: `127.10.0.${n}` }));
const DNS_BIND = '127.53.0.60';

export interface Stack {
  client: ApiClient;
  /** Kubernetes REST API base URL (http://127.0.0.1:<port>). */
  apiURL: string;
  /** kube-proxy's /metrics URL. */
  kubeProxyMetricsURL: string;
  /** Spans received so far from every component and echo pod. */
  spans: SpanRecord[];
  processes: Map<string, ManagedProcess>;
  /** Kills a node's kubelet with SIGKILL (its pods keep running, as on a real node that lost its agent). */
  killKubelet(node: string): Promise<void>;
  /** Starts a node's kubelet again on the same state (it adopts its pods). */
  startKubelet(node: string): Promise<void>;
  /** Deletes every pod, stops everything, returns leftover pod processes (should be none). */
  stop(): Promise<string[]>;
}

function readyURL(url: string): () => Promise<boolean> {
  return async () => (await fetch(url)).ok;
}

export async function startStack(): Promise<Stack> {
  const spans: SpanRecord[] = [];
  const processes = new Map<string, ManagedProcess>();
  const rootDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-'));
  let control: ApiServerHandle | undefined;
  let collector: Collector | undefined;
  let client: ApiClient | undefined;

  const stopAll = async (): Promise<string[]> => {
    // No ReplicaSet may replace the pods being deleted.
    await processes.get('controller-manager')?.stop();
    if (client) {
      const c = client;
      const { items } = await c.pods.list({}).catch(() => ({ items: [] as Pod[] }));
      await Promise.all(items.map((p) => c.pods.delete(p.metadata?.namespace, p.metadata?.name ?? '', { gracePeriodSeconds: 1 }).catch(() => undefined)));
      await waitFor(async () => (await c.pods.list({})).items.length === 0, { timeoutMs: 30_000, desc: 'pods torn down' }).catch(() => undefined);
      c.close();
    }
    for (const p of [...processes.values()].reverse()) await p.stop();
    await control?.stop();
    await collector?.close();
    const leftovers = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(rootDir);
        } catch {
          return false;
        }
      });
    // Reported to the test, and killed regardless so nothing outlives the suite.
    for (const pid of leftovers) {
      // A container shim leads its container's process group: take the whole group.
      for (const target of [-Number(pid), Number(pid)]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          /* gone, or not a group leader */
        }
      }
    }
    rmSync(rootDir, { recursive: true, force: true });
    return leftovers;
  };

  try {
    collector = await startCollector({ host: '127.0.0.1', port: 0, onSpans: (s) => spans.push(...s) });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OTEL_SDK_DISABLED: 'false',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${collector.port}/v1/traces`,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    };
    const logLevel = process.env['K8TS_E2E_LOG_LEVEL'] ?? 'warn';
    const run = async (name: string, app: string, args: string[], ready: () => Promise<boolean>, extraEnv: NodeJS.ProcessEnv = {}) => {
      const p = await startProcess(process.execPath, [await appBundle(app), ...args, '--log-level', logLevel], {
        name,
        env: { ...env, ...extraEnv },
        readyCheck: ready,
        readyTimeoutMs: 45_000,
      });
      processes.set(name, p);
      return p;
    };

    control = await startApiServer({ serviceCIDR: SERVICE_CIDR, env, logLevel, readyTimeoutMs: 45_000 });
    const api = ['--api-address', control.grpcAddress, '--nats-url', control.nats.url];
    client = createApiClient({ address: control.grpcAddress });

    const schedPort = await freePort();
    await run('scheduler', 'scheduler', [...api, '--port', String(schedPort)], readyURL(`http://127.0.0.1:${schedPort}/readyz`));
    const cmPort = await freePort();
    await run(
      'controller-manager',
      'controller-manager',
      [...api, '--port', String(cmPort), '--load-balancer-ip-pool', LB_POOL, '--node-monitor-grace-period', '8', '--node-monitor-period', '1', '--default-unreachable-toleration-seconds', '4', '--default-not-ready-toleration-seconds', '4'],
      readyURL(`http://127.0.0.1:${cmPort}/readyz`),
    );
    const epPort = await freePort();
    await run('endpoints-controller', 'endpoints-controller', [...api, '--port', String(epPort)], readyURL(`http://127.0.0.1:${epPort}/readyz`));

    const echoEntry = await appBundle('echo');
    const kubelets = new Map<string, () => Promise<ManagedProcess>>();
    for (const n of NODES) {
      const kubeletPort = await freePort();
      const healthzPort = await freePort();
      const launch = () => run(
        `kubelet/${n.name}`,
        'kubelet',
        [
          ...api,
          '--node-name', n.name,
          '--root-dir', join(rootDir, n.name),
          '--port', String(kubeletPort),
          '--healthz-port', String(healthzPort),
          '--echo-entry', echoEntry,
          '--cluster-dns', CLUSTER_DNS_IP,
          '--node-lease-renew-interval-seconds', '1',
          '--node-status-update-frequency-seconds', '1',
          '--crashloop-backoff-base-seconds', '1',
        ],
        readyURL(`http://${n.ip}:${healthzPort}/healthz`),
        { K8TS_NODE_NAME: n.name },
      );
      kubelets.set(n.name, launch);
      await launch();
    }

    const dnsPort = await freePort(DNS_BIND);
    const dnsHealth = await freePort();
    await run(
      'dns',
      'dns',
      [...api, '--bind-address', DNS_BIND, '--port', String(dnsPort), '--health-port', `127.0.0.1:${dnsHealth}`, '--cluster-dns-ip', CLUSTER_DNS_IP],
      readyURL(`http://127.0.0.1:${dnsHealth}/readyz`),
    );
    const proxyMetrics = await freePort();
    const proxyHealthz = await freePort();
    await run(
      'kube-proxy',
      'kube-proxy',
      [
        ...api,
        '--node-ip', NODES.map((n) => n.ip).join(','),
        '--node-names', NODES.map((n) => n.name).join(','),
        '--metrics-bind-address', `127.0.0.1:${proxyMetrics}`,
        '--healthz-bind-address', `127.0.0.1:${proxyHealthz}`,
        '--min-sync-period', '100ms',
      ],
      readyURL(`http://127.0.0.1:${proxyHealthz}/healthz`),
    );

    const c = client;
    await waitFor(async () => (await c.nodes.list({})).items.filter((n) => n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length === NODES.length, {
      timeoutMs: 30_000,
      desc: 'both nodes Ready',
    });
    return { client: c, apiURL: control.restURL, kubeProxyMetricsURL: `http://127.0.0.1:${proxyMetrics}/metrics`, spans,
      processes,
      async killKubelet(node) {
        await processes.get(`kubelet/${node}`)?.stop({ signal: 'SIGKILL' });
      },
      async startKubelet(node) {
        const launch = kubelets.get(node);
        if (!launch) throw new Error(`no kubelet ${node}`);
        await launch();
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
