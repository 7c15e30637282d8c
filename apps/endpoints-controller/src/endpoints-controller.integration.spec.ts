// The endpoints-controller program against the real apiserver and
// nats-server processes. There is no kubelet yet, so the test plays kubelet:
// it creates pods with spec.nodeName set and writes their status (Running,
// podIP 127.244.x.y, Ready True/False) through pods/status.
import type { Endpoints, EndpointSlice, Pod } from '@k8ts/api';
import { isNotFound } from '@k8ts/apimachinery';
import { newNamespace, newPod, newService, waitFor } from '@k8ts/testing';
import { type ControlPlane, type ControllerProcess, startControlPlane, startEndpointsControllerProcess } from './testing/control-plane';

jest.setTimeout(120_000);

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

let cp: ControlPlane;
let controller: ControllerProcess;
const extraControllers: ControllerProcess[] = [];

beforeAll(async () => {
  cp = await startControlPlane();
  controller = await startEndpointsControllerProcess(cp, { identity: 'ec-main' });
}, 90_000);

afterAll(async () => {
  await Promise.all(extraControllers.map((c) => c.proc.stop()));
  await controller?.proc.stop();
  await cp?.stop();
});

async function namespace(name: string): Promise<string> {
  await cp.client.namespaces.create(newNamespace(name));
  return name;
}

function webService(ns: string, name = 'web', selector: Record<string, string> = { app: 'web' }) {
  return newService({ name, namespace: ns, selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
}

/** Writes the status a kubelet would write: Running with podIP, Ready True or False. */
async function setStatus(pod: Pod, ip: string, ready: boolean): Promise<Pod> {
  const now = new Date().toISOString();
  return cp.client.pods.updateStatus({
    ...pod,
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
      ],
    },
  });
}

/** Creates a pod bound to node-1 with a container port named http, then marks it running. */
async function runPod(ns: string, name: string, ip: string, ready: boolean, labels: Record<string, string> = { app: 'web' }): Promise<Pod> {
  const created = await cp.client.pods.create(
    newPod({ name, namespace: ns, labels, nodeName: 'node-1', ports: [{ name: 'http', containerPort: 8080 }] }),
  );
  return setStatus(created, ip, ready);
}

async function endpointsOf(ns: string, name: string): Promise<Endpoints | undefined> {
  try {
    return await cp.client.endpoints.get(ns, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

interface Addresses {
  ready: readonly string[];
  notReady: readonly string[];
}

function addresses(ep: Endpoints | undefined): Addresses {
  const subsets = ep?.subsets ?? [];
  return {
    ready: subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip ?? '')).sort(),
    notReady: subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip ?? '')).sort(),
  };
}

async function slicesOf(ns: string, service: string): Promise<EndpointSlice[]> {
  return (await cp.client.endpointSlices.list({ namespace: ns, labelSelector: `${SERVICE_NAME_LABEL}=${service}` })).items;
}

function sliceAddresses(slices: EndpointSlice[]): Addresses {
  const eps = slices.flatMap((s) => s.endpoints ?? []);
  return {
    ready: eps.filter((e) => e.conditions?.ready).flatMap((e) => e.addresses ?? []).sort(),
    notReady: eps.filter((e) => !e.conditions?.ready).flatMap((e) => e.addresses ?? []).sort(),
  };
}

const same = (a: Addresses, b: Addresses) => JSON.stringify(a) === JSON.stringify(b);

/** Waits until the Endpoints of ns/name show exactly `want`. */
async function waitForEndpoints(ns: string, name: string, want: Addresses, timeoutMs = 10_000, intervalMs = 25): Promise<void> {
  const sorted = { ready: [...want.ready].sort(), notReady: [...want.notReady].sort() };
  await waitFor(async () => same(addresses(await endpointsOf(ns, name)), sorted), {
    timeoutMs,
    intervalMs,
    desc: `endpoints ${ns}/${name} = ${JSON.stringify(sorted)} (last: ${JSON.stringify(addresses(await endpointsOf(ns, name).catch(() => undefined)))})`,
  });
}

