// nats-server plus the real apiserver program (bundled main.ts) on free
// loopback ports: the start of every integration test that needs a control
// plane. Pass the suite's own service CIDR (docs/architecture.md §10) so
// suites that bind Service IPs never collide.
// Test-only: never import from production code.
import { appBundle } from './app-bundle';
import { freePort } from './free-port';
import { startNatsServer, type NatsServerHandle } from './nats-server';
import { startProcess, type ManagedProcess } from './process';

export interface ApiServerOptions {
  /** --service-cluster-ip-range (default: the apiserver's own default). */
  serviceCIDR?: string;
  /** Extra apiserver flags. */
  args?: string[];
  /** Extra environment (tracing is off unless this turns it on). */
  env?: NodeJS.ProcessEnv;
  logLevel?: string;
  readyTimeoutMs?: number;
}

export interface ApiServerHandle {
  nats: NatsServerHandle;
  apiserver: ManagedProcess;
  /** host:port of the component gRPC API. */
  grpcAddress: string;
  /** http://127.0.0.1:<secure port>: the Kubernetes REST API and health. */
  restURL: string;
  /** Stops the apiserver, then nats-server. */
  stop(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServerHandle> {
  const nats = await startNatsServer();
  try {
    const grpcPort = await freePort();
    const httpPort = await freePort();
    const args = [
      await appBundle('apiserver'),
      '--nats-url', nats.url,
      '--grpc-port', String(grpcPort),
      '--secure-port', String(httpPort),
      ...(opts.serviceCIDR ? ['--service-cluster-ip-range', opts.serviceCIDR] : []),
      '--log-level', opts.logLevel ?? 'warn',
      ...(opts.args ?? []),
    ];
    const restURL = `http://127.0.0.1:${httpPort}`;
    const apiserver = await startProcess(process.execPath, args, {
      name: 'apiserver',
      env: { ...process.env, OTEL_SDK_DISABLED: 'true', ...opts.env },
      readyCheck: async () => (await fetch(`${restURL}/readyz`)).ok,
      readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
    });
    return {
      nats,
      apiserver,
      grpcAddress: `127.0.0.1:${grpcPort}`,
      restURL,
      async stop() {
        await apiserver.stop();
        await nats.stop();
      },
    };
  } catch (err) {
    await nats.stop();
    throw err;
  }
}
