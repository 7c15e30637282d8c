// Real processes for integration tests: nats-server + the apiserver program
// (bundled main.ts; flags as the apiserver's own fixture uses them) and any
// number of endpoints-controller processes. Ports are free loopback ports.
// Test-only: never import from production code.
import { createApiClient, type ApiClient } from '@k8ts/client';
import { appBundle, freePort, type ManagedProcess, type NatsServerHandle, startProcess, startApiServer } from '@k8ts/testing';

export interface ControlPlane {
  nats: NatsServerHandle;
  apiserver: ManagedProcess;
  client: ApiClient;
  grpcAddress: string;
  stop(): Promise<void>;
}

export async function startControlPlane(): Promise<ControlPlane> {
  const cp = await startApiServer();
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

export interface ControllerProcess {
  proc: ManagedProcess;
  identity: string;
  port: number;
  /** GET a path of the health/metrics server; the body. */
  get(path: string): Promise<{ status: number; body: string }>;
  /** Value of leader_election_master_status (1 leader, 0 not), or undefined before it is set. */
  leaderStatus(): Promise<number | undefined>;
}

export interface ControllerProcessOptions {
  identity: string;
  extraArgs?: string[];
}

/** Starts the endpoints-controller program; resolves once /readyz is ok (caches synced). */
export async function startEndpointsControllerProcess(cp: ControlPlane, opts: ControllerProcessOptions): Promise<ControllerProcess> {
  const bundle = await appBundle('endpoints-controller');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = await startProcess(
    process.execPath,
    [bundle, '--api-address', cp.grpcAddress, '--nats-url', cp.nats.url, '--port', String(port), '--identity', opts.identity, '--log-level', 'info', ...(opts.extraArgs ?? [])],
    {
      name: opts.identity,
      env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
      readyCheck: async () => (await fetch(`${base}/readyz`)).ok,
      readyTimeoutMs: 20_000,
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
    async leaderStatus() {
      const { body } = await get('/metrics');
      const m = /^leader_election_master_status\{[^}]*\} (\d+)/m.exec(body);
      return m ? Number(m[1]) : undefined;
    },
  };
}
