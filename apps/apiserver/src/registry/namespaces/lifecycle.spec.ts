import type { Endpoints, Namespace } from '@k8ts/api';
import { StatusError } from '@k8ts/apimachinery';
import { MemoryStorage } from '../../storage/memory-storage';
import { endpointsStrategy } from '../endpoints/strategy';
import type { AdmissionContext } from '../generic/strategy';
import { Store } from '../generic/store';
import { NamespaceLifecycle } from './lifecycle';
import { namespaceStrategy } from './strategy';

const namespaces: Record<string, Namespace> = {
  active: { metadata: { name: 'active' }, status: { phase: 'Active' } },
  terminating: { metadata: { name: 'terminating', deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Terminating' } },
  'phase-only': { metadata: { name: 'phase-only' }, status: { phase: 'Terminating' } },
};
const plugin = new NamespaceLifecycle(async (name) => namespaces[name]);

const ctx = (over: Partial<AdmissionContext>): AdmissionContext => ({
  operation: 'CREATE',
  resource: 'pods',
  subresource: '',
  namespace: 'active',
  name: 'web',
  dryRun: false,
  ...over,
});

async function outcome(c: AdmissionContext) {
  try {
    await plugin.admit(c, { metadata: { name: c.name } });
    return { ok: true };
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    return { code: err.status.code, reason: err.status.reason, message: err.status.message };
  }
}

describe('NamespaceLifecycle', () => {
  it.each([
    { desc: 'create in an active namespace', c: ctx({}), want: { ok: true } },
    { desc: 'update in an active namespace', c: ctx({ operation: 'UPDATE' }), want: { ok: true } },
    { desc: 'a cluster-scoped create', c: ctx({ resource: 'nodes', namespace: undefined }), want: { ok: true } },
    { desc: 'creating a namespace', c: ctx({ resource: 'namespaces', namespace: undefined, name: 'new' }), want: { ok: true } },
    { desc: 'deleting an ordinary namespace', c: ctx({ resource: 'namespaces', operation: 'DELETE', namespace: undefined, name: 'team-a' }), want: { ok: true } },
    { desc: 'deleting in a missing namespace', c: ctx({ operation: 'DELETE', namespace: 'gone' }), want: { ok: true } },
    { desc: 'deleting in a terminating namespace', c: ctx({ operation: 'DELETE', namespace: 'terminating' }), want: { ok: true } },
    { desc: 'updating in a terminating namespace', c: ctx({ operation: 'UPDATE', namespace: 'terminating' }), want: { ok: true } },
    { desc: 'an access review in a missing namespace', c: ctx({ resource: 'localsubjectaccessreviews', namespace: 'gone' }), want: { ok: true } },
    {
      desc: 'create in a missing namespace',
      c: ctx({ namespace: 'foo' }),
      want: { code: 404, reason: 'NotFound', message: 'namespaces "foo" not found' },
    },
    {
      desc: 'update in a missing namespace',
      c: ctx({ operation: 'UPDATE', namespace: 'foo' }),
      want: { code: 404, reason: 'NotFound', message: 'namespaces "foo" not found' },
    },
    {
      desc: 'create in a terminating namespace',
      c: ctx({ namespace: 'terminating' }),
      want: { code: 403, reason: 'Forbidden', message: 'pods "web" is forbidden: unable to create new content in namespace terminating because it is being terminated' },
    },
    {
      desc: 'create in a namespace whose phase says Terminating',
      c: ctx({ namespace: 'phase-only' }),
      want: { code: 403, reason: 'Forbidden', message: 'pods "web" is forbidden: unable to create new content in namespace phase-only because it is being terminated' },
    },
    ...['default', 'kube-system', 'kube-public'].map((name) => ({
      desc: `deleting ${name}`,
      c: ctx({ resource: 'namespaces', operation: 'DELETE', namespace: undefined, name }),
      want: { code: 403, reason: 'Forbidden', message: `namespaces "${name}" is forbidden: this namespace may not be deleted` },
    })),
  ])('$desc', async ({ c, want }) => {
    expect(await outcome(c)).toEqual(want);
  });

  it('gives the NamespaceTerminating cause', async () => {
    const err = await plugin.admit(ctx({ namespace: 'terminating' }), {}).catch((e: unknown) => e);
    expect((err as StatusError).status.details?.causes).toEqual([
      { reason: 'NamespaceTerminating', message: 'namespace terminating is being terminated', field: 'metadata.namespace' },
    ]);
  });

  describe('in the generic store', () => {
    const codec = <T>() => ({ encode: (o: T) => Buffer.from(JSON.stringify(o)), decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as T });

    const setup = async () => {
      const storage = new MemoryStorage();
      const nsStore: Store<Namespace> = new Store<Namespace>(namespaceStrategy, storage, codec<Namespace>(), [
        new NamespaceLifecycle(async (name) => nsStore.get(undefined, name).catch(() => undefined)),
      ]);
      const lifecycle = new NamespaceLifecycle(async (name) => nsStore.get(undefined, name).catch(() => undefined));
      const epStore = new Store<Endpoints>(endpointsStrategy, storage, codec<Endpoints>(), [lifecycle]);
      await nsStore.create(undefined, { metadata: { name: 'team-a' } });
      return { nsStore, epStore };
    };

    it('lets objects be created in an existing namespace only', async () => {
      const { epStore } = await setup();
      await expect(epStore.create('team-a', { metadata: { name: 'web' } })).resolves.toBeDefined();
      await expect(epStore.create('nope', { metadata: { name: 'web' } })).rejects.toMatchObject({
        status: { code: 404, message: 'namespaces "nope" not found' },
      });
    });

    it('refuses to delete the default namespace', async () => {
      const { nsStore } = await setup();
      await nsStore.create(undefined, { metadata: { name: 'default' } });
      await expect(nsStore.delete(undefined, 'default')).rejects.toMatchObject({ status: { code: 403, reason: 'Forbidden' } });
      await expect(nsStore.get(undefined, 'default')).resolves.toBeDefined();
    });
  });
});
