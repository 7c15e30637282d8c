// Real processes for integration tests: nats-server, the apiserver program
// (service CIDR 127.103.0.0/16, the controller-manager block of the address
// plan) and controller-manager processes. Ports are free loopback ports.
// Test-only: never import from production code.
import { createApiClient, type ApiClient } from '@k8ts/client';
import { appBundle, freePort, type ManagedProcess, type NatsServerHandle, startProcess, startApiServer } from '@k8ts/testing';

export const SERVICE_CIDR = '127.103.0.0/16';

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

export interface ControllerManagerProcess {
  proc: ManagedProcess;
  identity: string;
  port: number;
  get(path: string): Promise<{ status: number; body: string }>;
  /** A sample of a metric from /metrics ("name{labels}" exact), or undefined. */
  metric(series: string): Promise<number | undefined>;
}

export interface ControllerManagerProcessOptions {
  identity: string;
  controllers?: string;
  extraArgs?: string[];
}

/** Starts the controller-manager program; resolves once /readyz is ok (caches synced). */
export async function startControllerManager(cp: ControlPlane, opts: ControllerManagerProcessOptions): Promise<ControllerManagerProcess> {
  const bundle = await appBundle('controller-manager');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = await startProcess(
    process.execPath,
    [
      bundle,
      '--api-address',
      cp.grpcAddress,
      '--nats-url',
      cp.nats.url,
      '--port',
      String(port),
      '--identity',
      opts.identity,
      '--controllers',
      opts.controllers ?? 'replicaset,deployment',
      '--leader-elect-lease-duration',
      '4',
      '--leader-elect-renew-deadline',
      '3',
      '--leader-elect-retry-period',
      '0.5',
      '--log-level',
      'info',
      ...(opts.extraArgs ?? []),
    ],
    {
      name: opts.identity,
      env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
      readyCheck: async () => (await fetch(`${base}/readyz`)).ok,
      readyTimeoutMs: 30_000,
    },
  );
  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, body: await res.text() };
  };
  return {
    proc,
    identity: opts.identity,
    port,
    get,
    async metric(series) {
      const { body } = await get('/metrics');
      for (const line of body.split('\n')) {
        if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
      }
      return undefined;
    },
  };
}
