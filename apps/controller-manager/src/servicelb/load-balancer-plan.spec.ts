import type { Service } from '@k8ts/api';
import { newService } from '@k8ts/testing';
import { IpPool } from './ip-pool';
import { planLoadBalancer, rebuildPool, type LoadBalancerPlan } from './load-balancer-plan';

const POOL = '127.242.0.0/29';

function lb(o: { name?: string; ip?: string; requested?: string; cls?: string; type?: 'LoadBalancer' | 'ClusterIP'; created?: string } = {}): Service {
  const svc = newService({ name: o.name ?? 'web', type: o.type ?? 'LoadBalancer' });
  svc.metadata = { ...svc.metadata, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z' };
  if (o.requested) svc.spec = { ...svc.spec, loadBalancerIP: o.requested };
  if (o.cls) svc.spec = { ...svc.spec, loadBalancerClass: o.cls };
  if (o.ip) svc.status = { loadBalancer: { ingress: [{ ip: o.ip, ipMode: 'VIP' }] } };
  return svc;
}

interface Case {
  desc: string;
  svc: Service | undefined;
  /** key → ip held before the plan */
  held?: Record<string, string>;
  want: LoadBalancerPlan;
  /** What default/web holds afterwards. */
  after: string | undefined;
}

const ingress = (ip: string) => [{ ip, ipMode: 'VIP' }];

describe('planLoadBalancer', () => {
  it.each<Case>([
    { desc: 'a new LoadBalancer gets the first address', svc: lb(), want: { action: 'ensure', ip: '127.242.0.1', writeStatus: true, ingress: ingress('127.242.0.1') }, after: '127.242.0.1' },
    {
      desc: 'a Service whose status is right is left alone',
      svc: lb({ ip: '127.242.0.3' }),
      held: { 'default/web': '127.242.0.3' },
      want: { action: 'ensure', ip: '127.242.0.3', writeStatus: false, ingress: ingress('127.242.0.3') },
      after: '127.242.0.3',
    },
    {
      desc: 'a free requested loadBalancerIP is honoured',
      svc: lb({ requested: '127.242.0.5' }),
      want: { action: 'ensure', ip: '127.242.0.5', writeStatus: true, ingress: ingress('127.242.0.5') },
      after: '127.242.0.5',
    },
    {
      desc: 'a changed loadBalancerIP moves the Service',
      svc: lb({ requested: '127.242.0.5', ip: '127.242.0.1' }),
      held: { 'default/web': '127.242.0.1' },
      want: { action: 'ensure', ip: '127.242.0.5', writeStatus: true, ingress: ingress('127.242.0.5') },
      after: '127.242.0.5',
    },
    {
      desc: 'a requested address held by another Service fails',
      svc: lb({ requested: '127.242.0.5' }),
      held: { 'default/other': '127.242.0.5' },
      want: { action: 'fail', reason: 'AllocationFailed', message: 'requested loadBalancerIP 127.242.0.5 is already allocated to default/other' },
      after: undefined,
    },
    {
      desc: 'a requested address outside the pool fails',
      svc: lb({ requested: '10.1.1.1' }),
      want: { action: 'fail', reason: 'AllocationFailed', message: 'requested loadBalancerIP 10.1.1.1 is not in the pool 127.242.0.0/29' },
      after: undefined,
    },
    {
      desc: 'an exhausted pool fails',
      svc: lb(),
      held: { 'a/1': '127.242.0.1', 'a/2': '127.242.0.2', 'a/3': '127.242.0.3', 'a/4': '127.242.0.4', 'a/5': '127.242.0.5', 'a/6': '127.242.0.6' },
      want: { action: 'fail', reason: 'AllocationFailed', message: 'no free address left in the LoadBalancer pool 127.242.0.0/29' },
      after: undefined,
    },
    { desc: 'a deleted Service releases its address', svc: undefined, held: { 'default/web': '127.242.0.2' }, want: { action: 'release', ip: '127.242.0.2', typeChanged: false }, after: undefined },
    {
      desc: 'a type change away from LoadBalancer releases',
      svc: lb({ type: 'ClusterIP' }),
      held: { 'default/web': '127.242.0.2' },
      want: { action: 'release', ip: '127.242.0.2', typeChanged: true },
      after: undefined,
    },
    { desc: 'a ClusterIP Service holding nothing is none of our business', svc: lb({ type: 'ClusterIP' }), want: { action: 'none' }, after: undefined },
    { desc: 'another loadBalancerClass is left to its controller', svc: lb({ cls: 'example.com/other' }), want: { action: 'none' }, after: undefined },
    {
      desc: 'our own class is served',
      svc: lb({ cls: 'k8ts.io/servicelb' }),
      want: { action: 'ensure', ip: '127.242.0.1', writeStatus: true, ingress: ingress('127.242.0.1') },
      after: '127.242.0.1',
    },
  ])('$desc', ({ svc, held, want, after }) => {
    const pool = new IpPool(POOL);
    for (const [key, ip] of Object.entries(held ?? {})) expect(pool.claim(ip, key)).toBe(true);
    expect(planLoadBalancer('default/web', svc, pool)).toEqual(want);
    expect(pool.ipOf('default/web')).toBe(after);
  });
});

describe('rebuildPool', () => {
  it.each([
    {
      desc: 'addresses shown in statuses are claimed',
      services: [lb({ name: 'a', ip: '127.242.0.4' }), lb({ name: 'b', ip: '127.242.0.2' })],
      want: { 'default/a': '127.242.0.4', 'default/b': '127.242.0.2' },
    },
    {
      desc: 'the older of two Services showing one address keeps it',
      services: [lb({ name: 'young', ip: '127.242.0.4', created: '2024-02-01T00:00:00Z' }), lb({ name: 'old', ip: '127.242.0.4', created: '2024-01-01T00:00:00Z' })],
      want: { 'default/old': '127.242.0.4', 'default/young': undefined },
    },
    {
      desc: 'addresses outside the pool and other classes are ignored',
      services: [lb({ name: 'a', ip: '10.0.0.1' }), lb({ name: 'b', ip: '127.242.0.3', cls: 'example.com/x' })],
      want: { 'default/a': undefined, 'default/b': undefined },
    },
  ])('$desc', ({ services, want }) => {
    const pool = new IpPool(POOL);
    rebuildPool(pool, services, (s) => `${s.metadata?.namespace}/${s.metadata?.name}`);
    for (const [key, ip] of Object.entries(want)) expect(pool.ipOf(key)).toBe(ip);
  });
});
