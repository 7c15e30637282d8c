// Real processes for the kube-proxy integration tests: nats-server, the
// apiserver (service CIDR 127.100.0.0/16, this suite's block), one
// kube-proxy serving node IPs 127.10.0.20/21 (nodes node-20, node-21), and
// k8ts/echo processes as endpoints on 127.244.2x.y. Services are
// selector-less, with EndpointSlices written by the test.
// Test-only: never import from production code.
import type { EndpointSlice, Service } from '@k8ts/api';
import { createApiClient, type ApiClient } from '@k8ts/client';
import { appBundle, freePort, startProcess, waitFor, type ManagedProcess, type NatsServerHandle, startApiServer } from '@k8ts/testing';
import { request } from 'node:http';

export const NODE_IPS = ['127.10.0.20', '127.10.0.21'];
export const NODE_NAMES = ['node-20', 'node-21'];
/** This suite's service CIDR is 127.100.0.0/16; each spec file takes a half so files can run side by side. */
export const SERVICE_CIDR = '127.100.0.0/17';
export const TRACING_SERVICE_CIDR = '127.100.128.0/17';

export interface KubeProxyProcess {
  proc: ManagedProcess;
  metricsPort: number;
  healthPort: number;
  metrics(): Promise<string>;
  /** The value of a metric line (name with labels as written), or 0. */
  metric(nameAndLabels: string): Promise<number>;
}

export interface ProxyCluster {
  nats: NatsServerHandle;
  apiserver: ManagedProcess;
  client: ApiClient;
  grpcAddress: string;
  /** Undefined when started with withProxy: false. */
  proxy: KubeProxyProcess;
  stop(): Promise<void>;
}

export interface ProxyClusterOptions {
  serviceCIDR?: string;
  /** Start the kube-proxy process (default true). */
  withProxy?: boolean;
}

export async function startKubeProxy(grpcAddress: string, natsUrl: string, extraArgs: string[] = []): Promise<KubeProxyProcess> {
  const metricsPort = await freePort();
  const healthPort = await freePort();
  const proc = await startProcess(
    process.execPath,
    [
      await appBundle('kube-proxy'),
      '--api-address', grpcAddress,
      '--nats-url', natsUrl,
      '--node-ip', NODE_IPS.join(','),
      '--node-names', NODE_NAMES.join(','),
      '--metrics-bind-address', `127.0.0.1:${metricsPort}`,
      '--healthz-bind-address', `127.0.0.1:${healthPort}`,
      '--min-sync-period', '10ms',
      '--sync-period', '5s',
      '--log-level', 'info',
      ...extraArgs,
    ],
    {
      name: 'kube-proxy',
      env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
      readyCheck: async () => (await fetch(`http://127.0.0.1:${healthPort}/healthz`)).ok,
      readyTimeoutMs: 30_000,
    },
  );
  const metrics = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return {
    proc,
    metricsPort,
    healthPort,
    metrics,
    async metric(nameAndLabels: string) {
      const text = await metrics();
      const line = text.split('\n').find((l) => l.startsWith(nameAndLabels + ' '));
      return line ? Number(line.slice(nameAndLabels.length + 1)) : 0;
    },
  };
}

export async function startProxyCluster(opts: ProxyClusterOptions = {}): Promise<ProxyCluster> {
  const cp = await startApiServer({ serviceCIDR: opts.serviceCIDR ?? SERVICE_CIDR });
  const client = createApiClient({ address: cp.grpcAddress, deadlineMs: 10_000 });
  try {
    const proxy = (opts.withProxy ?? true) ? await startKubeProxy(cp.grpcAddress, cp.nats.url) : (undefined as unknown as KubeProxyProcess);
    return {
      nats: cp.nats,
      apiserver: cp.apiserver,
      client,
      grpcAddress: cp.grpcAddress,
      proxy,
      async stop() {
        client.close();
        await proxy?.proc.stop();
        await cp.stop();
      },
    };
  } catch (err) {
    client.close();
    await cp.stop().catch(() => undefined);
    throw err;
  }
}

/** Starts a k8ts/echo process as the "pod" `name` on ip:port, on `node`. */
export async function startEcho(name: string, ip: string, port: number, node: string): Promise<ManagedProcess> {
  return startProcess(process.execPath, [await appBundle('echo')], {
    name,
    env: { ...process.env, OTEL_SDK_DISABLED: 'true', POD_IP: ip, PORT: String(port), POD_NAME: name, POD_NAMESPACE: 'default', NODE_NAME: node },
    readyCheck: async () => (await fetch(`http://${ip}:${port}/healthz`)).ok,
    readyTimeoutMs: 20_000,
  });
}

/** A selector-less Service (the test writes its EndpointSlices). */
export function selectorless(name: string, spec: Service['spec'] = {}): Service {
  return { metadata: { name, namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }], ...spec } };
}

export interface SliceEndpoint {
  ip: string;
  node: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function endpointSlice(service: string, ports: { name?: string; port: number; protocol?: string }[], endpoints: SliceEndpoint[], sliceName = `${service}-1`): EndpointSlice {
  return {
    metadata: { name: sliceName, namespace: 'default', labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'test' } },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: endpoints.map((e) => {
      const ready = e.ready ?? true;
      return { addresses: [e.ip], nodeName: e.node, conditions: { ready, serving: e.serving ?? ready, terminating: e.terminating ?? false } };
    }),
  };
}

/** GET http://ip:port/ on a fresh connection (no keep-alive); the answering pod's name. */
export function whoAnswers(ip: string, port: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port, path: '/', agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${ip}:${port}: ${res.statusCode}`));
        try {
          resolve((JSON.parse(Buffer.concat(chunks).toString()) as { pod: string }).pod);
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${ip}:${port}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Waits until GETs through ip:port are answered. */
export function waitServing(ip: string, port: number, desc: string): Promise<string> {
  return waitFor(() => whoAnswers(ip, port, 2000), { timeoutMs: 20_000, intervalMs: 50, desc });
}
