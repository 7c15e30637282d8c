import type { Service } from '@k8ts/api';
import { StatusError } from '@k8ts/apimachinery';
import { ServiceAllocation } from '../../admission/service-allocation';
import { MemoryStorage } from '../../storage/memory-storage';
import { Store } from '../generic/store';
import { serviceStrategy } from './strategy';

const codec = {
  encode: (o: Service) => Buffer.from(JSON.stringify(o)),
  decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as Service,
};

function newStore(withAllocation = false) {
  const storage = new MemoryStorage();
  const admission = withAllocation ? [new ServiceAllocation(storage, { serviceCidr: '10.96.0.0/16', nodePortRange: '30000-32767' })] : [];
  return new Store<Service>(serviceStrategy, storage, codec, admission);
}

const web = (): Service => ({ metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });

async function invalidCauses(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StatusError);
  const status = (err as StatusError).status;
  expect(status.reason).toBe('Invalid');
  return status.details?.causes ?? [];
}

describe('serviceStrategy in the generic store', () => {
  it('shows the defaults on the created object', async () => {
    const created = await newStore().create('default', web());
    expect(created.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ports: [{ port: 80, protocol: 'TCP', targetPort: { type: 0, intVal: 80 } }],
    });
    expect(created.status).toEqual({ loadBalancer: {} });
  });

  it('rejects a name that is not a DNS-1035 label', async () => {
    const svc = web();
    svc.metadata!.name = '1web';
    const causes = await invalidCauses(newStore().create('default', svc));
    expect(causes).toContainEqual(expect.objectContaining({ field: 'metadata.name', reason: 'FieldValueInvalid' }));
  });

  it('rejects an update that changes the allocated clusterIP', async () => {
    const store = newStore(true);
    const created = await store.create('default', web());
    expect(created.spec?.clusterIP).toMatch(/^10\.96\./);
    const changed = structuredClone(created);
    changed.spec!.clusterIP = '10.96.200.200';
    const causes = await invalidCauses(store.update('default', changed));
    expect(causes).toContainEqual({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: expect.stringContaining('may not change once set') });
  });

  it('accepts a resubmitted manifest without the allocated values', async () => {
    const store = newStore(true);
    const nodePort = web();
    nodePort.spec!.type = 'NodePort';
    const created = await store.create('default', nodePort);
    const resubmit = web();
    resubmit.spec!.type = 'NodePort';
    resubmit.spec!.selector = { app: 'web2' };
    const updated = await store.update('default', resubmit);
    expect(updated.spec?.clusterIP).toBe(created.spec?.clusterIP);
    expect(updated.spec?.ports?.[0].nodePort).toBe(created.spec?.ports?.[0].nodePort);
    expect(updated.spec?.ipFamilies).toEqual(['IPv4']);
    expect(updated.spec?.selector).toEqual({ app: 'web2' });
  });

  it('keeps status on main updates and spec on status updates', async () => {
    const store = newStore(true);
    const lb = web();
    lb.spec!.type = 'LoadBalancer';
    const created = await store.create('default', lb);

    const withStatus = structuredClone(created);
    withStatus.status = { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } };
    withStatus.spec!.selector = { app: 'ignored' };
    const afterStatus = await store.update('default', withStatus, { subresource: 'status' });
    expect(afterStatus.status?.loadBalancer?.ingress).toEqual([{ ip: '203.0.113.10', ipMode: 'VIP' }]);
    expect(afterStatus.spec?.selector).toEqual({ app: 'web' });

    const mainWrite = structuredClone(afterStatus);
    mainWrite.status = { loadBalancer: {} };
    const afterMain = await store.update('default', mainWrite);
    expect(afterMain.status?.loadBalancer?.ingress).toHaveLength(1);
  });

  it('supports the spec.clusterIP and spec.type field selectors', async () => {
    const store = newStore();
    const headless = web();
    headless.metadata!.name = 'db';
    headless.spec!.clusterIP = 'None';
    await store.create('default', web());
    await store.create('default', headless);
    const got = await store.list('default', { fieldSelector: 'spec.clusterIP=None,spec.type=ClusterIP' });
    expect(got.items.map((s) => s.metadata?.name)).toEqual(['db']);
  });
});
