import {
  controllerRef,
  deepCopy,
  fromJSONAs,
  getControllerOf,
  isControlledBy,
  makeKey,
  MalformedObjectError,
  objectKey,
  Pod,
  ReplicaSet,
  splitKey,
} from './index';

describe('object keys', () => {
  it.each([
    { desc: 'namespaced', obj: { metadata: { name: 'web', namespace: 'default' } }, key: 'web', ns: 'default', full: 'default/web' },
    { desc: 'cluster-scoped', obj: { metadata: { name: 'worker-1' } }, key: 'worker-1', ns: '', full: 'worker-1' },
    { desc: 'empty namespace from Go', obj: { metadata: { name: 'foo', namespace: '' } }, key: 'foo', ns: '', full: 'foo' },
  ])('$desc', ({ obj, key, ns, full }) => {
    expect(objectKey(obj)).toBe(full);
    expect(splitKey(full)).toEqual({ namespace: ns, name: key });
    expect(makeKey(ns, key)).toBe(full);
  });

  it.each([
    { desc: 'an empty key', key: '' },
    { desc: 'an empty name', key: 'default/' },
    { desc: 'an empty namespace', key: '/web' },
    { desc: 'too many parts', key: 'a/b/c' },
  ])('splitKey rejects $desc', ({ key }) => {
    expect(() => splitKey(key)).toThrow(MalformedObjectError);
  });

  it('objectKey needs a name', () => {
    expect(() => objectKey({ metadata: { namespace: 'default' } })).toThrow(MalformedObjectError);
    expect(() => objectKey({})).toThrow(MalformedObjectError);
  });
});

describe('deepCopy', () => {
  it('copies deeply and keeps Buffers', () => {
    const pod = fromJSONAs('Pod', {
      metadata: { name: 'p', labels: { a: '1' }, managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': {} } }] },
      spec: { containers: [{ name: 'c' }] },
    });
    const copy = deepCopy(pod);
    expect(copy).toEqual(pod);
    const labels = copy.metadata?.labels ?? {};
    labels.a = '2';
    const [container] = copy.spec?.containers ?? [];
    container.name = 'd';
    expect(copy.metadata?.labels?.a).toBe('2');
    expect(pod.metadata?.labels?.a).toBe('1');
    expect(pod.spec?.containers?.[0].name).toBe('c');
    const raw = copy.metadata?.managedFields?.[0].fieldsV1?.Raw;
    expect(Buffer.isBuffer(raw)).toBe(true);
    expect(raw).not.toBe(pod.metadata?.managedFields?.[0].fieldsV1?.Raw);
  });
});

describe('controller references', () => {
  const rs: ReplicaSet = { metadata: { name: 'web-1', namespace: 'default', uid: 'rs-uid' } };
  const other: ReplicaSet = { metadata: { name: 'web-2', namespace: 'default', uid: 'other-uid' } };

  it.each([
    { desc: 'owned and controlled', refs: [controllerRef(rs, 'apps/v1', 'ReplicaSet')], controlled: true, controller: 'web-1' },
    { desc: 'owned but not controlled', refs: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-uid' }], controlled: false, controller: undefined },
    { desc: 'controlled by another owner', refs: [controllerRef(other, 'apps/v1', 'ReplicaSet')], controlled: false, controller: 'web-2' },
    { desc: 'no owners', refs: [], controlled: false, controller: undefined },
  ])('$desc', ({ refs, controlled, controller }) => {
    const pod: Pod = { metadata: { name: 'p', namespace: 'default', ownerReferences: refs } };
    expect(isControlledBy(pod, rs)).toBe(controlled);
    expect(getControllerOf(pod)?.name).toBe(controller);
  });

  it('controllerRef needs name and uid', () => {
    expect(controllerRef(rs, 'apps/v1', 'ReplicaSet')).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-uid', controller: true, blockOwnerDeletion: true });
    expect(() => controllerRef({ metadata: { name: 'x' } }, 'apps/v1', 'ReplicaSet')).toThrow(MalformedObjectError);
  });

  it('does not match an owner without uid', () => {
    const pod: Pod = { metadata: { ownerReferences: [{ uid: '', controller: true }] } };
    expect(isControlledBy(pod, { metadata: { name: 'x', uid: '' } })).toBe(false);
  });
});
