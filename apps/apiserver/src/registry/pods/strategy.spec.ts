import type { Pod } from '@k8ts/api';
import { isInvalid } from '@k8ts/apimachinery';
import type { Store } from '../generic/store';
import { TestClock, invalidCauses, newPod, newStore, podSpec } from '../podtemplate/test-fixtures';
import { bindPod } from './binding';
import { podFields, podGracePeriodSeconds, podStrategy } from './strategy';

describe('podStrategy', () => {
  let store: Store<Pod>;
  let clock: TestClock;

  beforeEach(() => {
    clock = new TestClock();
    store = newStore(podStrategy, clock);
  });

  describe('create', () => {
    it('starts Pending with a QoS class and ignores the given status', async () => {
      const pod = await store.create('default', { ...newPod(), status: { phase: 'Running', podIP: '10.0.0.1' } });
      expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
      expect(pod.metadata!.generation).toBeUndefined();
    });

    it('computes QoS after requests default to limits', async () => {
      const spec = podSpec();
      spec.containers![0].resources = { limits: { cpu: '1', memory: '1Gi' } };
      const pod = await store.create('default', newPod('web', spec));
      expect(pod.spec!.containers![0].resources!.requests).toEqual({ cpu: '1', memory: '1Gi' });
      expect(pod.status!.qosClass).toBe('Guaranteed');
    });

    it('applies pod-only defaults', async () => {
      const spec = podSpec({ hostNetwork: true });
      spec.containers![0].ports = [{ containerPort: 8080 }];
      const pod = await store.create('default', newPod('web', spec));
      expect(pod.spec!.enableServiceLinks).toBe(true);
      expect(pod.spec!.containers![0].ports![0]).toMatchObject({ containerPort: 8080, hostPort: 8080, protocol: 'TCP' });
      expect(pod.spec!.restartPolicy).toBe('Always');
    });

    it('allows spec.nodeName at create', async () => {
      const pod = await store.create('default', newPod('web', podSpec({ nodeName: 'node-1' })));
      expect(pod.spec!.nodeName).toBe('node-1');
    });

    it('marks a gated pod as not scheduled', async () => {
      const pod = await store.create('default', newPod('web', podSpec({ schedulingGates: [{ name: 'example.com/gate' }] })));
      expect(pod.status!.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' })]);
    });

    it('rejects an invalid pod with field causes', async () => {
      const spec = podSpec();
      spec.containers![0].image = ' nginx ';
      expect(await invalidCauses(store.create('default', newPod('web', spec)))).toEqual(['spec.containers[0].image: FieldValueInvalid']);
      expect(await invalidCauses(store.create('default', newPod('web', { containers: [] })))).toEqual(['spec.containers: FieldValueRequired']);
    });

    it('requires spec.nodeName for mirror pods', async () => {
      const pod = newPod();
      pod.metadata!.annotations = { 'kubernetes.io/config.mirror': 'abc' };
      expect(await invalidCauses(store.create('default', pod))).toEqual(['metadata.annotations[kubernetes.io/config.mirror]: FieldValueInvalid']);
    });
  });

  describe('update', () => {
    let pod: Pod;
    beforeEach(async () => {
      pod = await store.create('default', newPod('web', podSpec({ activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }] })));
    });
    const change = (mutate: (p: Pod) => void) => {
      const next = structuredClone(pod);
      mutate(next);
      return store.update('default', next);
    };

    it.each([
      { desc: 'the image', mutate: (p: Pod) => (p.spec!.containers![0].image = 'nginx:1.26') },
      { desc: 'a lower activeDeadlineSeconds', mutate: (p: Pod) => (p.spec!.activeDeadlineSeconds = 50) },
      { desc: 'an added toleration', mutate: (p: Pod) => p.spec!.tolerations!.push({ key: 'b', operator: 'Exists' }) },
      { desc: 'labels', mutate: (p: Pod) => (p.metadata!.labels = { app: 'other' }) },
    ])('may change $desc', async ({ mutate }) => {
      await expect(change(mutate)).resolves.toBeDefined();
    });

    it.each([
      { desc: 'restartPolicy', mutate: (p: Pod) => (p.spec!.restartPolicy = 'Never'), want: ['spec: FieldValueForbidden'] },
      { desc: 'nodeName', mutate: (p: Pod) => (p.spec!.nodeName = 'node-1'), want: ['spec: FieldValueForbidden'] },
      { desc: 'terminationGracePeriodSeconds', mutate: (p: Pod) => (p.spec!.terminationGracePeriodSeconds = 5), want: ['spec: FieldValueForbidden'] },
      { desc: 'a container name', mutate: (p: Pod) => (p.spec!.containers![0].name = 'other'), want: ['spec: FieldValueForbidden'] },
      {
        desc: 'the number of containers',
        mutate: (p: Pod) => p.spec!.containers!.push({ name: 'b', image: 'x:1' }),
        want: ['spec.containers: FieldValueForbidden'],
      },
      { desc: 'an empty image', mutate: (p: Pod) => (p.spec!.containers![0].image = ''), want: ['spec.containers[0].image: FieldValueRequired', 'spec.containers[0].image: FieldValueRequired'] },
      {
        desc: 'a higher activeDeadlineSeconds',
        mutate: (p: Pod) => (p.spec!.activeDeadlineSeconds = 200),
        want: ['spec.activeDeadlineSeconds: FieldValueInvalid'],
      },
      {
        desc: 'a removed activeDeadlineSeconds',
        mutate: (p: Pod) => delete p.spec!.activeDeadlineSeconds,
        want: ['spec.activeDeadlineSeconds: FieldValueInvalid'],
      },
      { desc: 'a removed toleration', mutate: (p: Pod) => (p.spec!.tolerations = []), want: ['spec.tolerations: FieldValueForbidden'] },
    ])('may not change $desc', async ({ mutate, want }) => {
      expect(await invalidCauses(change(mutate))).toEqual(want);
    });

    it('says which fields may change', async () => {
      const err = await change((p) => (p.spec!.restartPolicy = 'Never')).catch((e) => e);
      expect(err.message).toContain('pod updates may not change fields other than `spec.containers[*].image`');
      expect(err.message).toContain('spec.restartPolicy');
    });

    it('keeps the status on a spec update', async () => {
      const updated = await change((p) => {
        p.spec!.containers![0].image = 'nginx:2';
        p.status = { phase: 'Failed' };
      });
      expect(updated.status).toEqual(pod.status);
    });

    it('keeps the spec on a status update and validates the status', async () => {
      const next = structuredClone(pod);
      next.spec!.containers![0].image = 'ignored:1';
      next.status = { ...next.status, phase: 'Running', podIP: '10.1.2.3', podIPs: [{ ip: '10.1.2.3' }], conditions: [{ type: 'Ready', status: 'True' }] };
      const updated = await store.update('default', next, { subresource: 'status' });
      expect(updated.spec).toEqual(pod.spec);
      expect(updated.status).toMatchObject({ phase: 'Running', podIP: '10.1.2.3', qosClass: 'BestEffort' });
    });

    it.each([
      { desc: 'an unknown phase', status: { phase: 'Sleeping' }, want: ['status.phase: FieldValueNotSupported'] },
      { desc: 'a condition with a bad status', status: { conditions: [{ type: 'Ready', status: 'Yes' }] }, want: ['status.conditions[0].status: FieldValueNotSupported'] },
      { desc: 'a custom condition type that is not a qualified name', status: { conditions: [{ type: 'not ok', status: 'True' }] }, want: ['status.conditions[0].type: FieldValueInvalid'] },
      { desc: 'an invalid pod IP', status: { podIP: '10.0.0.300' }, want: ['status.podIP: FieldValueInvalid'] },
      { desc: 'a changed QoS class', status: { qosClass: 'Guaranteed' }, want: ['status.qosClass: FieldValueInvalid'] },
      { desc: 'an invalid nominated node', status: { nominatedNodeName: 'Node_1' }, want: ['status.nominatedNodeName: FieldValueInvalid'] },
    ])('rejects a status with $desc', async ({ status, want }) => {
      const next = { ...structuredClone(pod), status: { ...pod.status, ...status } };
      expect(await invalidCauses(store.update('default', next, { subresource: 'status' }))).toEqual(want);
    });

    it('does not let terminated containers of a Never pod run again', async () => {
      const never = await store.create('default', newPod('once', podSpec({ restartPolicy: 'Never' })));
      const terminated = { ...never, status: { ...never.status, containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0 } } }] } };
      const done = await store.update('default', terminated, { subresource: 'status' });
      const running = { ...done, status: { ...done.status, containerStatuses: [{ name: 'app', state: { running: {} } }] } };
      expect(await invalidCauses(store.update('default', running, { subresource: 'status' }))).toEqual(['status.containerStatuses[0].state: FieldValueForbidden']);
    });
  });

  describe('fields', () => {
    it('lists every key for an empty pod', () => {
      expect(podFields({})).toEqual({
        'spec.nodeName': '',
        'spec.restartPolicy': '',
        'spec.schedulerName': '',
        'spec.serviceAccountName': '',
        'spec.hostNetwork': 'false',
        'status.phase': '',
        'status.podIP': '',
        'status.nominatedNodeName': '',
      });
    });

    it('reads the values of a pod', async () => {
      const pod = await store.create('default', newPod('web', podSpec({ nodeName: 'n1', serviceAccountName: 'sa' })));
      expect(store.fieldsOf(pod)).toMatchObject({
        'metadata.name': 'web',
        'metadata.namespace': 'default',
        'spec.nodeName': 'n1',
        'spec.restartPolicy': 'Always',
        'spec.schedulerName': 'default-scheduler',
        'spec.serviceAccountName': 'sa',
        'status.phase': 'Pending',
      });
    });
  });

  describe('grace period', () => {
    const pod = (nodeName?: string, phase?: string, grace?: number): Pod => ({ spec: { nodeName, terminationGracePeriodSeconds: grace }, status: { phase } });
    it.each([
      { desc: 'an unbound pod goes at once', pod: pod(undefined, 'Pending', 30), requested: 10, want: 0 },
      { desc: 'a succeeded pod goes at once', pod: pod('n1', 'Succeeded', 30), requested: undefined, want: 0 },
      { desc: 'a failed pod goes at once', pod: pod('n1', 'Failed', 30), requested: undefined, want: 0 },
      { desc: 'a running pod uses its own period', pod: pod('n1', 'Running', 45), requested: undefined, want: 45 },
      { desc: 'a requested period wins', pod: pod('n1', 'Running', 45), requested: 5, want: 5 },
      { desc: 'a requested 0 forces immediate deletion', pod: pod('n1', 'Running', 45), requested: 0, want: 0 },
      { desc: 'without any period, 30s', pod: pod('n1', 'Running'), requested: undefined, want: 30 },
      { desc: 'a negative request becomes 1', pod: pod('n1', 'Running', 45), requested: -5, want: 1 },
    ])('$desc', ({ pod, requested, want }) => {
      expect(podGracePeriodSeconds(pod, requested)).toBe(want);
    });

    it('deletes an unbound pod at once and a bound one gracefully', async () => {
      await store.create('default', newPod('a'));
      await store.create('default', newPod('b'));
      await bindPod(store, 'default', { metadata: { name: 'b' }, target: { name: 'node-1' } });
      expect((await store.delete('default', 'a')).deleted).toBe(true);
      const b = await store.delete('default', 'b');
      expect(b.deleted).toBe(false);
      expect(b.object.metadata).toMatchObject({ deletionGracePeriodSeconds: 30, deletionTimestamp: '2024-01-01T00:00:30Z' });
      expect((await store.delete('default', 'b', { gracePeriodSeconds: 0 })).deleted).toBe(true);
    });
  });

  it('rejects updates of a terminating pod that add finalizers, like any object', async () => {
    const pod = await store.create('default', newPod('web', podSpec({ nodeName: 'n1' })));
    await store.delete('default', 'web');
    const current = await store.get('default', 'web');
    const err = await store.update('default', { ...current, metadata: { ...current.metadata, finalizers: ['x.io/y'] } }).catch((e) => e);
    expect(isInvalid(err)).toBe(true);
    expect(pod.metadata!.name).toBe('web');
  });
});
