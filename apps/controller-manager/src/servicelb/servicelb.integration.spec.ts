// The servicelb controller as a real process: nats-server + apiserver
// (127.103.0.0/16) + controller-manager (--controllers servicelb,
// --load-balancer-ip-pool 127.242.0.0/24).
import type { Service } from '@k8ts/api';
import { newNamespace, newService, waitFor } from '@k8ts/testing';
import { startControlPlane, startControllerManager, type ControlPlane, type ControllerManagerProcess } from '../testing/control-plane';

jest.setTimeout(120_000);

const NS = 'cm-servicelb';
const CONTROLLERS = 'servicelb';
const EXTRA_ARGS = ['--load-balancer-ip-pool', '127.242.0.0/24'];
const WAIT = { timeoutMs: 40_000, intervalMs: 100 };

let cp: ControlPlane;
let cm: ControllerManagerProcess | undefined;

function startCm(identity: string): Promise<ControllerManagerProcess> {
  return startControllerManager(cp, { identity, controllers: CONTROLLERS, extraArgs: EXTRA_ARGS });
}

beforeAll(async () => {
  cp = await startControlPlane();
  await cp.client.namespaces.create(newNamespace(NS));
  cm = await startCm(`${NS}-1`);
});

afterAll(async () => {
  await cm?.proc.stop();
  await cp?.stop();
});

async function eventReasons(name: string): Promise<string[]> {
  const { items } = await cp.client.events.list({});
  return items.filter((e) => e.involvedObject?.name === name).map((e) => e.reason ?? '');
}

describe('servicelb', () => {
  const ingressIp = (s: Service) => s.status?.loadBalancer?.ingress?.[0]?.ip;

  async function waitForIp(name: string): Promise<Service> {
    return waitFor(
      async () => {
        const s = await cp.client.services.get(NS, name);
        return ingressIp(s) ? s : undefined;
      },
      { ...WAIT, desc: `an ingress IP for ${name}` },
    );
  }

  it('gives LoadBalancer Services pool addresses, honours loadBalancerIP, and releases on type change and delete', async () => {
    await cp.client.services.create(newService({ name: 'lb-a', namespace: NS, type: 'LoadBalancer' }));
    const a = await waitForIp('lb-a');
    expect(ingressIp(a)).toMatch(/^127\.242\.0\.\d+$/);
    expect(a.status?.loadBalancer?.ingress?.map((i) => ({ ip: i.ip, ipMode: i.ipMode }))).toEqual([{ ip: ingressIp(a), ipMode: 'VIP' }]);
    await waitFor(async () => (await eventReasons('lb-a')).includes('EnsuredLoadBalancer'), { ...WAIT, desc: 'EnsuredLoadBalancer event' });

    const requested = newService({ name: 'lb-b', namespace: NS, type: 'LoadBalancer' });
    requested.spec = { ...requested.spec, loadBalancerIP: '127.242.0.77' };
    await cp.client.services.create(requested);
    expect(ingressIp(await waitForIp('lb-b'))).toBe('127.242.0.77');

    // A ClusterIP Service is none of servicelb's business.
    await cp.client.services.create(newService({ name: 'plain', namespace: NS }));

    // Type change away from LoadBalancer: the status is cleared and the address freed for another.
    const current = await cp.client.services.get(NS, 'lb-a');
    await cp.client.services.update({ ...current, spec: { ...current.spec, type: 'ClusterIP', allocateLoadBalancerNodePorts: undefined, ports: current.spec?.ports?.map((p) => ({ ...p, nodePort: undefined })) } });
    const taker = newService({ name: 'lb-c', namespace: NS, type: 'LoadBalancer' });
    taker.spec = { ...taker.spec, loadBalancerIP: ingressIp(a) };
    await cp.client.services.create(taker);
    expect(ingressIp(await waitForIp('lb-c'))).toBe(ingressIp(a));
    expect((await cp.client.services.get(NS, 'lb-a')).status?.loadBalancer?.ingress ?? []).toEqual([]);

    // Delete: .77 is free again.
    await cp.client.services.delete(NS, 'lb-b');
    const again = newService({ name: 'lb-d', namespace: NS, type: 'LoadBalancer' });
    again.spec = { ...again.spec, loadBalancerIP: '127.242.0.77' };
    await cp.client.services.create(again);
    expect(ingressIp(await waitForIp('lb-d'))).toBe('127.242.0.77');
    expect((await cp.client.services.get(NS, 'plain')).status?.loadBalancer?.ingress ?? []).toEqual([]);
  });

  it('an address already taken is refused with an AllocationFailed Warning', async () => {
    const dup = newService({ name: 'lb-dup', namespace: NS, type: 'LoadBalancer' });
    dup.spec = { ...dup.spec, loadBalancerIP: '127.242.0.77' };
    await cp.client.services.create(dup);
    await waitFor(async () => (await eventReasons('lb-dup')).includes('AllocationFailed'), { ...WAIT, desc: 'AllocationFailed event' });
    expect((await cp.client.services.get(NS, 'lb-dup')).status?.loadBalancer?.ingress ?? []).toEqual([]);
    await cp.client.services.delete(NS, 'lb-dup');
  });
});

describe('restart', () => {
  it('rebuilds the pool from Service statuses: a new Service never gets an address already shown', async () => {
    const before = await cp.client.services.list({ namespace: NS });
    const taken = new Set(before.items.flatMap((s) => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip)));
    expect(taken.size).toBeGreaterThan(1);
    await cm?.proc.stop();
    cm = undefined;
    await cp.client.services.create(newService({ name: 'lb-after', namespace: NS, type: 'LoadBalancer' }));
    cm = await startCm(`${NS}-2`);
    const after = await waitFor(
      async () => {
        const s = await cp.client.services.get(NS, 'lb-after');
        return s.status?.loadBalancer?.ingress?.[0]?.ip;
      },
      { ...WAIT, desc: 'lb-after has an address' },
    );
    expect(taken.has(after)).toBe(false);
    // The Services that had addresses keep them.
    const again = await cp.client.services.list({ namespace: NS });
    const now = new Set(again.items.filter((s) => s.metadata?.name !== 'lb-after').flatMap((s) => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip)));
    expect([...now].sort()).toEqual([...taken].sort());
  });
});