describe('endpoints-controller process', () => {
  it('serves /healthz, /readyz and /metrics, and leads', async () => {
    expect((await controller.get('/healthz')).status).toBe(200);
    expect((await controller.get('/readyz')).status).toBe(200);
    await waitFor(async () => (await controller.leaderStatus()) === 1, { timeoutMs: 10_000, desc: 'ec-main leads' });
    const lease = await cp.client.leases.get('kube-system', 'k8ts-endpoints-controller');
    expect(lease.spec?.holderIdentity).toBe('ec-main');
    const { body } = await controller.get('/metrics');
    expect(body).toContain('workqueue_depth{name="endpoints"}');
    expect(body).toContain('endpoints_controller_sync_duration_seconds');
  });

  it('lists exactly the ready pod IPs in Endpoints and EndpointSlices, and follows readiness flips within 1 s', async () => {
    const ns = await namespace('ready-ips');
    await cp.client.services.create(webService(ns));
    let web1 = await runPod(ns, 'web-1', '127.244.1.1', true);
    await runPod(ns, 'web-2', '127.244.1.2', true);
    await runPod(ns, 'web-3', '127.244.1.3', false);
    await runPod(ns, 'other', '127.244.1.9', true, { app: 'other' });

    const want = { ready: ['127.244.1.1', '127.244.1.2'], notReady: ['127.244.1.3'] };
    await waitForEndpoints(ns, 'web', want);
    const ep = (await endpointsOf(ns, 'web')) as Endpoints;
    expect(ep.subsets?.[0]?.ports).toEqual([expect.objectContaining({ name: 'http', port: 8080, protocol: 'TCP' })]);
    await waitFor(async () => same(sliceAddresses(await slicesOf(ns, 'web')), want), { timeoutMs: 5000, desc: 'slice addresses' });
    const slices = await slicesOf(ns, 'web');
    expect(slices).toHaveLength(1);
    expect(slices[0]?.addressType).toBe('IPv4');
    expect(slices[0]?.ports).toEqual([expect.objectContaining({ name: 'http', port: 8080 })]);
    expect(slices[0]?.endpoints?.find((e) => e.addresses?.[0] === '127.244.1.1')?.targetRef?.name).toBe('web-1');

    // Readiness flips, each measured from the status write to the Endpoints showing it.
    const latencies: number[] = [];
    for (const [ready, expected] of [
      [false, { ready: ['127.244.1.2'], notReady: ['127.244.1.1', '127.244.1.3'] }],
      [true, want],
      [false, { ready: ['127.244.1.2'], notReady: ['127.244.1.1', '127.244.1.3'] }],
      [true, want],
    ] as const) {
      const started = performance.now();
      web1 = await setStatus(web1, '127.244.1.1', ready);
      await waitForEndpoints(ns, 'web', expected, 1000, 5);
      latencies.push(Math.round(performance.now() - started));
    }
    console.log(`readiness flip → Endpoints latency (ms), Ready False/True/False/True: ${latencies.join(', ')}`);
    await waitFor(async () => same(sliceAddresses(await slicesOf(ns, 'web')), want), { timeoutMs: 1000, intervalMs: 10, desc: 'slices after the flips' });
  });

  it('moves a pod between two Services when its labels change', async () => {
    const ns = await namespace('relabel');
    await cp.client.services.create(webService(ns, 'blue', { app: 'blue' }));
    await cp.client.services.create(webService(ns, 'green', { app: 'green' }));
    await runPod(ns, 'p', '127.244.1.20', true, { app: 'blue' });
    await waitForEndpoints(ns, 'blue', { ready: ['127.244.1.20'], notReady: [] });
    await waitForEndpoints(ns, 'green', { ready: [], notReady: [] });

    const pod = await cp.client.pods.get(ns, 'p');
    await cp.client.pods.update({ ...pod, metadata: { ...pod.metadata, labels: { app: 'green' } } });
    await waitForEndpoints(ns, 'green', { ready: ['127.244.1.20'], notReady: [] });
    await waitForEndpoints(ns, 'blue', { ready: [], notReady: [] });
    await waitFor(async () => sliceAddresses(await slicesOf(ns, 'green')).ready.includes('127.244.1.20') && sliceAddresses(await slicesOf(ns, 'blue')).ready.length === 0, {
      timeoutMs: 5000,
      desc: 'slices follow the relabel',
    });
  });

  it('removes the Endpoints and EndpointSlices of a deleted Service', async () => {
    const ns = await namespace('svc-delete');
    await cp.client.services.create(webService(ns));
    await runPod(ns, 'web-1', '127.244.1.30', true);
    await waitForEndpoints(ns, 'web', { ready: ['127.244.1.30'], notReady: [] });
    await waitFor(async () => (await slicesOf(ns, 'web')).length === 1, { desc: 'one slice' });

    await cp.client.services.delete(ns, 'web');
    await waitFor(async () => (await endpointsOf(ns, 'web')) === undefined && (await slicesOf(ns, 'web')).length === 0, {
      timeoutMs: 5000,
      desc: 'endpoints and slices of the deleted service are gone',
    });
  });

  it('spreads 150 pods over 2 EndpointSlices', async () => {
    const ns = await namespace('many-pods');
    await cp.client.services.create(webService(ns));
    const ips = Array.from({ length: 150 }, (_, i) => `127.244.2.${i + 1}`);
    for (let i = 0; i < ips.length; i += 15) {
      await Promise.all(ips.slice(i, i + 15).map((ip, j) => runPod(ns, `web-${String(i + j).padStart(3, '0')}`, ip, true)));
    }
    await waitForEndpoints(ns, 'web', { ready: ips, notReady: [] }, 20_000);
    await waitFor(
      async () => {
        const slices = await slicesOf(ns, 'web');
        return slices.length === 2 && sliceAddresses(slices).ready.length === 150;
      },
      { timeoutMs: 20_000, desc: '2 slices holding 150 endpoints' },
    );
    const sizes = (await slicesOf(ns, 'web')).map((s) => s.endpoints?.length ?? 0).sort((a, b) => a - b);
    expect(sizes[0]! + sizes[1]!).toBe(150);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
  });

  it('releases the lease on SIGTERM, and a standby takes over within the lease duration after the leader is killed', async () => {
    // Graceful stop: exit 0 and the lease released (holder cleared).
    const exit = await controller.proc.stop({ signal: 'SIGTERM', timeoutMs: 10_000 });
    expect(exit).toEqual({ code: 0, signal: null });
    const released = await cp.client.leases.get('kube-system', 'k8ts-endpoints-controller');
    expect(released.spec?.holderIdentity ?? '').toBe('');

    const shortLease = ['--leader-elect-lease-duration-seconds', '3', '--renew-deadline-seconds', '2', '--retry-period-seconds', '0.5'];
    const a = await startEndpointsControllerProcess(cp, { identity: 'ec-a', extraArgs: shortLease });
    extraControllers.push(a);
    await waitFor(async () => (await a.leaderStatus()) === 1, { timeoutMs: 10_000, desc: 'ec-a leads' });
    const b = await startEndpointsControllerProcess(cp, { identity: 'ec-b', extraArgs: shortLease });
    extraControllers.push(b);
    expect(await b.leaderStatus()).toBe(0);

    const ns = await namespace('handover');
    await cp.client.services.create(webService(ns));
    let pod = await runPod(ns, 'web-1', '127.244.1.40', true);
    await waitForEndpoints(ns, 'web', { ready: ['127.244.1.40'], notReady: [] });
    expect(await b.leaderStatus()).toBe(0);

    await a.proc.stop({ signal: 'SIGKILL' });
    const killed = performance.now();
    pod = await setStatus(pod, '127.244.1.40', false);
    const leaseMs = 3000;
    const marginMs = 3000; // acquire retry with jitter (≤ 1.1 s) + the sync itself
    await waitForEndpoints(ns, 'web', { ready: [], notReady: ['127.244.1.40'] }, leaseMs + marginMs);
    const handover = Math.round(performance.now() - killed);
    console.log(`leader kill -9 → standby updated Endpoints after ${handover} ms (lease 3 s)`);
    expect(await b.leaderStatus()).toBe(1);
    expect((await cp.client.leases.get('kube-system', 'k8ts-endpoints-controller')).spec?.holderIdentity).toBe('ec-b');

    // ec-b keeps following changes.
    await setStatus(pod, '127.244.1.40', true);
    await waitForEndpoints(ns, 'web', { ready: ['127.244.1.40'], notReady: [] }, 1000, 5);
  });
});
