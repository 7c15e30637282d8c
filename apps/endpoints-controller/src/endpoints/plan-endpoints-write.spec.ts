import { deepCopy, type Endpoints } from '@k8ts/api';
import { deepFreeze, readyPods, testService } from '../testing/fixtures';
import { desiredEndpoints } from './desired-endpoints';
import { planEndpointsWrite } from './plan-endpoints-write';

const service = testService({ name: 'web', labels: { team: 'a' } });
const desired = desiredEndpoints(service, readyPods(2)) as Endpoints;

/** The desired object as the apiserver would return it. */
function stored(ep: Endpoints = desired): Endpoints {
  const copy = deepCopy(ep);
  copy.metadata = { ...copy.metadata, uid: 'uid-ep', resourceVersion: '42', annotations: { keep: 'me' } };
  return deepFreeze(copy);
}

describe('planEndpointsWrite', () => {
  it('creates when nothing is stored', () => {
    const plan = planEndpointsWrite(undefined, deepFreeze(deepCopy(desired)));
    expect(plan).toEqual({ action: 'create', object: desired });
  });

  it.each<{ desc: string; change: (ep: Endpoints) => void }>([
    { desc: 'identical', change: () => undefined },
    {
      desc: 'only the pods’ resourceVersion in targetRefs differs',
      change: (ep) => {
        for (const a of ep.subsets?.[0].addresses ?? []) a.targetRef = { ...a.targetRef, resourceVersion: '7' };
      },
    },
    {
      desc: 'empty lists and absent fields',
      change: (ep) => {
        ep.subsets = ep.subsets?.map((s) => ({ ...s, notReadyAddresses: [] }));
        ep.metadata = { ...ep.metadata, ownerReferences: [] };
      },
    },
  ])('writes nothing when the stored object is equal: $desc', ({ change }) => {
    const current = deepCopy(stored());
    change(current);
    expect(planEndpointsWrite(deepFreeze(current), desired)).toEqual({ action: 'none' });
  });

  it.each<{ desc: string; change: (ep: Endpoints) => void }>([
    { desc: 'an address is missing', change: (ep) => ep.subsets?.[0].addresses?.pop() },
    { desc: 'a port differs', change: (ep) => ((ep.subsets?.[0].ports ?? [])[0].port = 9999) },
    { desc: 'a label differs', change: (ep) => (ep.metadata = { ...ep.metadata, labels: { team: 'b' } }) },
    { desc: 'there is an extra label with an empty value', change: (ep) => (ep.metadata = { ...ep.metadata, labels: { team: 'a', 'service.kubernetes.io/headless': '' } }) },
    { desc: 'there is a stray over-capacity annotation', change: (ep) => (ep.metadata = { ...ep.metadata, annotations: { 'endpoints.kubernetes.io/over-capacity': 'truncated' } }) },
  ])('updates a copy of the stored object when $desc', ({ change }) => {
    const current = deepCopy(stored());
    change(current);
    const frozen = deepFreeze(current);
    const plan = planEndpointsWrite(frozen, desired);
    expect(plan.action).toBe('update');
    if (plan.action !== 'update') return;
    expect(plan.object).not.toBe(frozen);
    expect(plan.object.subsets).toEqual(desired.subsets);
    expect(plan.object.metadata?.labels).toEqual({ team: 'a' });
    expect(plan.object.metadata?.resourceVersion).toBe(frozen.metadata?.resourceVersion);
    expect(plan.object.metadata?.uid).toBe('uid-ep');
    expect(plan.object.metadata?.annotations?.['endpoints.kubernetes.io/over-capacity']).toBeUndefined();
  });

  it('keeps unrelated annotations, drops a stale trigger time, sets over-capacity', () => {
    const current = deepCopy(stored());
    current.metadata = {
      ...current.metadata,
      annotations: { keep: 'me', 'endpoints.kubernetes.io/last-change-trigger-time': '2020-01-01T00:00:00Z' },
    };
    const truncated = desiredEndpoints(service, readyPods(3), { maxCapacity: 2 }) as Endpoints;
    const plan = planEndpointsWrite(deepFreeze(current), truncated);
    expect(plan.action === 'update' && plan.object.metadata?.annotations).toEqual({ keep: 'me', 'endpoints.kubernetes.io/over-capacity': 'truncated' });
  });
});
