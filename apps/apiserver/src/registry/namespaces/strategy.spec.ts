import type { Namespace } from '@k8ts/api';
import { fieldErrorToString } from '@k8ts/apimachinery';
import { MemoryStorage } from '../../storage/memory-storage';
import { Store } from '../generic/store';
import { finalizeNamespace } from './deletion';
import { namespaceFinalizeStrategy, namespaceStrategy } from './strategy';

const codec = {
  encode: (o: Namespace) => Buffer.from(JSON.stringify(o)),
  decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as Namespace,
};

describe('namespaceStrategy', () => {
  it.each<{ desc: string; input: Namespace; want: Namespace }>([
    {
      desc: 'a bare namespace gets the kubernetes finalizer, Active and its name label',
      input: { metadata: { name: 'team-a' } },
      want: { metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
    },
    {
      desc: 'other finalizers are kept and kubernetes is added',
      input: { metadata: { name: 'team-a' }, spec: { finalizers: ['example.com/cleanup'] } },
      want: {
        metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
        spec: { finalizers: ['example.com/cleanup', 'kubernetes'] },
        status: { phase: 'Active' },
      },
    },
    {
      desc: 'a requested phase is ignored',
      input: { metadata: { name: 'team-a', labels: { app: 'x' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } },
      want: {
        metadata: { name: 'team-a', labels: { app: 'x', 'kubernetes.io/metadata.name': 'team-a' } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
    },
  ])('create: $desc', ({ input, want }) => {
    const ns = structuredClone(input);
    namespaceStrategy.prepareForCreate(ns);
    namespaceStrategy.defaults(ns);
    expect(ns).toEqual(want);
  });

  it.each([
    { desc: 'a standard finalizer', finalizers: ['kubernetes'], want: [] },
    { desc: 'a domain-qualified finalizer', finalizers: ['example.com/cleanup'], want: [] },
    {
      desc: 'an unknown unqualified finalizer',
      finalizers: ['cleanup'],
      want: ['spec.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'],
    },
    { desc: 'a finalizer that is no qualified name', finalizers: ['kubernetes', 'bad name/x'], want: [expect.stringMatching(/^spec\.finalizers\[1\]: Invalid value/)] },
  ])('validate: $desc', ({ finalizers, want }) => {
    const ns: Namespace = { metadata: { name: 'team-a' }, spec: { finalizers } };
    expect(namespaceStrategy.validate(ns).map(fieldErrorToString)).toEqual(want);
  });

  it.each([
    { desc: 'Active without deletionTimestamp', deletionTimestamp: undefined, phase: 'Active', ok: true },
    { desc: 'Terminating with deletionTimestamp', deletionTimestamp: '2024-01-01T00:00:00Z', phase: 'Terminating', ok: true },
    { desc: 'Terminating without deletionTimestamp', deletionTimestamp: undefined, phase: 'Terminating', ok: false },
    { desc: 'Active with deletionTimestamp', deletionTimestamp: '2024-01-01T00:00:00Z', phase: 'Active', ok: false },
  ])('validateUpdate: phase $desc', ({ deletionTimestamp, phase, ok }) => {
    const ns: Namespace = { metadata: { name: 'team-a', deletionTimestamp }, spec: { finalizers: ['kubernetes'] }, status: { phase } };
    const errs = namespaceStrategy.validateUpdate(ns, ns);
    expect(errs.map((e) => [e.field, e.type])).toEqual(ok ? [] : [['status.phase', 'FieldValueInvalid']]);
  });

  it('offers status.phase and name as field selectors', () => {
    expect(namespaceStrategy.fields!({})).toEqual({ 'status.phase': '', name: '' });
    expect(namespaceStrategy.fields!({ metadata: { name: 'a' }, status: { phase: 'Active' } })).toEqual({ 'status.phase': 'Active', name: 'a' });
  });

  describe('in the generic store', () => {
    const setup = async () => {
      const storage = new MemoryStorage();
      const store = new Store<Namespace>(namespaceStrategy, storage, codec);
      const finalize = new Store<Namespace>(namespaceFinalizeStrategy, storage, codec);
      const created = await store.create(undefined, { metadata: { name: 'team-a' } });
      return { store, finalize, created };
    };

    it('rejects names that are not DNS labels', async () => {
      const { store } = await setup();
      await expect(store.create(undefined, { metadata: { name: 'team.a' } })).rejects.toMatchObject({ status: { reason: 'Invalid' } });
    });

    it('keeps spec.finalizers and status on a main update', async () => {
      const { store, created } = await setup();
      const next = structuredClone(created);
      next.spec = { finalizers: [] };
      next.status = { phase: 'Terminating' };
      next.metadata!.labels = { ...next.metadata!.labels, team: 'a' };
      const updated = await store.update(undefined, next);
      expect(updated.spec?.finalizers).toEqual(['kubernetes']);
      expect(updated.status?.phase).toBe('Active');
      expect(updated.metadata?.labels?.team).toBe('a');
    });

    it('validates the phase on a status update', async () => {
      const { store, created } = await setup();
      const next = { ...structuredClone(created), status: { phase: 'Terminating' } };
      await expect(store.update(undefined, next, { subresource: 'status' })).rejects.toMatchObject({
        status: { reason: 'Invalid', details: { causes: [expect.objectContaining({ field: 'status.phase' })] } },
      });
    });

    it('changes spec.finalizers only through the finalize strategy', async () => {
      const { finalize } = await setup();
      const done = await finalize.guaranteedUpdate(undefined, 'team-a', (ns) => ({ ...finalizeNamespace(ns), status: { phase: 'Terminating' } }));
      expect(done.spec?.finalizers).toEqual([]);
      expect(done.status?.phase).toBe('Active');
    });
  });
});
