// Real processes for kubelet integration tests: nats-server, the apiserver
// and one kubelet (bundled main.ts files), with pods as real processes.
// Each spec uses its own node number so specs can run side by side.
// Test-only: never import from production code.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '@k8ts/api';
import { createApiClient, type ApiClient } from '@k8ts/client';
import { appBundle, freePort, type ManagedProcess, startApiServer, startProcess, waitFor } from '@k8ts/testing';

export interface KubeletFixture {
  node: string;
  nodeIP: string;
  kubeletPort: number;
  client: ApiClient;
  rootDir: string;
  kubelet: ManagedProcess;
  /** Stops the kubelet with `signal` (pods keep running) and starts a new one on the same state. */
  restartKubelet(signal?: NodeJS.Signals): Promise<void>;
  /** Deletes every pod, waits for the teardown, stops all processes; returns leftover pids under the root dir. */
  stop(): Promise<string[]>;
}

export async function startKubeletFixture(nodeNumber: number): Promise<KubeletFixture> {
  const node = `node-${nodeNumber}`;
  const nodeIP = `127.10.0.${nodeNumber}`;
  const control = await startApiServer();
  const nats = control.nats;
  const client = createApiClient({ address: control.grpcAddress });
  const rootDir = mkdtempSync(join(tmpdir(), `k8ts-kubelet-${node}-`));
  const kubeletPort = await freePort();
  const healthzPort = await freePort();
  const args = [
    await appBundle('kubelet'),
    '--node-name', node,
    '--api-address', control.grpcAddress,
    '--nats-url', nats.url,
    '--root-dir', rootDir,
    '--port', String(kubeletPort),
    '--healthz-port', String(healthzPort),
    '--echo-entry', await appBundle('echo'),
    '--node-lease-renew-interval-seconds', '1',
    '--node-status-update-frequency-seconds', '1',
    '--crashloop-backoff-base-seconds', '1',
    '--log-level', process.env['K8TS_KUBELET_LOG_LEVEL'] ?? 'warn',
  ];
  const launch = () =>
    startProcess(process.execPath, args, {
      name: 'kubelet',
      env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
      readyCheck: async () => (await fetch(`http://${nodeIP}:${healthzPort}/healthz`)).ok,
      readyTimeoutMs: 30_000,
    });
  const fx: KubeletFixture = {
    node,
    nodeIP,
    kubeletPort,
    client,
    rootDir,
    kubelet: await launch(),
    async restartKubelet(signal: NodeJS.Signals = 'SIGKILL') {
      await fx.kubelet.stop({ signal });
      fx.kubelet = await launch();
    },
    async stop() {
      const { items } = await client.pods.list({}).catch(() => ({ items: [] as Pod[] }));
      await Promise.all(items.map((p) => client.pods.delete(p.metadata?.namespace, p.metadata?.name ?? '', { gracePeriodSeconds: 1 }).catch(() => undefined)));
      await waitFor(async () => (await client.pods.list({})).items.length === 0, { timeoutMs: 30_000, desc: 'pods torn down' }).catch(() => undefined);
      client.close();
      await fx.kubelet.stop();
      await control.stop();
      // No container process (shims run `node <rootDir>/.../shim.js`) may outlive the test.
      const leftovers = readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(rootDir);
          } catch {
            return false;
          }
        });
      rmSync(rootDir, { recursive: true, force: true });
      return leftovers;
    },
  };
  return fx;
}

export function podCondition(pod: Pod, type: string): string | undefined {
  return pod.status?.conditions?.find((c) => c.type === type)?.status;
}

/** Polls the pod until `pred` holds; the failure message shows the last status seen. */
export async function podWhen(client: ApiClient, name: string, pred: (p: Pod) => boolean, desc: string, timeoutMs = 30_000): Promise<Pod> {
  let last: Pod | undefined;
  try {
    await waitFor(
      async () => {
        last = await client.pods.get('default', name);
        return pred(last);
      },
      { timeoutMs, intervalMs: 100, desc: `${name}: ${desc}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last status: ${JSON.stringify(last?.status)}`);
  }
  return last as Pod;
}
