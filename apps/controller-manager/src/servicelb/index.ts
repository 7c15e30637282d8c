// The LoadBalancer IP allocator ("servicelb"): built from the
// controller-manager context.
import { objectReference, type EventObject } from '@k8ts/client';
import { Gauge } from 'prom-client';
import type { Controller, ControllerContext } from '../manager/context';
import { IpPool } from './ip-pool';
import { ServiceLBController } from './servicelb-controller';

export { IpPool, IpPoolExhaustedError } from './ip-pool';
export { isManagedLoadBalancer, planLoadBalancer, rebuildPool, SERVICE_LB_CLASS, type LoadBalancerPlan } from './load-balancer-plan';
export { AllocationFailedError, ServiceLBController, type ServiceLBControllerOptions } from './servicelb-controller';

export const SERVICE_LB_COMPONENT = 'service-lb-controller';

export function newServiceLBController(ctx: ControllerContext): Controller {
  const services = ctx.informers.informerFor('services');
  const pool = new IpPool(ctx.config.loadBalancerIpPool);
  const recorder = ctx.recorder(SERVICE_LB_COMPONENT);
  const controller = new ServiceLBController({
    serviceLister: services.lister,
    services: ctx.client.services,
    recorder: { event: (obj: EventObject, type, reason, message) => recorder.event(objectReference(obj, 'Service'), type, reason, message) },
    pool,
    logger: ctx.logger,
  });
  services.addEventHandler({
    onAdd: (svc) => controller.onServiceAdd(svc),
    onUpdate: (old, svc) => controller.onServiceUpdate(old, svc),
    onDelete: (svc) => controller.onServiceDelete(svc),
  });
  new Gauge({
    name: 'servicelb_allocated_ips',
    help: 'LoadBalancer addresses allocated from the pool',
    registers: [ctx.metrics],
    collect() {
      this.set(pool.used);
    },
  });
  new Gauge({
    name: 'servicelb_pool_size',
    help: 'Addresses in the LoadBalancer pool',
    registers: [ctx.metrics],
    collect() {
      this.set(pool.capacity);
    },
  });
  return { name: 'servicelb', run: (workers, signal) => controller.run(workers, signal) };
}
