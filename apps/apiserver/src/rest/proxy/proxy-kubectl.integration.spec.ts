// `kubectl logs` and `kubectl exec` (real kubectl 1.35) through the apiserver's
// pods/log and pods/exec proxy to a real kubelet running pods as real
// processes. nats-server, apiserver and kubelet are real processes; pods are
// bound to the node directly (no scheduler). REST block: service CIDR
// 127.102.0.0/16, node-46 (127.10.0.46).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  appBundle,
  freePort,
  type KubectlResult,
  type KubectlRunner,
  kubectlPath,
  kubectlRunner,
  type ManagedProcess,
  type NatsServerHandle,
  startNatsServer,
  startProcess,
  waitFor,
  workspaceRoot,
  writeKubeconfig,
} from '@k8ts/testing';

jest.setTimeout(240_000);

const NODE = 'node-46';
const NODE_IP = '127.10.0.46';
let nats: NatsServerHandle;
const procs: ManagedProcess[] = [];
let workDir: string;
let rootDir: string;
let kubectl: KubectlRunner | undefined;

const run = (args: string[], input?: string): Promise<KubectlResult> => kubectl!(args, { input, timeoutMs: 60_000 });

async function ok(args: string[], input?: string): Promise<string> {
  const r = await run(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const POD_YAML = `
apiVersion: v1
kind: Pod
metadata: {name: shell}
spec:
  nodeName: ${NODE}
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: k8ts/shell
    command: [sh, -c, 'echo first; echo second; echo third; exec sleep 3600']
  - name: side
    image: k8ts/shell
    command: [sh, -c, 'echo cp-payload > note.txt; echo side-car up; exec sleep 3600']
  - name: ticker
    image: k8ts/shell
    command: [sh, -c, 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done']
---
apiVersion: v1
kind: Pod
metadata: {name: broken}
spec:
  nodeName: ${NODE}
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: registry.invalid/nothing-here:1
`;

beforeAll(async () => {
  workDir = mkdtempSync(join(workspaceRoot(), 'tmp', 'proxy-kubectl-'));
  rootDir = join(workDir, 'kubelet');
  nats = await startNatsServer();
  const env = { ...process.env, OTEL_SDK_DISABLED: 'true' };
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const url = `http://127.0.0.1:${httpPort}`;
  procs.push(
    await startProcess(
      process.execPath,
      [await appBundle('apiserver'), '--nats-url', nats.url, '--grpc-port', String(grpcPort), '--secure-port', String(httpPort), '--service-cluster-ip-range', '127.102.0.0/16', '--log-level', 'warn'],
      { name: 'apiserver', env, readyCheck: async () => (await fetch(`${url}/readyz`)).ok, readyTimeoutMs: 30_000 },
    ),
  );
  const healthzPort = await freePort();
  procs.push(
    await startProcess(
      process.execPath,
      [
        await appBundle('kubelet'),
        '--node-name', NODE,
        '--api-address', `127.0.0.1:${grpcPort}`,
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
  kubectl = kubectlRunner(writeKubeconfig(workDir, url), join(workDir, 'cache'));
  await ok(['apply', '-f', '-'], POD_YAML);
  await waitFor(async () => (await run(['get', 'pod', 'shell', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', { timeoutMs: 60_000, intervalMs: 250, desc: 'pod shell Running' });
  await waitFor(async () => (await run(['logs', 'shell', '-c', 'main'])).stdout.includes('third'), { timeoutMs: 30_000, intervalMs: 250, desc: 'shell logged' });
});

afterAll(async () => {
  if (kubectl) await run(['delete', 'pods', '--all', '--grace-period=1', '--wait=true', '--timeout=30s']);
  for (const p of procs.reverse()) await p.stop();
  await nats?.stop();
  const leftovers = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(rootDir);
      } catch {
        return false;
      }
    });
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  expect(leftovers).toEqual([]);
});

describe('kubectl logs through the pods/log proxy', () => {
  it.each([
    { desc: 'whole log of a named container', args: ['logs', 'shell', '-c', 'main'], want: 'first\nsecond\nthird\n' },
    { desc: '--tail', args: ['logs', 'shell', '-c', 'main', '--tail=1'], want: 'third\n' },
    { desc: '--limit-bytes', args: ['logs', 'shell', '-c', 'main', '--limit-bytes=8'], want: 'first\nse' },
    { desc: '--since keeps recent lines', args: ['logs', 'shell', '-c', 'main', '--since=1h'], want: 'first\nsecond\nthird\n' },
    { desc: '--since-time in the future keeps none', args: ['logs', 'shell', '-c', 'main', '--since-time=2099-01-01T00:00:00Z'], want: '' },
    { desc: 'the other container', args: ['logs', 'shell', '-c', 'side'], want: 'side-car up\n' },
  ])('$desc', async ({ args, want }) => {
    expect(await ok(args)).toBe(want);
  });

  it('-f streams new lines until kubectl goes away', async () => {
    const child = spawn(kubectlPath(), ['--kubeconfig', kubectl!.kubeconfig, '--cache-dir', join(workDir, 'cache'), 'logs', '-f', 'shell', '-c', 'ticker', '--tail=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    try {
      const ticks = () => [...out.matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1]));
      await waitFor(() => ticks().length >= 4, { timeoutMs: 30_000, intervalMs: 100, desc: 'four ticks followed' });
      const seen = ticks();
      // --tail=1 then live lines: consecutive counters, the stream is not re-sent.
      expect(seen.slice(1)).toEqual(seen.slice(1).map((_, i) => seen[1] + i));
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('--timestamps prefixes RFC 3339 times', async () => {
    const lines = (await ok(['logs', 'shell', '-c', 'main', '--timestamps'])).trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z (first|second|third)$/);
  });

  it.each([
    { desc: '--previous without a previous run', args: ['logs', 'shell', '-c', 'main', '--previous'], err: 'previous terminated container "main" in pod "shell" not found' },
    { desc: 'an unknown container', args: ['logs', 'shell', '-c', 'nope'], err: 'container nope is not valid for pod shell' },
    { desc: 'a container that cannot start', args: ['logs', 'broken'], err: 'container "c" in pod "broken" is waiting to start' },
  ])('errors: $desc', async ({ args, err }) => {
    const r = await run(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(err);
  });
});

describe('kubectl exec through the pods/exec proxy', () => {
  it('stdout, stderr and the exit code', async () => {
    const r = await run(['exec', 'shell', '-c', 'main', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toContain('err\n');
    expect(r.stderr).toContain('command terminated with exit code 7');
  });

  it('streams large output intact', async () => {
    const r = await run(['exec', 'shell', '-c', 'main', '--', 'sh', '-c', "head -c 4000000 /dev/zero | tr '\\0' a; echo"]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(4_000_001);
    expect(/^a+\n$/.test(r.stdout)).toBe(true);
  });

  it('stdin with -i until EOF', async () => {
    const r = await run(['exec', '-i', 'shell', '-c', 'side', '--', 'sh', '-c', 'tr a-z A-Z; echo done'], 'shout\nagain\n');
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: 'SHOUT\nAGAIN\ndone\n' });
  });

  it('runs in the container context (env, hostname)', async () => {
    expect(await ok(['exec', 'shell', '-c', 'main', '--', 'sh', '-c', 'echo $POD_NAME $HOSTNAME'])).toBe('shell shell\n');
  });

  it('kubectl cp from the pod (tar over the exec stream)', async () => {
    await ok(['cp', '-c', 'side', 'shell:note.txt', join(workDir, 'copied.txt')]);
    expect(readFileSync(join(workDir, 'copied.txt'), 'utf8')).toBe('cp-payload\n');
  });

  it('kubectl cp into the pod (tar on stdin, then the close signal)', async () => {
    writeFileSync(join(workDir, 'upload.txt'), 'uploaded\n');
    await ok(['cp', '-c', 'side', join(workDir, 'upload.txt'), 'shell:upload.txt']);
    expect(await ok(['exec', 'shell', '-c', 'side', '--', 'cat', 'upload.txt'])).toBe('uploaded\n');
  });

  it.each([
    { desc: 'an unknown container', args: ['exec', 'shell', '-c', 'nope', '--', 'true'], err: 'container nope is not valid for pod shell' },
    { desc: 'a container that never started', args: ['exec', 'broken', '--', 'true'], err: 'container "c" in pod "broken" is waiting to start' },
  ])('errors: $desc', async ({ args, err }) => {
    const r = await run(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(err);
  });
});
