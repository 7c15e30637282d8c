// Runs the real apiserver program (bundled main.ts) against a real
// nats-server, for integration tests. Ports are chosen free on loopback;
// stop() kills the process group and the NATS server.
import { createApiClient, type ApiClient } from '@k8ts/client';
import { appBundle, freePort, type ManagedProcess, startNatsServer, startProcess, type NatsServerHandle, waitFor } from '@k8ts/testing';

export interface ApiServerFixture {
  nats: NatsServerHandle;
  apiserver: ManagedProcess;
  client: ApiClient;
  grpcAddress: string;
  httpUrl: string;
  /** Kills (SIGKILL by default) and starts the apiserver again on the same ports. */
  restartApiServer(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface ApiServerFixtureOptions {
  extraArgs?: string[];
  nats?: NatsServerHandle;
}

export async function startApiServerFixture(opts: ApiServerFixtureOptions = {}): Promise<ApiServerFixture> {
  const nats = opts.nats ?? (await startNatsServer());
  const bundle = await appBundle('apiserver');
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const args = [
    bundle,
    '--nats-url', nats.url,
    '--grpc-port', String(grpcPort),
    '--secure-port', String(httpPort),
    '--log-level', 'warn',
    ...(opts.extraArgs ?? []),
  ];
  const launch = () =>
    startProcess(process.execPath, args, {
      name: 'apiserver',
      env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
      readyCheck: async () => (await fetch(`${httpUrl}/readyz`)).ok,
      readyTimeoutMs: 20_000,
    });
  const fixture: ApiServerFixture = {
    nats,
    apiserver: await launch(),
    client: createApiClient({ address: `127.0.0.1:${grpcPort}`, deadlineMs: 10_000 }),
    grpcAddress: `127.0.0.1:${grpcPort}`,
    httpUrl,
    async restartApiServer(signal: NodeJS.Signals = 'SIGKILL') {
      await fixture.apiserver.stop({ signal });
      fixture.apiserver = await launch();
      await waitFor(async () => (await fetch(`${httpUrl}/readyz`)).ok, { timeoutMs: 10_000, desc: 'apiserver ready after restart' });
    },
    async stop() {
      fixture.client.close();
      await fixture.apiserver.stop();
      if (!opts.nats) await nats.stop();
    },
  };
  return fixture;
}
