import type { Service } from '@k8ts/api';
import { Indexer } from '@k8ts/client';
import { StatusError } from '@k8ts/apimachinery';
import { newService } from '@k8ts/testing';
import { IpPool } from './ip-pool';
import { AllocationFailedError, ServiceLBController } from './servicelb-controller';

interface Recorded {
  name: string | undefined;
  type: string;
  reason: string;
  message: string;
}

function setup(services: Service[], opts: { pool?: string; failWith?: unknown } = {}) {
  const lister = new Indexer<Service>();
  for (const s of services) lister.add(s);
  const writes: Service[] = [];
  const events: Recorded[] = [];
  const controller = new ServiceLBController({
    serviceLister: lister,
    services: {
      updateStatus: async (svc) => {
        if (opts.failWith) throw opts.failWith;
        writes.push(svc);
        lister.update(svc);
        return svc;
      },
    },
    recorder: { event: (obj, type, reason, message) => events.push({ name: 'metadata' in obj ? obj.metadata?.name : undefined, type, reason, message }) },
    pool: new IpPool(opts.pool ?? '127.242.0.0/24'),
  });
  return { lister, writes, events, controller };
}

function lb(name: string, ip?: string): Service {
  const svc = newService({ name, type: 'LoadBalancer' });
  if (ip) svc.status = { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } };
  return svc;
}

describe('ServiceLBController.sync', () => {
  it('writes the address into the status with Ensuring/Ensured events, and does not write again', async () => {
    const { controller, writes, events } = setup([lb('web')]);
    await controller.sync('default/web');
    expect(writes).toHaveLength(1);
    expect(writes[0]?.status?.loadBalancer?.ingress).toEqual([{ ip: '127.242.0.1', ipMode: 'VIP' }]);
    expect(events.map((e) => e.reason)).toEqual(['EnsuringLoadBalancer', 'EnsuredLoadBalancer']);
    await controller.sync('default/web');
    expect(writes).toHaveLength(1);
  });

  it('does not mutate the cached Service', async () => {
    const svc = lb('web');
    const { controller } = setup([svc]);
    await controller.sync('default/web');
    expect(svc.status?.loadBalancer?.ingress).toBeUndefined();
  });

  it('rebuilds from statuses first: a restart gives a new Service a different address', async () => {
    const { controller, writes } = setup([lb('old', '127.242.0.1'), lb('new')]);
    await controller.sync('default/new');
    expect(writes[0]?.status?.loadBalancer?.ingress?.[0]?.ip).toBe('127.242.0.2');
    await controller.sync('default/old');
    expect(writes).toHaveLength(1);
  });

  it('an exhausted pool is a Warning event and an error (retried)', async () => {
    const { controller, events } = setup([lb('a'), lb('b')], { pool: '10.0.0.7/32' });
    await controller.sync('default/a');
    await expect(controller.sync('default/b')).rejects.toThrow(AllocationFailedError);
    expect(events.at(-1)).toMatchObject({ name: 'b', type: 'Warning', reason: 'AllocationFailed' });
  });

  it('a Service that found the pool full is synced again as soon as an address is freed', async () => {
    const { controller, lister, writes } = setup([lb('a'), lb('b')], { pool: '10.0.0.7/32' });
    await controller.sync('default/a');
    await expect(controller.sync('default/b')).rejects.toThrow(AllocationFailedError);
    expect(controller.queue.len()).toBe(0);
    lister.delete('default/a');
    await controller.sync('default/a');
    expect(controller.queue.len()).toBe(1);
    const key = (await controller.queue.get()) as string;
    expect(key).toBe('default/b');
    await controller.sync(key);
    expect(writes.at(-1)?.metadata?.name).toBe('b');
    expect(writes.at(-1)?.status?.loadBalancer?.ingress?.[0]?.ip).toBe('10.0.0.7');
  });

  it('releases on delete so the address can be reused', async () => {
    const { controller, lister, writes } = setup([lb('a')], { pool: '10.0.0.7/32' });
    await controller.sync('default/a');
    lister.delete('default/a');
    lister.add(lb('b'));
    await controller.sync('default/a');
    await controller.sync('default/b');
    expect(writes.at(-1)?.status?.loadBalancer?.ingress?.[0]?.ip).toBe('10.0.0.7');
  });

  it('records DeletingLoadBalancer/DeletedLoadBalancer on a type change', async () => {
    const { controller, lister, events } = setup([lb('a')]);
    await controller.sync('default/a');
    lister.update(newService({ name: 'a', type: 'ClusterIP' }));
    const plan = await controller.sync('default/a');
    expect(plan).toEqual({ action: 'release', ip: '127.242.0.1', typeChanged: true });
    expect(events.slice(-2).map((e) => e.reason)).toEqual(['DeletingLoadBalancer', 'DeletedLoadBalancer']);
  });

  it.each([
    { desc: 'NotFound is quiet (the delete event follows)', err: new StatusError({ code: 404, reason: 'NotFound', message: 'gone' }), rejects: false, warning: false },
    { desc: 'Conflict is retried without a Warning', err: new StatusError({ code: 409, reason: 'Conflict', message: 'stale' }), rejects: true, warning: false },
    { desc: 'other errors are retried with a Warning', err: new Error('boom'), rejects: true, warning: true },
  ])('status write errors: $desc', async ({ err, rejects, warning }) => {
    const { controller, events } = setup([lb('web')], { failWith: err });
    const run = controller.sync('default/web');
    if (rejects) await expect(run).rejects.toBe(err);
    else await expect(run).resolves.toMatchObject({ action: 'ensure' });
    expect(events.some((e) => e.reason === 'SyncLoadBalancerFailed')).toBe(warning);
  });
});
