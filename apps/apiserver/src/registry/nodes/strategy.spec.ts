import type { Node } from '@k8ts/api';
import { MemoryStorage } from '../../storage/memory-storage';
import { Store } from '../generic/store';
import { defaultNode, nodeStrategy } from './strategy';

const codec = {
  encode: (o: Node) => Buffer.from(JSON.stringify(o)),
  decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as Node,
};

const newStore = () => new Store<Node>(nodeStrategy, new MemoryStorage(), codec);

describe('nodeStrategy in the generic store', () => {
  it('lets a kubelet register with status and then update status only', async () => {
    const store = newStore();
    const registered = await store.create(undefined, {
      metadata: { name: 'node-1' },
      spec: {},
      status: { capacity: { cpu: '4', pods: '110' }, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] },
    });
    expect(registered.status?.capacity).toEqual({ cpu: '4', pods: '110' });
    expect(registered.status?.allocatable).toEqual({ cpu: '4', pods: '110' });

    const heartbeat = structuredClone(registered);
    heartbeat.status!.conditions = [{ type: 'Ready', status: 'True' }];
    heartbeat.spec!.unschedulable = true; // ignored on a status write
    const afterStatus = await store.update(undefined, heartbeat, { subresource: 'status' });
    expect(afterStatus.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(afterStatus.spec?.unschedulable).toBeUndefined();

    const cordon = structuredClone(afterStatus);
    cordon.spec!.unschedulable = true;
    cordon.status = {}; // ignored on a main write
    const afterMain = await store.update(undefined, cordon);
    expect(afterMain.spec?.unschedulable).toBe(true);
    expect(afterMain.status?.conditions).toHaveLength(1);
  });

  it('assigns podCIDRs once and then keeps them', async () => {
    const store = newStore();
    await store.create(undefined, { metadata: { name: 'node-1' }, spec: {} });
    const assigned = await store.guaranteedUpdate(undefined, 'node-1', (n) => ({ ...n, spec: { ...n.spec, podCIDR: '10.244.1.0/24' } }));
    expect(assigned.spec?.podCIDRs).toEqual(['10.244.1.0/24']);
    await expect(
      store.guaranteedUpdate(undefined, 'node-1', (n) => ({ ...n, spec: { ...n.spec, podCIDR: '10.244.9.0/24', podCIDRs: ['10.244.9.0/24'] } })),
    ).rejects.toMatchObject({ status: { reason: 'Invalid', details: { causes: [expect.objectContaining({ field: 'spec.podCIDRs' })] } } });
  });

  it('selects nodes by spec.unschedulable', async () => {
    const store = newStore();
    await store.create(undefined, { metadata: { name: 'a' }, spec: { unschedulable: true } });
    await store.create(undefined, { metadata: { name: 'b' }, spec: {} });
    const got = await store.list(undefined, { fieldSelector: 'spec.unschedulable=false' });
    expect(got.items.map((n) => n.metadata?.name)).toEqual(['b']);
  });

  it.each([
    { desc: 'podCIDR fills podCIDRs', spec: { podCIDR: '10.244.1.0/24' }, want: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } },
    { desc: 'podCIDRs decide podCIDR', spec: { podCIDR: '10.244.9.0/24', podCIDRs: ['10.244.1.0/24'] }, want: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } },
  ])('defaults: $desc', ({ spec, want }) => {
    const n: Node = { metadata: { name: 'n' }, spec };
    defaultNode(n);
    expect(n.spec).toEqual(want);
  });
});
