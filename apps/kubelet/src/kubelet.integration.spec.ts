// The kubelet as a real process against a real apiserver and nats-server:
// pods become real processes on their own loopback IPs. Pods are created
// with spec.nodeName set (the scheduler is not part of this test).
import type { Pod } from '@k8ts/api';
import { intOrString } from '@k8ts/api';
import type { ApiClient } from '@k8ts/client';
import { waitFor } from '@k8ts/testing';
import { type KubeletFixture, podCondition, podWhen as podWhenIn, startKubeletFixture } from './testing/kubelet-fixture';

jest.setTimeout(120_000);

let fx: KubeletFixture;
let client: ApiClient;
const NODE = 'node-7';

beforeAll(async () => {
  fx = await startKubeletFixture(7);
  client = fx.client;
});

afterAll(async () => {
  const leftovers = await fx?.stop();
  expect(leftovers).toEqual([]);
});

const cond = podCondition;
const podWhen = (name: string, pred: (p: Pod) => boolean, desc: string, timeoutMs?: number) => podWhenIn(client, name, pred, desc, timeoutMs);

function echoPod(name: string, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 2,
      volumes: [{ name: 'data', volumeSource: { emptyDir: {} } }],
      containers: [
        {
          name: 'echo',
          image: 'k8ts/echo',
          workingDir: '/app',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          volumeMounts: [{ name: 'data', mountPath: '/app/data' }],
          readinessProbe: { handler: { httpGet: { path: '/healthz', port: intOrString('http') } }, periodSeconds: 1 },
        },
        {
          name: 'sidecar',
          image: 'k8ts/shell',
          command: ['sh', '-c', 'echo hello-from-sidecar > data/index.html; while true; do sleep 1; done'],
          workingDir: '/app',
          volumeMounts: [{ name: 'data', mountPath: '/app/data' }],
        },
      ],
      ...extra,
    },
  };
}

