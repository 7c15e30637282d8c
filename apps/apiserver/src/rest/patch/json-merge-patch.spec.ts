import { at, statusOfError } from './test-helpers';
import { applyPatch, patchTypeOf } from './index';

const now = new Date('2026-01-02T03:04:05Z');
const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }] }] },
});

describe('patchTypeOf', () => {
  it.each([
    { desc: 'json patch', ct: 'application/json-patch+json', want: 'json' },
    { desc: 'merge patch with charset', ct: 'application/merge-patch+json; charset=utf-8', want: 'merge' },
    { desc: 'strategic merge patch', ct: 'application/strategic-merge-patch+json', want: 'strategic' },
    { desc: 'apply yaml', ct: 'application/apply-patch+yaml', want: 'apply' },
    { desc: 'apply cbor is unsupported', ct: 'application/apply-patch+cbor', want: undefined },
    { desc: 'plain json is not a patch type', ct: 'application/json', want: undefined },
    { desc: 'case-insensitive', ct: 'Application/Merge-Patch+JSON', want: 'merge' },
  ])('$desc', ({ ct, want }) => expect(patchTypeOf(ct)).toBe(want));
});

describe('json patch (RFC 6902)', () => {
  it.each([
    { desc: 'replace a scalar', ops: [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }], check: (o: unknown) => expect(at(o, 'spec.containers.0.image')).toBe('nginx:2') },
    { desc: 'add a label', ops: [{ op: 'add', path: '/metadata/labels/env', value: 'prod' }], check: (o: unknown) => expect(at(o, 'metadata.labels')).toEqual({ app: 'web', tier: 'front', env: 'prod' }) },
    { desc: 'remove a label', ops: [{ op: 'remove', path: '/metadata/labels/tier' }], check: (o: unknown) => expect(at(o, 'metadata.labels')).toEqual({ app: 'web' }) },
    { desc: 'append to a list with -', ops: [{ op: 'add', path: '/spec/containers/-', value: { name: 'side', image: 'busybox' } }], check: (o: unknown) => expect((at(o, 'spec.containers') as Array<{ name: string }>).map((c) => c.name)).toEqual(['web', 'side']) },
    { desc: 'passing test then replace', ops: [{ op: 'test', path: '/metadata/labels/app', value: 'web' }, { op: 'replace', path: '/metadata/labels/app', value: 'x' }], check: (o: unknown) => expect(at(o, 'metadata.labels.app')).toBe('x') },
    { desc: 'escaped slash in key', ops: [{ op: 'add', path: '/metadata/labels/example.com~1team', value: 'a' }], check: (o: unknown) => expect((at(o, 'metadata.labels') as Record<string, string>)['example.com/team']).toBe('a') },
  ])('$desc', ({ ops, check }) => {
    const cur = pod();
    const out = applyPatch({ patchType: 'json', kind: 'Pod', apiVersion: 'v1', current: cur, patch: JSON.stringify(ops), now });
    check(out);
    expect(cur).toEqual(pod()); // input untouched
  });

  it.each([
    { desc: 'failed test is 422', patch: JSON.stringify([{ op: 'test', path: '/metadata/labels/app', value: 'nope' }]), code: 422, reason: 'Invalid' },
    { desc: 'remove of a missing path is 422', patch: JSON.stringify([{ op: 'remove', path: '/metadata/labels/missing' }]), code: 422, reason: 'Invalid' },
    { desc: 'malformed JSON is 400', patch: '[{"op":', code: 400, reason: 'BadRequest' },
    { desc: 'an object instead of a list is 400', patch: '{"op":"add"}', code: 400, reason: 'BadRequest' },
    { desc: 'unknown op is 400', patch: JSON.stringify([{ op: 'frobnicate', path: '/a' }]), code: 400, reason: 'BadRequest' },
  ])('$desc', ({ patch, code, reason }) => {
    const s = statusOfError(() => applyPatch({ patchType: 'json', kind: 'Pod', apiVersion: 'v1', current: pod(), patch, now }));
    expect(s.code).toBe(code);
    expect(s.reason).toBe(reason);
  });
});

describe('merge patch (RFC 7386)', () => {
  it.each([
    { desc: 'null deletes a key', patch: { metadata: { labels: { tier: null } } }, check: (o: unknown) => expect(at(o, 'metadata.labels')).toEqual({ app: 'web' }) },
    { desc: 'nested maps merge', patch: { metadata: { labels: { env: 'prod' } } }, check: (o: unknown) => expect(at(o, 'metadata.labels')).toEqual({ app: 'web', tier: 'front', env: 'prod' }) },
    { desc: 'lists are replaced whole', patch: { spec: { containers: [{ name: 'other', image: 'x' }] } }, check: (o: unknown) => expect(at(o, 'spec.containers')).toEqual([{ name: 'other', image: 'x' }]) },
    { desc: 'kubectl scale shape', patch: { spec: { replicas: 3 } }, check: (o: unknown) => expect(at(o, 'spec.replicas')).toBe(3) },
    { desc: 'null for a missing key is a no-op', patch: { spec: { nodeName: null } }, check: (o: unknown) => expect(at(o, 'spec')).not.toHaveProperty('nodeName') },
  ])('$desc', ({ patch, check }) => {
    check(applyPatch({ patchType: 'merge', kind: 'Pod', apiVersion: 'v1', current: pod(), patch: JSON.stringify(patch), now }));
  });

  it.each([
    { desc: 'malformed JSON', patch: '{' },
    { desc: 'a list body', patch: '[]' },
  ])('$desc is 400', ({ patch }) => {
    expect(statusOfError(() => applyPatch({ patchType: 'merge', kind: 'Pod', apiVersion: 'v1', current: pod(), patch, now })).code).toBe(400);
  });

  it('force on a non-apply patch is 400', () => {
    expect(statusOfError(() => applyPatch({ patchType: 'merge', kind: 'Pod', apiVersion: 'v1', current: pod(), patch: '{}', force: true, now })).code).toBe(400);
  });

  it('a missing current object is 400 for non-apply patches', () => {
    expect(statusOfError(() => applyPatch({ patchType: 'merge', kind: 'Pod', apiVersion: 'v1', current: undefined, patch: '{}', now })).code).toBe(400);
  });
});
