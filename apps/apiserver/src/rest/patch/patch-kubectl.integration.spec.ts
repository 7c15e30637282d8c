// The real kubectl 1.35 against the real apiserver process (REST on its
// secure port, NATS storage): every patch type kubectl sends, client-side and
// server-side apply, and an apply conflict. Service CIDR from the REST block.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KubectlResult, type KubectlRunner, kubectlRunner, writeKubeconfig } from '@k8ts/testing';
import { type ApiServerFixture, startApiServerFixture } from '../../testing/apiserver-fixture';

jest.setTimeout(180_000);

let fx: ApiServerFixture;
let kubectl: KubectlRunner;
let dir: string;

beforeAll(async () => {
  fx = await startApiServerFixture({ extraArgs: ['--service-cluster-ip-range', '127.102.0.0/16'] });
  dir = mkdtempSync(join(tmpdir(), 'k8ts-patch-kubectl-'));
  kubectl = kubectlRunner(writeKubeconfig(dir, fx.httpUrl), join(dir, 'cache'));
});

afterAll(async () => {
  await fx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, { input, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

interface ManagedEntry {
  manager: string;
  operation: string;
  fieldsV1: Record<string, Record<string, Record<string, Record<string, Record<string, object>>>>>;
}
interface DeploymentJSON {
  metadata: { labels: Record<string, string>; annotations: Record<string, string>; managedFields: ManagedEntry[] };
  spec: { replicas: number; template: { spec: { containers: Array<{ name: string; image: string }> } } };
}

async function getJSON(kind: string, name: string): Promise<DeploymentJSON> {
  return JSON.parse(await ok(['get', kind, name, '-o', 'json', '--show-managed-fields'])) as DeploymentJSON;
}

const deployment = (name: string, replicas: number, image: string, containers: Array<{ name: string; image: string }> = []) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: ${image}
${containers.map((c) => `      - name: ${c.name}\n        image: ${c.image}\n`).join('')}`;

describe('kubectl patch and apply against the REST API', () => {
  it('client-side apply: create, then a changed manifest (strategic merge patch with $setElementOrder)', async () => {
    expect(await ok(['apply', '-f', '-'], deployment('csa', 1, 'k8ts/echo:1', [{ name: 'side', image: 'k8ts/shell' }]))).toContain('deployment.apps/csa created');
    expect(await ok(['apply', '-f', '-'], deployment('csa', 3, 'k8ts/echo:2'))).toContain('deployment.apps/csa configured');
    const d = await getJSON('deployment', 'csa');
    expect(d.spec.replicas).toBe(3);
    // The sidecar was in the last applied configuration, so the apply removed it.
    expect(d.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual(['app=k8ts/echo:2']);
    expect(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"replicas":3');
    expect(d.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`)).toEqual(['kubectl-client-side-apply/Update']);
  });

  it.each([
    { desc: 'strategic (default): a container merged by name', args: ['-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"k8ts/echo:3"}]}}}}'], path: (d: DeploymentJSON) => d.spec.template.spec.containers[0].image, want: 'k8ts/echo:3' },
    { desc: 'merge: a label added', args: ['--type', 'merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}'], path: (d: DeploymentJSON) => d.metadata.labels, want: { app: 'csa', tier: 'web' } },
    { desc: 'json: replicas replaced', args: ['--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]'], path: (d: DeploymentJSON) => d.spec.replicas, want: 4 },
    { desc: 'strategic: null removes a label', args: ['-p', '{"metadata":{"labels":{"tier":null}}}'], path: (d: DeploymentJSON) => d.metadata.labels, want: { app: 'csa' } },
  ])('kubectl patch $desc', async ({ args, path, want }) => {
    expect(await ok(['patch', 'deployment', 'csa', ...args])).toContain('deployment.apps/csa patched');
    expect(path(await getJSON('deployment', 'csa'))).toEqual(want);
  });

  it('a json patch whose test fails is refused (422) and changes nothing', async () => {
    const r: KubectlResult = await kubectl(['patch', 'deployment', 'csa', '--type', 'json', '-p', '[{"op":"test","path":"/spec/replicas","value":99},{"op":"replace","path":"/spec/replicas","value":1}]'], { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/test|invalid|rejected/i);
    expect((await getJSON('deployment', 'csa')).spec.replicas).toBe(4);
  });

  it('kubectl label and kubectl scale', async () => {
    await ok(['label', 'deployment', 'csa', 'team=blue']);
    await ok(['scale', 'deployment', 'csa', '--replicas=2']);
    const d = await getJSON('deployment', 'csa');
    expect(d.metadata.labels.team).toBe('blue');
    expect(d.spec.replicas).toBe(2);
  });

  it('server-side apply: create, re-apply, change, and a conflict resolved with --force-conflicts', async () => {
    expect(await ok(['apply', '--server-side', '-f', '-'], deployment('ssa', 1, 'k8ts/echo:1'))).toContain('deployment.apps/ssa serverside-applied');
    await ok(['apply', '--server-side', '-f', '-'], deployment('ssa', 1, 'k8ts/echo:1'));
    await ok(['apply', '--server-side', '-f', '-'], deployment('ssa', 2, 'k8ts/echo:2'));
    let d = await getJSON('deployment', 'ssa');
    expect(d.spec.replicas).toBe(2);
    const entry = d.metadata.managedFields.find((m) => m.manager === 'kubectl')!;
    expect(entry).toMatchObject({ operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(entry.fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(Object.keys(entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers'])).toEqual(['k:{"name":"app"}']);

    // Another manager changes replicas with a plain patch; re-applying a different value now conflicts.
    await ok(['patch', 'deployment', 'ssa', '--type', 'merge', '-p', '{"spec":{"replicas":5}}', '--field-manager', 'hpa-like']);
    const conflict = await kubectl(['apply', '--server-side', '-f', '-'], { input: deployment('ssa', 3, 'k8ts/echo:2'), timeoutMs: 60_000 });
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/Apply failed with 1 conflict: conflict with "hpa-like" using apps\/v1 at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: \.spec\.replicas/);
    expect((await getJSON('deployment', 'ssa')).spec.replicas).toBe(5);

    await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], deployment('ssa', 3, 'k8ts/echo:2'));
    d = await getJSON('deployment', 'ssa');
    expect(d.spec.replicas).toBe(3);
    expect(d.metadata.managedFields.map((m: { manager: string }) => m.manager)).not.toContain('hpa-like');
  });
});
