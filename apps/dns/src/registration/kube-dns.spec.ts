import { deepCopy, type Endpoints, type Service } from '@k8ts/api';
import { newAlreadyExists, newConflict, newNotFound } from '@k8ts/apimachinery';
import {
  ClusterIPMismatchError,
  deregisterKubeDns,
  desiredKubeDnsEndpoints,
  desiredKubeDnsService,
  ensureKubeDns,
  type KubeDnsClient,
  type KubeDnsSpec,
  type ObjectClient,
} from './kube-dns';

const spec: KubeDnsSpec = { clusterIP: '127.96.0.10', dnsAddress: '127.53.0.1', dnsPort: 5353, metricsAddress: '127.0.0.1', metricsPort: 9153 };

type Obj = { metadata?: { name?: string; namespace?: string; resourceVersion?: string } };

/** One object slot with scripted failures; records calls. */
class FakeObjects<T extends Obj> implements ObjectClient<T> {
  readonly calls: string[] = [];
  failures: { verb: string; err: unknown }[] = [];
  private rv = 1;
  constructor(
    private readonly resource: string,
    public stored?: T,
  ) {}

  private fail(verb: string): void {
    this.calls.push(verb);
    const i = this.failures.findIndex((f) => f.verb === verb);
    if (i >= 0) throw this.failures.splice(i, 1)[0].err;
  }

  async get(): Promise<T> {
    this.fail('get');
    if (!this.stored) throw newNotFound({ group: '', resource: this.resource }, 'kube-dns');
    return deepCopy(this.stored);
  }

