import type { Binding, Pod } from '@k8ts/api';
import { isConflict, isInvalid, isNotFound } from '@k8ts/apimachinery';
import type { Store } from '../generic/store';
import { TestClock, invalidCauses, newPod, newStore } from '../podtemplate/test-fixtures';
import { bindPod } from './binding';
import { podStrategy } from './strategy';

const binding = (node: string, extra: Partial<Binding> = {}): Binding => ({
  metadata: { name: 'web', namespace: 'default', ...extra.metadata },
  target: { kind: 'Node', name: node, ...extra.target },
});

describe('bindPod', () => {
  let store: Store<Pod>;
  let clock: TestClock;
  const now = () => clock.now();

  beforeEach(async () => {
    clock = new TestClock();
    store = newStore(podStrategy, clock);
    await store.create('default', newPod('web'));
  });

  it('sets spec.nodeName and the PodScheduled condition', async () => {
    const bound = await bindPod(store, 'default', binding('node-1'), { now });
    expect(bound.spec!.nodeName).toBe('node-1');
    expect(bound.status!.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }]);
    expect(bound.status!.phase).toBe('Pending');
    const stored = await store.get('default', 'web');
    expect(stored.spec!.nodeName).toBe('node-1');
    expect(stored.metadata!.resourceVersion).toBe(bound.metadata!.resourceVersion);
  });

  it('replaces a PodScheduled=False condition', async () => {
    await store.update('default', { ...(await store.get('default', 'web')), status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } }, { subresource: 'status' });
    clock.advance(10);
    const bound = await bindPod(store, 'default', binding('node-1'), { now });
    expect(bound.status!.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-01-01T00:00:10Z' }]);
  });

  it('copies the binding annotations onto the pod', async () => {
    const bound = await bindPod(store, 'default', binding('node-1', { metadata: { annotations: { 'scheduler.example.com/score': '7' } } }));
    expect(bound.metadata!.annotations).toEqual({ 'scheduler.example.com/score': '7' });
    expect(bound.metadata!.labels).toEqual({ app: 'web' });
  });

  it.each([
    { desc: 'an empty target kind is fine', kind: '', ok: true },
    { desc: 'a Node target is fine', kind: 'Node', ok: true },
  ])('$desc', async ({ kind }) => {
    await expect(bindPod(store, 'default', binding('node-1', { target: { kind } }))).resolves.toBeDefined();
  });

  it.each([
    { desc: 'a target that is not a Node', b: binding('node-1', { target: { kind: 'Pod' } }), want: ['target.kind: FieldValueNotSupported'] },
    { desc: 'a target without a name', b: binding(''), want: ['target.name: FieldValueRequired'] },
  ])('rejects $desc as Invalid', async ({ b, want }) => {
    expect(await invalidCauses(bindPod(store, 'default', b))).toEqual(want);
  });

  it('refuses a pod that is already bound', async () => {
    await bindPod(store, 'default', binding('node-1'));
    const err = await bindPod(store, 'default', binding('node-2')).catch((e) => e);
    expect(isConflict(err)).toBe(true);
    expect(err.message).toContain('pod web is already assigned to node "node-1"');
    expect((await store.get('default', 'web')).spec!.nodeName).toBe('node-1');
  });

  it('refuses a pod that is being deleted', async () => {
    await store.update('default', { ...(await store.get('default', 'web')), metadata: { ...(await store.get('default', 'web')).metadata, finalizers: ['example.com/hold'] } });
    await store.delete('default', 'web');
    const err = await bindPod(store, 'default', binding('node-1')).catch((e) => e);
    expect(isConflict(err)).toBe(true);
    expect(err.message).toContain('pod web is being deleted, cannot be assigned to a host');
  });

  it('refuses a pod with scheduling gates', async () => {
    await store.create('default', { ...newPod('gated'), spec: { ...newPod().spec, schedulingGates: [{ name: 'example.com/wait' }] } });
    const err = await bindPod(store, 'default', { ...binding('node-1'), metadata: { name: 'gated' } }).catch((e) => e);
    expect(isConflict(err)).toBe(true);
    expect(err.message).toContain('non-empty .spec.schedulingGates');
  });

  it('checks uid and resourceVersion preconditions', async () => {
    const pod = await store.get('default', 'web');
    await expect(bindPod(store, 'default', binding('node-1', { metadata: { uid: 'other' } }))).rejects.toThrow(/Precondition failed: UID/);
    await expect(bindPod(store, 'default', binding('node-1', { metadata: { resourceVersion: '999' } }))).rejects.toThrow(/Precondition failed: ResourceVersion/);
    await expect(bindPod(store, 'default', binding('node-1', { metadata: { uid: pod.metadata!.uid, resourceVersion: pod.metadata!.resourceVersion } }))).resolves.toBeDefined();
  });

  it('reports a missing pod as NotFound', async () => {
    const err = await bindPod(store, 'default', { ...binding('node-1'), metadata: { name: 'ghost' } }).catch((e) => e);
    expect(isNotFound(err)).toBe(true);
  });

  it('still forbids changing spec.nodeName through a normal update', async () => {
    const pod = await store.get('default', 'web');
    const err = await store.update('default', { ...pod, spec: { ...pod.spec, nodeName: 'node-9' } }).catch((e) => e);
    expect(isInvalid(err)).toBe(true);
    expect(err.message).toContain('pod updates may not change fields other than');
  });
});
