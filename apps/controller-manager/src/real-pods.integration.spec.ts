// A Deployment with real pods: nats-server + apiserver + scheduler + one
// kubelet (node-50, the controller-manager block of the address plan) +
// controller-manager, all real processes. The echo pods really run, the
// kubelet's readiness probe makes them Ready, and an env change rolls them
// over to a new ReplicaSet. Every process and pod is gone at the end.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intOrString, type Deployment, type Pod } from '@k8ts/api';
import { appBundle, freePort, newNamespace, startProcess, waitFor, type ManagedProcess } from '@k8ts/testing';
import { startControlPlane, startControllerManager, type ControlPlane, type ControllerManagerProcess } from './testing/control-plane';

jest.setTimeout(240_000);

const NS = 'cm-real';
const NODE = 'node-50';
const NODE_IP = '127.10.0.50';

let cp: ControlPlane;
let scheduler: ManagedProcess | undefined;
let kubelet: ManagedProcess | undefined;
let cm: ControllerManagerProcess | undefined;
let rootDir: string;

beforeAll(async () => {
  cp = await startControlPlane();
  await cp.client.namespaces.create(newNamespace(NS));
  const schedPort = await freePort();
  scheduler = await startProcess(
    process.execPath,
    [await appBundle('scheduler'), '--api-address', cp.grpcAddress, '--nats-url', cp.nats.url, '--port', String(schedPort), '--leader-elect=false', '--log-level', 'warn'],
    { name: 'scheduler', env: { ...process.env, OTEL_SDK_DISABLED: 'true' }, readyCheck: async () => (await fetch(`http://127.0.0.1:${schedPort}/readyz`)).ok, readyTimeoutMs: 30_000 },
  );
  rootDir = mkdtempSync(join(tmpdir(), `k8ts-cm-${NODE}-`));
  const healthzPort = await freePort();
  kubelet = await startProcess(
    process.execPath,
    [
      await appBundle('kubelet'),
      '--node-name',
      NODE,
      '--api-address',
      cp.grpcAddress,
      '--nats-url',
      cp.nats.url,
      '--root-dir',
      rootDir,
      '--port',
      String(await freePort()),
      '--healthz-port',
      String(healthzPort),
      '--echo-entry',
      await appBundle('echo'),
      '--node-lease-renew-interval-seconds',
      '1',
      '--node-status-update-frequency-seconds',
      '1',
      '--log-level',
      'warn',
    ],
    { name: 'kubelet', env: { ...process.env, OTEL_SDK_DISABLED: 'true' }, readyCheck: async () => (await fetch(`http://${NODE_IP}:${healthzPort}/healthz`)).ok, readyTimeoutMs: 30_000 },
  );
  cm = await startControllerManager(cp, { identity: 'cm-real-1' });
});

afterAll(async () => {
  // The controller-manager first, so nothing replaces the pods being deleted.
  await cm?.proc.stop();
  if (cp) {
    const { items } = await cp.client.pods.list({ namespace: NS }).catch(() => ({ items: [] as Pod[] }));
    await Promise.all(items.map((p) => cp.client.pods.delete(NS, p.metadata?.name ?? '', { gracePeriodSeconds: 1 }).catch(() => undefined)));
    await waitFor(async () => (await cp.client.pods.list({ namespace: NS })).items.length === 0, { timeoutMs: 30_000, desc: 'pods torn down' }).catch(() => undefined);
  }
  await kubelet?.stop();
  await scheduler?.stop();
  await cp?.stop();
  const leftovers = rootDir ? leftoverPids(rootDir) : [];
  if (rootDir) rmSync(rootDir, { recursive: true, force: true });
  expect(leftovers).toEqual([]);
});

function leftoverPids(dir: string): string[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    });
}

function echoDeployment(version: string): Deployment {
  return {
    metadata: { name: 'echo', namespace: NS },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'echo' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString(1), maxUnavailable: intOrString(0) } },
      template: {
        metadata: { labels: { app: 'echo' } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'echo',
              image: 'k8ts/echo',
              env: [{ name: 'VERSION', value: version }],
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              readinessProbe: { handler: { httpGet: { path: '/healthz', port: intOrString('http') } }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

async function complete(generationAtLeast: number): Promise<Deployment> {
  return waitFor(
    async () => {
      const d = await cp.client.deployments.get(NS, 'echo');
      const s = d.status;
      const ok =
        (d.metadata?.generation ?? 0) >= generationAtLeast &&
        s?.observedGeneration === d.metadata?.generation &&
        s?.replicas === 2 &&
        s.updatedReplicas === 2 &&
        s.availableReplicas === 2 &&
        s.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable');
      return ok ? d : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200, desc: 'echo deployment complete' },
  );
}

describe('Deployment with real pods (scheduler + kubelet node-50)', () => {
  it('runs 2 ready echo pods, then rolls them to a new template', async () => {
    await cp.client.deployments.create(echoDeployment('1'));
    const first = await complete(1);
    expect(first.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const { items: pods1 } = await cp.client.pods.list({ namespace: NS });
    expect(pods1).toHaveLength(2);
    for (const p of pods1) {
      expect(p.spec?.nodeName).toBe(NODE);
      expect(p.status?.podIP).toMatch(/^127\.244\.50\.\d+$/);
    }

    const cur = await cp.client.deployments.get(NS, 'echo');
    await cp.client.deployments.update({ ...cur, spec: { ...cur.spec, template: echoDeployment('2').spec?.template } });
    const second = await complete((cur.metadata?.generation ?? 1) + 1);
    expect(second.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    // The old pods are terminated by the kubelet and deleted.
    const pods2 = await waitFor(
      async () => {
        const { items } = await cp.client.pods.list({ namespace: NS });
        return items.length === 2 && items.every((p) => p.spec?.containers?.[0]?.env?.[0]?.value === '2') ? items : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, desc: 'only version 2 pods left' },
    );
    expect(pods2.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
    const { items: rss } = await cp.client.replicaSets.list({ namespace: NS });
    expect(rss.map((rs) => [rs.metadata?.annotations?.['deployment.kubernetes.io/revision'], rs.spec?.replicas]).sort()).toEqual([
      ['1', 0],
      ['2', 2],
    ]);
  });
});
