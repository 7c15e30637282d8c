// End to end, on the real stack: the controller-manager keeps Deployments
// at their replica count through deletes, scaling, rolling updates and a
// lost node, while the Service in front keeps answering.
import { request } from 'node:http';
import type { Deployment, Pod } from '@k8ts/api';
import { intOrString } from '@k8ts/api';
import { isConflict } from '@k8ts/apimachinery';
import { waitFor } from '@k8ts/testing';
import { startStack, type Stack } from './stack';

const NS = 'rep';
const APP = 'app';
let stack: Stack;
let clusterIP = '';

beforeAll(async () => {
  stack = await startStack();
  await stack.client.namespaces.create({ metadata: { name: NS } });
  const svc = await stack.client.services.create({
    metadata: { name: APP, namespace: NS },
    spec: { selector: { app: APP }, ports: [{ name: 'http', port: 80, targetPort: intOrString('http') }] },
  });
  clusterIP = svc.spec?.clusterIP ?? '';
}, 180_000);

afterAll(async () => {
  const leftovers = await stack?.stop();
  expect(leftovers ?? []).toEqual([]);
}, 120_000);

function get(host: string, port: number): Promise<{ pod: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', headers: { connection: 'close' }, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as { pod: string }) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Requests through the ClusterIP, one after another, until stopped; counts failures. */
function loadThroughService(): { stop(): Promise<{ ok: number; failures: string[] }> } {
  let stopped = false;
  let ok = 0;
  const failures: string[] = [];
  const done = (async () => {
    for (let i = 0; i < 50_000 && !stopped; i++) {
      await get(clusterIP, 80).then(
        () => ok++,
        (e: Error) => failures.push(e.message),
      );
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return { ok, failures };
    },
  };
}

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function pods(): Promise<Pod[]> {
  return (await stack.client.pods.list({ namespace: NS, labelSelector: `app=${APP}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
}

async function readyPods(): Promise<Pod[]> {
  return (await pods()).filter(isReady);
}

async function updateDeployment(mutate: (d: Deployment) => void): Promise<void> {
  await waitFor(
    async () => {
      const d = await stack.client.deployments.get(NS, APP);
      mutate(d);
      try {
        await stack.client.deployments.update(d);
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw err;
      }
    },
    { timeoutMs: 10_000, desc: 'deployment updated' },
  );
}

async function rolledOut(replicas: number): Promise<void> {
  await waitFor(
    async () => {
      const d = await stack.client.deployments.get(NS, APP);
      const st = d.status ?? {};
      const all = await pods();
      return (
        (st.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
        st.updatedReplicas === replicas &&
        st.availableReplicas === replicas &&
        (st.replicas ?? 0) === replicas &&
        all.length === replicas &&
        all.every(isReady)
      );
    },
    { timeoutMs: 90_000, intervalMs: 250, desc: `deployment rolled out at ${replicas} replicas` },
  );
}

describe('a Deployment behind a Service', () => {
  it('converges to 3 ready replicas', async () => {
    await stack.client.deployments.create({
      metadata: { name: APP, namespace: NS },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: APP } },
        template: {
          metadata: { labels: { app: APP } },
          spec: {
            terminationGracePeriodSeconds: 5,
            containers: [
              {
                name: 'echo',
                image: 'k8ts/echo:v1',
                ports: [{ name: 'http', containerPort: 8080 }],
                readinessProbe: { handler: { httpGet: { path: '/healthz', port: intOrString('http') } }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    });
    await rolledOut(3);
    await waitFor(() => get(clusterIP, 80).catch(() => undefined), { timeoutMs: 20_000, intervalMs: 100, desc: 'the Service answering' });
  });

  it('replaces a deleted pod with a new IP while the Service keeps answering', async () => {
    const before = await readyPods();
    const victim = before[0];
    const load = loadThroughService();
    const t0 = Date.now();
    await stack.client.pods.delete(NS, victim.metadata?.name ?? '');
    const replacement = await waitFor(async () => (await readyPods()).find((p) => !before.some((b) => b.metadata?.name === p.metadata?.name)), {
      timeoutMs: 30_000,
      intervalMs: 100,
      desc: 'a ready replacement',
    });
    const readyAfterMs = Date.now() - t0;
    const { ok, failures } = await load.stop();
    console.log(`e2e: replacement ${replacement.metadata?.name} Ready ${readyAfterMs} ms after the delete; ${ok} requests, ${failures.length} failed`);
    expect(replacement.status?.podIP).not.toBe(victim.status?.podIP);
    expect(failures).toEqual([]);
  });

  it('scales 3 → 6 → 2', async () => {
    await updateDeployment((d) => (d.spec = { ...d.spec, replicas: 6 }));
    await rolledOut(6);
    await updateDeployment((d) => (d.spec = { ...d.spec, replicas: 2 }));
    await rolledOut(2);
  });

  it('rolls out a new image with no failed request through the Service', async () => {
    const load = loadThroughService();
    try {
      await updateDeployment((d) => {
        const c = d.spec?.template?.spec?.containers?.[0];
        if (c) c.image = 'k8ts/echo:v2';
      });
      await rolledOut(2);
    } finally {
      const { ok, failures } = await load.stop();
      console.log(`e2e: rolling update: ${ok} requests, ${failures.length} failed`);
      expect(failures).toEqual([]);
    }
    const images = (await pods()).map((p) => p.spec?.containers?.[0]?.image);
    expect(images).toEqual(['k8ts/echo:v2', 'k8ts/echo:v2']);
    const sets = (await stack.client.replicaSets.list({ namespace: NS })).items;
    expect(sets.map((rs) => rs.spec?.replicas ?? 0).sort()).toEqual([0, 2]);
  });

  it('a killed kubelet: the node goes NotReady, its pods leave the endpoints and are replaced on the other node', async () => {
    // Make sure both nodes run a pod, so losing either one matters.
    await updateDeployment((d) => (d.spec = { ...d.spec, replicas: 4 }));
    await rolledOut(4);
    const victimNode = 'node-61';
    const lost = (await readyPods()).filter((p) => p.spec?.nodeName === victimNode);
    expect(lost.length).toBeGreaterThan(0);

    await stack.killKubelet(victimNode);
    try {
      await waitFor(async () => (await stack.client.nodes.get(undefined, victimNode)).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown', {
        timeoutMs: 30_000,
        intervalMs: 250,
        desc: `${victimNode} Ready=Unknown`,
      });
      const lostIPs = new Set(lost.map((p) => p.status?.podIP));
      await waitFor(
        async () => {
          const slices = await stack.client.endpointSlices.list({ namespace: NS, labelSelector: `kubernetes.io/service-name=${APP}` });
          const ready = slices.items.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses ?? []));
          return ready.length > 0 && ready.every((ip) => !lostIPs.has(ip));
        },
        { timeoutMs: 30_000, intervalMs: 250, desc: `the pods of ${victimNode} out of the ready endpoints` },
      );
      await waitFor(
        async () => {
          const ready = await readyPods();
          return ready.length === 4 && ready.every((p) => p.spec?.nodeName !== victimNode);
        },
        { timeoutMs: 60_000, intervalMs: 250, desc: `4 ready pods, none on ${victimNode}` },
      );
      await waitFor(() => get(clusterIP, 80).catch(() => undefined), { timeoutMs: 10_000, intervalMs: 100, desc: 'the Service answering' });
    } finally {
      // The node comes back: its kubelet adopts the evicted pods' processes and tears them down.
      await stack.startKubelet(victimNode);
    }
  });

  it('deleting the Deployment deletes its ReplicaSets and pods', async () => {
    await stack.client.deployments.delete(NS, APP);
    await waitFor(
      async () => (await stack.client.replicaSets.list({ namespace: NS })).items.length === 0 && (await stack.client.pods.list({ namespace: NS })).items.length === 0,
      { timeoutMs: 60_000, intervalMs: 250, desc: 'ReplicaSets and pods garbage-collected' },
    );
  });
});
