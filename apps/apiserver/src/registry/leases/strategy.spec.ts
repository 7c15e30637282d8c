import type { Lease, LeaseSpec } from '@k8ts/api';
import { fieldErrorToString } from '@k8ts/apimachinery';
import { MemoryStorage } from '../../storage/memory-storage';
import { Store } from '../generic/store';
import { leaseStrategy } from './strategy';

const lease = (spec: LeaseSpec): Lease => ({ metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec });

describe('leaseStrategy.validate', () => {
  it.each<{ desc: string; spec: LeaseSpec }>([
    { desc: 'an empty lease', spec: {} },
    {
      desc: 'a node heartbeat',
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.000000Z', leaseTransitions: 0 },
    },
    { desc: 'a coordinated lease', spec: { strategy: 'OldestEmulationVersion', preferredHolder: 'kcm-1' } },
    { desc: 'a custom strategy', spec: { strategy: 'example.com/newest' } },
  ])('accepts $desc', ({ spec }) => {
    expect(leaseStrategy.validate(lease(spec)).map(fieldErrorToString)).toEqual([]);
  });

  it.each<{ desc: string; spec: LeaseSpec; want: string }>([
    { desc: 'a zero duration', spec: { leaseDurationSeconds: 0 }, want: 'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0' },
    { desc: 'a negative duration', spec: { leaseDurationSeconds: -5 }, want: 'spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0' },
    { desc: 'negative transitions', spec: { leaseTransitions: -1 }, want: 'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0' },
    { desc: 'an overlong holder', spec: { holderIdentity: 'h'.repeat(1025) }, want: 'spec.holderIdentity: Too long: may not be more than 1024 characters' },
    {
      desc: 'an unknown built-in strategy',
      spec: { strategy: 'Newest' },
      want: 'spec.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"',
    },
    { desc: 'a preferred holder without strategy', spec: { preferredHolder: 'kcm-1' }, want: 'spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined' },
  ])('rejects $desc', ({ spec, want }) => {
    expect(leaseStrategy.validate(lease(spec)).map(fieldErrorToString)).toEqual([want]);
  });

  it('validates renewals through the store', async () => {
    const codec = { encode: (o: Lease) => Buffer.from(JSON.stringify(o)), decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as Lease };
    const store = new Store<Lease>(leaseStrategy, new MemoryStorage(), codec);
    await store.create('kube-node-lease', lease({ holderIdentity: 'node-1', leaseDurationSeconds: 40 }));
    const renewed = await store.guaranteedUpdate('kube-node-lease', 'node-1', (l) => ({ ...l, spec: { ...l.spec, renewTime: '2024-05-01T10:00:10.000000Z' } }));
    expect(renewed.spec?.renewTime).toBe('2024-05-01T10:00:10.000000Z');
    await expect(
      store.guaranteedUpdate('kube-node-lease', 'node-1', (l) => ({ ...l, spec: { ...l.spec, leaseDurationSeconds: 0 } })),
    ).rejects.toMatchObject({ status: { reason: 'Invalid' } });
  });
});
