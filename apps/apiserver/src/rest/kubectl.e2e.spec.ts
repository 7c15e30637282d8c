// The real kubectl 1.35 against the real stack (nats-server, apiserver,
// scheduler, kubelet node-40 as processes) over the REST API, plus an
// @kubernetes/client-node informer. The commands run in order and build on
// each other, as a user's session would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@k8ts/testing';
import { type KubectlStack, NODE, startClientNodeInformer, startKubectlStack } from './testing/kubectl-stack';

jest.setTimeout(90_000);

let stack: KubectlStack;

beforeAll(async () => {
  stack = await startKubectlStack();
}, 180_000);

afterAll(async () => {
  const leftovers = await stack?.stop();
  expect(leftovers ?? []).toEqual([]);
}, 90_000);

async function ok(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await stack.kubectl(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

function manifest(name: string, text: string): string {
  const path = join(stack.workDir, name);
  writeFileSync(path, text);
  return path;
}

const POD = (labels: string, image = 'k8ts/echo') => `apiVersion: v1
kind: Pod
metadata:
  name: web1
  labels: {${labels}}
spec:
  containers:
  - name: main
    image: ${image}
`;

// The Deployment and Service of the Kubernetes docs ("Deployments", "Service"), unchanged.
const DOCS_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
`;
const DOCS_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - protocol: TCP
      port: 80
      targetPort: 9376
`;

describe('kubectl 1.35', () => {
  it('version and api-resources', async () => {
    expect(await ok(['version'])).toMatch(/Server Version: v1\.35\.0-k8ts/);
    const resources = await ok(['api-resources']);
    for (const line of [/^pods\s+po\s+v1\s+true\s+Pod$/m, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m, /^nodes\s+no\s+v1\s+false\s+Node$/m, /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m]) {
      expect(resources).toMatch(line);
    }
    expect(await ok(['api-resources', '--categories=all', '-o', 'name'])).toBe('pods\nservices\ndeployments.apps\nreplicasets.apps\n');
    expect(await ok(['get', '--raw', '/healthz'])).toBe('ok');
    expect(await ok(['explain', 'deployment.spec.template.spec.containers'])).toMatch(/^FIELD: containers <\[\]Container>$/m);
  });

  it('create -f, create again (AlreadyExists), apply -f (existing, then changed), apply --server-side', async () => {
    const file = manifest('pod.yaml', POD('app: web'));
    expect(await ok(['create', '-f', file])).toBe('pod/web1 created\n');
    const again = await stack.kubectl(['create', '-f', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(again.stderr).toContain('pods "web1" already exists');
    expect(await ok(['apply', '-f', manifest('pod2.yaml', POD('app: web, tier: front'))])).toBe('pod/web1 configured\n');
    expect(await ok(['get', 'pod', 'web1', '-o', 'jsonpath={.metadata.labels.tier}'])).toBe('front');
    const ssa = manifest('ssa.yaml', POD('app: ssa').replace('web1', 'ssa1'));
    expect(await ok(['apply', '--server-side', '-f', ssa])).toBe('pod/ssa1 serverside-applied\n');
    expect(await ok(['apply', '--server-side', '-f', manifest('ssa2.yaml', POD('app: ssa, v: "2"').replace('web1', 'ssa1'))])).toBe('pod/ssa1 serverside-applied\n');
    expect(await ok(['get', 'pod', 'ssa1', '-o', 'jsonpath={.metadata.labels.v}'])).toBe('2');
  });

  it('rejects unknown fields (server-side strict field validation)', async () => {
    const bad = manifest('bad.yaml', POD('app: bad').replace('web1', 'bad1').replace('  - name: main', '  - name: main\n    bogus: 1'));
    const r = await stack.kubectl(['create', '-f', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('strict decoding error: unknown field "spec.containers[0].bogus"');
  });

  it('the docs Deployment and Service apply unchanged', async () => {
    expect(await ok(['apply', '-f', manifest('deploy.yaml', DOCS_DEPLOYMENT)])).toBe('deployment.apps/nginx-deployment created\n');
    expect(await ok(['apply', '-f', manifest('svc.yaml', DOCS_SERVICE)])).toBe('service/my-service created\n');
    expect(await ok(['apply', '-f', manifest('deploy2.yaml', DOCS_DEPLOYMENT.replace('replicas: 3', 'replicas: 2'))])).toBe('deployment.apps/nginx-deployment configured\n');
    expect(await ok(['get', 'deploy', 'nginx-deployment', '-o', 'jsonpath={.spec.replicas}'])).toBe('2');
    // nginx images do not run on the process runtime: keep the node quiet.
    expect(await ok(['scale', 'deployment', 'nginx-deployment', '--replicas=0'])).toBe('deployment.apps/nginx-deployment scaled\n');
  });

  it('create namespace / deployment / service clusterip (protobuf bodies)', async () => {
    expect(await ok(['create', 'namespace', 'team1'])).toBe('namespace/team1 created\n');
    expect(await ok(['create', 'deployment', 'web', '--image=k8ts/echo', '--replicas=1'])).toBe('deployment.apps/web created\n');
    expect(await ok(['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080'])).toBe('service/svc1 created\n');
    expect(await ok(['get', 'svc', 'svc1', '-o', 'jsonpath={.spec.clusterIP}'])).toMatch(/^127\.102\.\d+\.\d+$/);
    expect((await ok(['get', 'ns', 'team1', '--no-headers'])).trim()).toMatch(/^team1\s+Active\s+\S+$/);
  });

  it('scale, label, expose, and patch (strategic, merge, json)', async () => {
    expect(await ok(['scale', 'deployment', 'web', '--replicas=2'])).toBe('deployment.apps/web scaled\n');
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('2');
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 })).toContain('deployment "web" successfully rolled out');
    expect((await ok(['get', 'deploy', 'web', '--no-headers'])).trim()).toMatch(/^web\s+2\/2\s+2\s+2\s+\S+$/);
    expect(await ok(['label', 'pod', 'web1', 'env=prod'])).toBe('pod/web1 labeled\n');
    expect(await ok(['expose', 'pod', 'web1', '--port=80', '--target-port=8080'])).toBe('service/web1 exposed\n');
    expect(await ok(['patch', 'pod', 'web1', '-p', '{"metadata":{"labels":{"p":"smp"}}}'])).toBe('pod/web1 patched\n');
    expect(await ok(['patch', 'pod', 'web1', '--type=merge', '-p', '{"metadata":{"labels":{"m":"merge"}}}'])).toBe('pod/web1 patched\n');
    expect(await ok(['patch', 'pod', 'web1', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/j","value":"json"}]'])).toBe('pod/web1 patched\n');
    expect(await ok(['get', 'pod', 'web1', '-o', 'jsonpath={.metadata.labels}'])).toBe('{"app":"web","env":"prod","j":"json","m":"merge","p":"smp","tier":"front"}');
  });

  it('run a pod, wait for Ready, logs (also -f), exec with exit codes, describe with events', async () => {
    expect(await ok(['run', 'echo1', '--image=k8ts/echo'])).toBe('pod/echo1 created\n');
    expect(await ok(['wait', '--for=condition=Ready', 'pod/echo1', '--timeout=60s'], { timeoutMs: 70_000 })).toBe('pod/echo1 condition met\n');
    // Ready can be reported before the container's first line reaches its log file.
    const listening = /echo listening on http:\/\/127\.244\.40\.\d+:8080/;
    await waitFor(async () => listening.test(await ok(['logs', 'echo1'])), { timeoutMs: 15_000, intervalMs: 250, desc: 'logs show the echo server line' });
    expect(await ok(['logs', 'echo1', '--tail=1', '--timestamps'])).toMatch(/^\d{4}-\d\d-\d\dT\S+ \S/);
    const follow = stack.streamKubectl(['logs', '-f', 'echo1']);
    await waitFor(() => follow.lines().some((l) => l.includes('echo listening')), { timeoutMs: 15_000, desc: 'logs -f shows the log' });
    await follow.stop();
    expect(await ok(['exec', 'echo1', '--', 'echo', 'hi'])).toBe('hi\n');
    const failed = await stack.kubectl(['exec', 'echo1', '--', 'sh', '-c', 'echo oops >&2; exit 3']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('oops');
    const described = await ok(['describe', 'pod', 'echo1']);
    expect(described).toMatch(/^Node:\s+node-40\/127\.10\.0\.40$/m);
    expect(described).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/echo1 to node-40/);
  });

  it.each([
    { desc: 'pods', resource: 'pods', header: /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m },
    { desc: 'services', resource: 'services', header: /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$/m },
    { desc: 'endpoints', resource: 'endpoints', header: /^NAME\s+ENDPOINTS\s+AGE$/m },
    { desc: 'nodes', resource: 'nodes', header: /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP/m },
    { desc: 'namespaces', resource: 'namespaces', header: /^NAME\s+STATUS\s+AGE$/m },
    { desc: 'deployments', resource: 'deployments', header: /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m },
    { desc: 'replicasets', resource: 'replicasets', header: /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE|No resources found/m },
    { desc: 'events', resource: 'events', header: /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE/m },
    { desc: 'leases', resource: 'leases', header: /^NAME\s+HOLDER\s+AGE$|No resources found/m },
    { desc: 'endpointslices', resource: 'endpointslices', header: /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$|No resources found/m },
  ])('get $desc (-o wide, -A, -o yaml)', async ({ resource, header }) => {
    const wide = await stack.kubectl(['get', resource, '-o', 'wide']);
    expect(wide.code).toBe(0);
    expect(wide.stdout + wide.stderr).toMatch(header);
    const all = await ok(['get', resource, '-A']);
    if (resource !== 'nodes' && resource !== 'namespaces' && all) expect(all).toMatch(/^NAMESPACE\s+/);
    const yaml = await ok(['get', resource, '-A', '-o', 'yaml']);
    expect(yaml).toMatch(/^apiVersion: v1\nitems:/);
  });

  it('get with a label selector, and the pods table of a running pod', async () => {
    expect(await ok(['get', 'pods', '-l', 'env=prod', '-o', 'name'])).toBe('pod/web1\n');
    expect((await ok(['get', 'pods', '-l', 'env!=prod,run=echo1', '--no-headers'])).trim()).toMatch(/^echo1\s+1\/1\s+Running\s+0\s+\S+$/);
    expect(await ok(['get', 'pods', '--field-selector', `spec.nodeName=${NODE}`, '-o', 'name'])).toContain('pod/echo1');
    expect(await ok(['get', 'nodes', '--no-headers'])).toMatch(/^node-40\s+Ready\s+<none>\s+\S+\s+v1\.35\.0-k8ts$/m);
  });

  it('get -w prints changes as they happen', async () => {
    const w = stack.streamKubectl(['get', 'pods', '-w', '-l', 'env=prod']);
    await waitFor(() => w.lines().length >= 2, { timeoutMs: 15_000, desc: 'header and the current pod' });
    expect(w.lines()[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    await ok(['label', 'pod', 'web1', 'watched=yes']);
    await waitFor(() => w.lines().length >= 3, { timeoutMs: 15_000, desc: 'the change' });
    expect(w.lines()[2]).toMatch(/^web1\s+1\/1\s+Running\s+0\s+\S+$/);
    await w.stop();
    const bounded = await stack.kubectl(['get', 'pods', '-w', '--request-timeout=2s']);
    expect(bounded.code).toBe(0);
  });

  it('an @kubernetes/client-node informer sees adds, updates and deletes', async () => {
    const informer = startClientNodeInformer(stack);
    try {
      await waitFor(() => informer.events().some((e) => e.type === 'started'), { timeoutMs: 20_000, desc: `informer started; stderr: ${informer.stderr()}` });
      expect(informer.events().filter((e) => e.type === 'error')).toEqual([]);
      await ok(['run', 'inf1', '--image=k8ts/echo', '--labels=app=inf']);
      await ok(['label', 'pod', 'inf1', 'seen=yes']);
      await ok(['delete', 'pod', 'inf1', '--wait=true', '--timeout=30s'], { timeoutMs: 40_000 });
      await waitFor(() => informer.events().some((e) => e.type === 'delete' && e.name === 'inf1'), { timeoutMs: 20_000, desc: 'delete seen' });
      const seen = informer.events().filter((e) => e.name === 'inf1');
      expect(seen[0].type).toBe('add');
      expect(seen.some((e) => e.type === 'update' && e.labels?.seen === 'yes')).toBe(true);
    } finally {
      await informer.stop();
    }
  });

  it('delete waits for the graceful deletion of a running pod', async () => {
    expect(await ok(['delete', 'pod', 'echo1', '--grace-period=2'], { timeoutMs: 40_000 })).toBe('pod "echo1" deleted from default namespace\n');
    const gone = await stack.kubectl(['get', 'pod', 'echo1']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('pods "echo1" not found');
    expect(await ok(['delete', 'deployment', 'web'])).toBe('deployment.apps "web" deleted from default namespace\n');
  });
});
