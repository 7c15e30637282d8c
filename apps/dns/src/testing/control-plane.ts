// Real processes for the dns integration tests: nats-server, the apiserver
// (service range 127.101.0.0/16, this suite's block), the dns program and,
// when asked, the endpoints-controller. Ports are free loopback ports.
// Test-only: never import from production code.
import { createApiClient, type ApiClient } from '@k8ts/client';
import { appBundle, freePort, type ManagedProcess, type NatsServerHandle, startProcess, startApiServer } from '@k8ts/testing';

export const SERVICE_CIDR = '127.101.0.0/16';
export const CLUSTER_DNS_IP = '127.101.0.10';
export const DNS_BIND = '127.53.0.31';

export interface ControlPlane {
  nats: NatsServerHandle;
  apiserver: ManagedProcess;
  client: ApiClient;
  grpcAddress: string;
  stop(): Promise<void>;
}

export async function startControlPlane(): Promise<ControlPlane> {
  const cp = await startApiServer({ serviceCIDR: SERVICE_CIDR });
  const client = createApiClient({ address: cp.grpcAddress, deadlineMs: 10_000 });
  return {
    nats: cp.nats,
    apiserver: cp.apiserver,
    client,
    grpcAddress: cp.grpcAddress,
    async stop() {
      client.close();
      await cp.stop();
    },
  };
}

export interface DnsProcess {
  proc: ManagedProcess;
  /** The UDP/TCP DNS port. */
  port: number;
  healthPort: number;
  server: string;
  get(path: string): Promise<{ status: number; body: string }>;
}

/** Starts the dns program on DNS_BIND and a free port; resolves once /readyz is ok (caches synced). */
export async function startDnsProcess(cp: ControlPlane, extraArgs: string[] = [], bind = DNS_BIND): Promise<DnsProcess> {
  const bundle = await appBundle('dns');
  const port = await freePort(bind);
  const healthPort = await freePort();
  const base = `http://127.0.0.1:${healthPort}`;
  const proc = await startProcess(
    process.execPath,
    [
      bundle,
      '--api-address',
      cp.grpcAddress,
      '--nats-url',
      cp.nats.url,
      '--bind-address',
      bind,
      '--port',
      String(port),
      '--health-port',
      `127.0.0.1:${healthPort}`,
      '--cluster-dns-ip',
      CLUSTER_DNS_IP,
      '--log-level',
      'info',
      ...extraArgs,
    ],
    {
      name: 'dns',
      env: { OTEL_SDK_DISABLED: 'true' },
      readyCheck: async () => (await fetch(`${base}/readyz`)).ok,
      readyTimeoutMs: 30_000,
    },
  );
  return {
    proc,
    port,
    healthPort,
    server: `${bind}:${port}`,
    async get(path: string) {
      const res = await fetch(base + path);
      return { status: res.status, body: await res.text() };
    },
  };
}

/** Starts the endpoints-controller program (leader election on, short lease); resolves once /readyz is ok. */
export async function startEndpointsController(cp: ControlPlane): Promise<ManagedProcess> {
  const bundle = await appBundle('endpoints-controller');
  const port = await freePort();
  return startProcess(
    process.execPath,
    [bundle, '--api-address', cp.grpcAddress, '--nats-url', cp.nats.url, '--port', String(port), '--identity', 'dns-suite-ec', '--log-level', 'warn'],
    {
      name: 'endpoints-controller',
      env: { OTEL_SDK_DISABLED: 'true' },
      readyCheck: async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok,
      readyTimeoutMs: 30_000,
    },
  );
}
