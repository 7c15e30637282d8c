// Real processes for the scheduler's integration tests: a nats-server, the
// apiserver program (bundled apps/apiserver/src/main.ts, run as a process;
// nothing is imported from that app) and any number of scheduler processes.
// Ports are chosen free on loopback; stop() kills everything it started.
import { createApiClient, type ApiClient } from '@k8ts/client';
import { appBundle, freePort, type ManagedProcess, startNatsServer, startProcess, type NatsServerHandle } from '@k8ts/testing';

export interface SchedulerProcess {
  readonly proc: ManagedProcess;
  readonly identity: string;
  /** http://127.0.0.1:port of /healthz, /readyz, /metrics */
  readonly httpUrl: string;
}

export interface ClusterFixture {
  nats: NatsServerHandle;
  apiserver: ManagedProcess;
  client: ApiClient;
  grpcAddress: string;
  apiHttpUrl: string;
  schedulers: SchedulerProcess[];
  /** Starts a scheduler process and waits until its informers are synced (/readyz). */
  startScheduler(identity: string, extraArgs?: string[]): Promise<SchedulerProcess>;
  stop(): Promise<void>;
}

const testEnv = (): NodeJS.ProcessEnv => ({ ...process.env, OTEL_SDK_DISABLED: 'true' });

export async function startClusterFixture(): Promise<ClusterFixture> {
  const nats = await startNatsServer();
  const procs: ManagedProcess[] = [];
  try {
    const [apiBundle, schedBundle] = await Promise.all([appBundle('apiserver'), appBundle('scheduler')]);
    const grpcPort = await freePort();
    const apiHttpPort = await freePort();
    const apiHttpUrl = `http://127.0.0.1:${apiHttpPort}`;
    const apiserver = await startProcess(
      process.execPath,
      [apiBundle, '--nats-url', nats.url, '--grpc-port', String(grpcPort), '--secure-port', String(apiHttpPort), '--log-level', 'warn'],
      { name: 'apiserver', env: testEnv(), readyCheck: async () => (await fetch(`${apiHttpUrl}/readyz`)).ok, readyTimeoutMs: 30_000 },
    );
    procs.push(apiserver);
    const grpcAddress = `127.0.0.1:${grpcPort}`;
    const fixture: ClusterFixture = {
      nats,
      apiserver,
      client: createApiClient({ address: grpcAddress, deadlineMs: 10_000 }),
      grpcAddress,
      apiHttpUrl,
      schedulers: [],
      async startScheduler(identity, extraArgs = []) {
        const port = await freePort();
        const httpUrl = `http://127.0.0.1:${port}`;
        const proc = await startProcess(
          process.execPath,
          [schedBundle, '--api-address', grpcAddress, '--nats-url', nats.url, '--port', String(port), '--identity', identity, '--log-level', 'info', ...extraArgs],
          { name: `scheduler ${identity}`, env: testEnv(), readyCheck: async () => (await fetch(`${httpUrl}/readyz`)).ok, readyTimeoutMs: 30_000 },
        );
        procs.push(proc);
        const s = { proc, identity, httpUrl };
        fixture.schedulers.push(s);
        return s;
      },
      async stop() {
        fixture.client.close();
        // Schedulers first (they release their lease through the apiserver), then the apiserver.
        await Promise.all(fixture.schedulers.map((s) => s.proc.stop().catch(() => undefined)));
        await Promise.all(procs.map((p) => p.stop().catch(() => undefined)));
        await nats.stop();
      },
    };
    return fixture;
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop().catch(() => undefined)));
    await nats.stop();
    throw err;
  }
}
