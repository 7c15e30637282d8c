// The stack the kubectl e2e spec drives, as real processes: nats-server, the
// apiserver (REST on its --secure-port), the scheduler and one kubelet
// (node-40, pods as real processes), and the controller-manager's
// ReplicaSet and Deployment controllers. Address block of the REST/kubectl
// suite: service CIDR 127.102.0.0/16, nodes node-40..49.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  appBundle,
  freePort,
  kubectlPath,
  kubectlRunner,
  type KubectlRunner,
  type ManagedProcess,
  type NatsServerHandle,
  startNatsServer,
  startProcess,
  waitFor,
  workspaceRoot,
  writeKubeconfig,
} from '@k8ts/testing';

export const SERVICE_CIDR = '127.102.0.0/16';
export const NODE = 'node-40';
export const NODE_IP = '127.10.0.40';

export interface KubectlStack {
  url: string;
  kubectl: KubectlRunner;
  workDir: string;
  /** A kubectl whose output is read while it runs (get -w, logs -f). */
  streamKubectl(args: string[]): StreamingKubectl;
  stop(): Promise<string[]>;
}

export interface StreamingKubectl {
  lines(): string[];
  stderr(): string;
  stop(): Promise<void>;
}

export async function startKubectlStack(): Promise<KubectlStack> {
  const procs: ManagedProcess[] = [];
  const workDir = mkdtempSync(join(workspaceRoot(), 'tmp', 'kubectl-e2e-'));
  const nats: NatsServerHandle = await startNatsServer();
  const env = { ...process.env, OTEL_SDK_DISABLED: 'true' };
  try {
    const grpcPort = await freePort();
    const httpPort = await freePort();
    const url = `http://127.0.0.1:${httpPort}`;
    procs.push(
      await startProcess(
        process.execPath,
        [await appBundle('apiserver'), '--nats-url', nats.url, '--grpc-port', String(grpcPort), '--secure-port', String(httpPort), '--service-cluster-ip-range', SERVICE_CIDR, '--log-level', 'warn'],
        { name: 'apiserver', env, readyCheck: async () => (await fetch(`${url}/readyz`)).ok, readyTimeoutMs: 30_000 },
      ),
    );
    const apiAddress = `127.0.0.1:${grpcPort}`;
    procs.push(
      await startProcess(process.execPath, [await appBundle('scheduler'), '--api-address', apiAddress, '--nats-url', nats.url, '--port', '0', '--leader-elect', 'false', '--log-level', 'warn'], { name: 'scheduler', env }),
    );
    const controllerManager = await startProcess(
      process.execPath,
      [await appBundle('controller-manager'), '--api-address', apiAddress, '--nats-url', nats.url, '--port', String(await freePort()), '--controllers', 'replicaset,deployment', '--leader-elect', 'false', '--log-level', 'warn'],
      { name: 'controller-manager', env },
    );
    procs.push(controllerManager);
    const rootDir = join(workDir, 'kubelet');
    const healthzPort = await freePort();
    procs.push(
      await startProcess(
        process.execPath,
        [
          await appBundle('kubelet'),
          '--node-name', NODE,
          '--api-address', apiAddress,
          '--nats-url', nats.url,
          '--root-dir', rootDir,
          '--port', String(await freePort()),
          '--healthz-port', String(healthzPort),
          '--echo-entry', await appBundle('echo'),
          '--node-lease-renew-interval-seconds', '1',
          '--node-status-update-frequency-seconds', '1',
          '--log-level', 'warn',
        ],
        { name: 'kubelet', env, readyCheck: async () => (await fetch(`http://${NODE_IP}:${healthzPort}/healthz`)).ok, readyTimeoutMs: 30_000 },
      ),
    );
    kubectlPath();
    const kubeconfig = writeKubeconfig(workDir, url);
    const kubectl = kubectlRunner(kubeconfig, join(workDir, 'cache'));
    await waitFor(async () => (await kubectl(['get', 'node', NODE, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).stdout === 'True', {
      timeoutMs: 30_000,
      intervalMs: 250,
      desc: `${NODE} Ready`,
    });
    const streams = new Set<StreamingKubectl>();
    const stack: KubectlStack = {
      url,
      kubectl,
      workDir,
      streamKubectl(args) {
        const child = spawn(kubectlPath(), ['--kubeconfig', kubeconfig, '--cache-dir', join(workDir, 'cache'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
        child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        const s: StreamingKubectl = {
          lines: () => out.split('\n').filter((l) => l.trim() !== ''),
          stderr: () => err,
          stop: async () => {
            streams.delete(s);
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        };
        streams.add(s);
        return s;
      },
      async stop() {
        for (const s of [...streams]) await s.stop();
        // No controller may replace the pods deleted next.
        await controllerManager.stop();
        // Pods first, so the kubelet tears their processes down.
        await kubectl(['delete', 'pods', '--all', '-A', '--grace-period=1', '--wait=true', '--timeout=30s'], { timeoutMs: 40_000 });
        for (const p of procs.reverse()) await p.stop();
        await nats.stop();
        const leftovers = readdirSync('/proc')
          .filter((d) => /^\d+$/.test(d))
          .filter((pid) => {
            try {
              return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(rootDir);
            } catch {
              return false;
            }
          });
        rmSync(workDir, { recursive: true, force: true });
        return leftovers;
      },
    };
    return stack;
  } catch (err) {
    for (const p of procs.reverse()) await p.stop();
    await nats.stop();
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Runs an @kubernetes/client-node informer on default/pods in its own Node
 * process (the library is ESM and needs Node 22 APIs, polyfilled here for
 * Node 20); it prints one JSON line per add/update/delete.
 */
export function startClientNodeInformer(stack: KubectlStack): StreamingKubectl & { events(): { type: string; name?: string; labels?: Record<string, string> }[] } {
  const script = join(stack.workDir, 'informer.mjs');
  const shim = join(stack.workDir, 'node20-shim.cjs');
  writeFileSync(
    shim,
    [
      "const zlib = require('node:zlib');",
      "if (!zlib.createZstdDecompress) zlib.createZstdDecompress = () => { throw new Error('zstd is not available'); };",
      "const wt = require('node:worker_threads');",
      'if (!wt.markAsUncloneable) wt.markAsUncloneable = () => undefined;',
      'if (!Promise.withResolvers) Promise.withResolvers = function () { let resolve, reject; const promise = new this((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; };',
    ].join('\n'),
  );
  writeFileSync(
    script,
    [
      "import * as k8s from '@kubernetes/client-node';",
      'const kc = new k8s.KubeConfig();',
      "kc.loadFromOptions({ clusters: [{ name: 'k8ts', server: process.argv[2], skipTLSVerify: true }], users: [{ name: 'k8ts' }], contexts: [{ name: 'k8ts', cluster: 'k8ts', user: 'k8ts', namespace: 'default' }], currentContext: 'k8ts' });",
      'const api = kc.makeApiClient(k8s.CoreV1Api);',
      "const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () => api.listNamespacedPod({ namespace: 'default' }));",
      'const out = (type, o) => console.log(JSON.stringify({ type, name: o?.metadata?.name, labels: o?.metadata?.labels }));',
      "for (const t of ['add', 'update', 'delete']) informer.on(t, (o) => out(t, o));",
      "informer.on('error', (e) => console.log(JSON.stringify({ type: 'error', name: String(e?.message ?? e) })));",
      'await informer.start();',
      "console.log(JSON.stringify({ type: 'started' }));",
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--require', shim, script, stack.url], { cwd: workspaceRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = () => out.split('\n').filter((l) => l.trim() !== '');
  return {
    lines,
    stderr: () => err,
    events: () => lines().map((l) => JSON.parse(l) as { type: string; name?: string; labels?: Record<string, string> }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