describe('kubelet with real processes', () => {
  it('registers its Node (Ready) and renews its Lease', async () => {
    const node = await client.nodes.get(undefined, NODE);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.spec?.podCIDR).toBe('127.244.7.0/24');
    const lease = await client.leases.get('kube-node-lease', NODE);
    const t0 = lease.spec?.renewTime;
    await waitFor(async () => (await client.leases.get('kube-node-lease', NODE)).spec?.renewTime !== t0, { timeoutMs: 5000, desc: 'lease renewed' });
  });

  it('runs echo + sidecar: Pending -> Running -> Ready, answers on its pod IP, shares an emptyDir', async () => {
    await client.pods.create(echoPod('web'));
    const pod = await podWhen('web', (p) => cond(p, 'Ready') === 'True', 'Ready');
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.podIP).toMatch(/^127\.244\.7\.\d+$/);
    const res = await fetch(`http://${pod.status?.podIP}:8080/`);
    expect(((await res.json()) as { pod: string }).pod).toBe('web');
    await waitFor(async () => (await fetch(`http://${pod.status?.podIP}:8080/files/index.html`)).ok, { timeoutMs: 5000, desc: 'sidecar file served' });
    expect((await (await fetch(`http://${pod.status?.podIP}:8080/files/index.html`)).text()).trim()).toBe('hello-from-sidecar');
  });

  it('flips Ready when the readiness probe fails and recovers', async () => {
    const pod = await client.pods.get('default', 'web');
    await fetch(`http://${pod.status?.podIP}:8080/fail-readiness`, { method: 'POST' });
    await podWhen('web', (p) => cond(p, 'Ready') === 'False', 'not Ready', 10_000);
    await fetch(`http://${pod.status?.podIP}:8080/recover`, { method: 'POST' });
    await podWhen('web', (p) => cond(p, 'Ready') === 'True', 'Ready again', 10_000);
  });

  it('restarts a container whose liveness probe fails (restartCount + 1)', async () => {
    const spec = echoPod('live');
    spec.spec!.containers![0]!.livenessProbe = { handler: { httpGet: { path: '/healthz', port: intOrString(8080) } }, initialDelaySeconds: 2, periodSeconds: 1, failureThreshold: 1 };
    await client.pods.create(spec);
    const pod = await podWhen('live', (p) => cond(p, 'Ready') === 'True', 'Ready');
    await fetch(`http://${pod.status?.podIP}:8080/fail-readiness`, { method: 'POST' });
    const restarted = await podWhen('live', (p) => (p.status?.containerStatuses?.find((c) => c.name === 'echo')?.restartCount ?? 0) >= 1, 'restarted', 20_000);
    expect(restarted.status?.containerStatuses?.find((c) => c.name === 'echo')?.lastState?.terminated).toBeDefined();
  });

  it('backs off a crash loop (CrashLoopBackOff, lastState exit code)', async () => {
    await client.pods.create({
      metadata: { name: 'crasher', namespace: 'default' },
      spec: { nodeName: NODE, containers: [{ name: 'c', image: 'k8ts/shell', command: ['sh', '-c', 'exit 3'] }] },
    });
    const pod = await podWhen(
      'crasher',
      (p) => {
        const cs = p.status?.containerStatuses?.[0];
        return (cs?.restartCount ?? 0) >= 2 && cs?.state?.waiting?.reason === 'CrashLoopBackOff';
      },
      'CrashLoopBackOff after 2 restarts',
      30_000,
    );
    expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(3);
  });

  it('reports ErrImagePull for an unknown image', async () => {
    await client.pods.create({ metadata: { name: 'noimage', namespace: 'default' }, spec: { nodeName: NODE, containers: [{ name: 'c', image: 'example.com/nope:1' }] } });
    const pod = await podWhen('noimage', (p) => /ErrImagePull|ImagePullBackOff/.test(p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? ''), 'ErrImagePull');
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.message).toContain('not in the k8ts image catalog');
  });

  it('adopts running pods after a kubelet kill -9, without restarting them', async () => {
    const before = await client.pods.get('default', 'web');
    const restartsBefore = before.status?.containerStatuses?.map((c) => c.restartCount);
    await fx.kubelet.stop({ signal: 'SIGKILL' });
    // The pod keeps serving while no kubelet runs.
    expect((await fetch(`http://${before.status?.podIP}:8080/`)).ok).toBe(true);
    await fx.restartKubelet();
    await new Promise((r) => setTimeout(r, 3000)); // let the new kubelet sync a few times (the assertion below is the check)
    const after = await podWhen('web', (p) => cond(p, 'Ready') === 'True', 'still Ready');
    expect(after.status?.containerStatuses?.map((c) => c.restartCount)).toEqual(restartsBefore);
    expect(after.status?.podIP).toBe(before.status?.podIP);
    expect((await fetch(`http://${after.status?.podIP}:8080/`)).ok).toBe(true);
  });

  it('deletes gracefully: the pod disappears and its processes are gone', async () => {
    const pod = await client.pods.get('default', 'web');
    await client.pods.delete('default', 'web');
    await waitFor(
      async () => {
        try {
          await client.pods.get('default', 'web');
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 20_000, desc: 'pod removed by the kubelet' },
    );
    await expect(fetch(`http://${pod.status?.podIP}:8080/`)).rejects.toThrow();
  });
  it('a delete sends SIGTERM, waits out the grace period, then SIGKILLs', async () => {
    await client.pods.create({
      metadata: { name: 'stubborn', namespace: 'default' },
      spec: {
        nodeName: NODE,
        terminationGracePeriodSeconds: 2,
        containers: [{ name: 'c', image: 'k8ts/shell', command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.2; done'] }],
      },
    });
    await podWhen('stubborn', (p) => p.status?.phase === 'Running', 'Running');
    const t0 = Date.now();
    await client.pods.delete('default', 'stubborn');
    await waitFor(
      async () => {
        try {
          await client.pods.get('default', 'stubborn');
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 20_000, intervalMs: 100, desc: 'stubborn pod removed' },
    );
    // It ignores SIGTERM, so only the SIGKILL after the 2 s grace period ends it
    // (the upper bound is the waitFor deadline above).
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });
});