  async create(obj: T): Promise<T> {
    this.fail('create');
    if (this.stored) throw newAlreadyExists({ group: '', resource: this.resource }, 'kube-dns');
    this.stored = { ...deepCopy(obj), metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    return deepCopy(this.stored);
  }

  async update(obj: T): Promise<T> {
    this.fail('update');
    if (obj.metadata?.resourceVersion !== this.stored?.metadata?.resourceVersion) throw newConflict({ group: '', resource: this.resource }, 'kube-dns', 'modified');
    this.stored = { ...deepCopy(obj), metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    return deepCopy(this.stored);
  }
}

function fakeClient(service?: Service, endpoints?: Endpoints) {
  const services = new FakeObjects<Service>('services', service);
  const eps = new FakeObjects<Endpoints>('endpoints', endpoints);
  const client: KubeDnsClient = { services, endpoints: eps };
  return { client, services, endpoints: eps };
}

describe('kube-dns registration', () => {
  it('the Service: selectorless, fixed ClusterIP, CoreDNS labels, dns/dns-tcp/metrics ports aimed at the real ports', () => {
    const svc = desiredKubeDnsService(spec);
    expect(svc.metadata).toMatchObject({ name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' } });
    expect(svc.spec?.selector).toBeUndefined();
    expect(svc.spec?.clusterIP).toBe('127.96.0.10');
    expect(svc.spec?.ports?.map((p) => [p.name, p.port, p.protocol, p.targetPort?.intVal])).toEqual([
      ['dns', 53, 'UDP', 5353],
      ['dns-tcp', 53, 'TCP', 5353],
      ['metrics', 9153, 'TCP', 9153],
    ]);
  });

  it.each([
    { desc: 'metrics on the DNS address: one subset', metricsAddress: '127.53.0.1', want: [['127.53.0.1', 'dns/5353/UDP,dns-tcp/5353/TCP,metrics/9153/TCP']] },
    {
      desc: 'metrics elsewhere: two subsets',
      metricsAddress: '127.0.0.1',
      want: [
        ['127.53.0.1', 'dns/5353/UDP,dns-tcp/5353/TCP'],
        ['127.0.0.1', 'metrics/9153/TCP'],
      ],
    },
  ])('the Endpoints: $desc', ({ metricsAddress, want }) => {
    const eps = desiredKubeDnsEndpoints({ ...spec, metricsAddress });
    expect(eps.subsets?.map((s) => [s.addresses?.map((a) => a.ip).join(), s.ports?.map((p) => `${p.name}/${p.port}/${p.protocol}`).join()])).toEqual(want);
  });

  it.each([
    { desc: 'nothing there: both created', setup: () => fakeClient(), want: { service: 'created', endpoints: 'created' } },
    { desc: 'both current: no writes', setup: () => fakeClient(desiredKubeDnsService(spec), desiredKubeDnsEndpoints(spec)), want: { service: 'unchanged', endpoints: 'unchanged' } },
    {
      desc: 'Endpoints point elsewhere (restart on another port): updated',
      setup: () => fakeClient(desiredKubeDnsService({ ...spec, dnsPort: 1234 }), desiredKubeDnsEndpoints({ ...spec, dnsPort: 1234 })),
      want: { service: 'updated', endpoints: 'updated' },
    },
    {
      desc: 'someone added a selector and dropped labels: Service updated',
      setup: () => {
        const svc = desiredKubeDnsService(spec);
        svc.spec = { ...svc.spec, selector: { app: 'x' } };
        svc.metadata = { ...svc.metadata, labels: { other: 'kept' } };
        return fakeClient(svc, desiredKubeDnsEndpoints(spec));
      },
      want: { service: 'updated', endpoints: 'unchanged' },
    },
    {
      desc: 'create races another writer (AlreadyExists): compared and left',
      setup: () => {
        const f = fakeClient(undefined, desiredKubeDnsEndpoints(spec));
        f.services.failures.push({ verb: 'get', err: newNotFound({ group: '', resource: 'services' }, 'kube-dns') });
        f.services.stored = desiredKubeDnsService(spec);
        return f;
      },
      want: { service: 'unchanged', endpoints: 'unchanged' },
    },
    {
      desc: 'update conflicts once: retried',
      setup: () => {
        const f = fakeClient(desiredKubeDnsService(spec), desiredKubeDnsEndpoints({ ...spec, dnsPort: 1234 }));
        f.endpoints.failures.push({ verb: 'update', err: newConflict({ group: '', resource: 'endpoints' }, 'kube-dns', 'x') });
        return f;
      },
      want: { service: 'unchanged', endpoints: 'updated' },
    },
  ])('ensure: $desc', async ({ setup, want }) => {
    const f = setup();
    await expect(ensureKubeDns(f.client, spec)).resolves.toEqual(want);
    expect(f.endpoints.stored?.subsets).toEqual(desiredKubeDnsEndpoints(spec).subsets);
    expect(f.services.stored?.spec?.selector ?? {}).toEqual({});
    expect(f.services.stored?.spec?.ports).toEqual(desiredKubeDnsService(spec).spec?.ports);
    await expect(ensureKubeDns(f.client, spec)).resolves.toEqual({ service: 'unchanged', endpoints: 'unchanged' });
  });

  it('a kube-dns Service with another ClusterIP: typed error, Service untouched, Endpoints still written', async () => {
    const other = desiredKubeDnsService({ ...spec, clusterIP: '127.96.0.99' });
    const f = fakeClient(other);
    const err = await ensureKubeDns(f.client, spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterIPMismatchError);
    expect((err as Error).message).toContain('127.96.0.99');
    expect(f.services.calls).toEqual(['get']);
    expect(f.endpoints.stored?.subsets).toEqual(desiredKubeDnsEndpoints(spec).subsets);
  });

  it('two replicas (own bind addresses, shared port and metrics host) each keep their own entries without undoing the other', async () => {
    const a = spec;
    const b: KubeDnsSpec = { ...spec, dnsAddress: '127.53.0.2', metricsPort: 9154 };
    const f = fakeClient();
    await ensureKubeDns(f.client, a);
    // b's metrics port differs: the Service keeps the first writer's targetPort (no tug of war), the Endpoints hold both.
    await expect(ensureKubeDns(f.client, b)).resolves.toEqual({ service: 'unchanged', endpoints: 'updated' });
    await expect(ensureKubeDns(f.client, a)).resolves.toEqual({ service: 'unchanged', endpoints: 'unchanged' });
    const subsets = () => f.endpoints.stored?.subsets?.map((s) => `${s.addresses?.map((x) => x.ip).join('+')} ${s.ports?.map((p) => `${p.name}/${p.port}`).join(',')}`);
    expect(subsets()).toEqual(['127.53.0.1+127.53.0.2 dns/5353,dns-tcp/5353', '127.0.0.1 metrics/9153', '127.0.0.1 metrics/9154']);
    const calls = f.endpoints.calls.length;
    await expect(ensureKubeDns(f.client, b)).resolves.toMatchObject({ endpoints: 'unchanged' });
    expect(f.endpoints.calls.slice(calls)).toEqual(['get']);
    await deregisterKubeDns(f.client, b);
    expect(subsets()).toEqual(['127.53.0.1 dns/5353,dns-tcp/5353', '127.0.0.1 metrics/9153']);
  });

  it('a restart on another port replaces its own stale entries', async () => {
    const f = fakeClient(desiredKubeDnsService(spec), desiredKubeDnsEndpoints({ ...spec, dnsPort: 1234 }));
    await ensureKubeDns(f.client, spec);
    expect(f.endpoints.stored?.subsets).toEqual(desiredKubeDnsEndpoints(spec).subsets);
  });

  it('other errors propagate', async () => {
    const f = fakeClient();
    f.services.failures.push({ verb: 'get', err: new Error('unavailable') });
    await expect(ensureKubeDns(f.client, spec)).rejects.toThrow('unavailable');
  });

  it('deregister removes only this process’s addresses', async () => {
    const eps = desiredKubeDnsEndpoints(spec);
    eps.subsets = [...(eps.subsets ?? []), { addresses: [{ ip: '127.53.0.7' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }];
    const f = fakeClient(desiredKubeDnsService(spec), eps);
    await expect(deregisterKubeDns(f.client, spec)).resolves.toBe(true);
    expect(f.endpoints.stored?.subsets?.map((s) => s.addresses?.map((a) => a.ip))).toEqual([['127.53.0.7']]);
    await expect(deregisterKubeDns(f.client, spec)).resolves.toBe(false);
  });
});
