// What the LoadBalancer IP allocator does for one Service key: a pure step
// over the Service (as the lister has it) and the in-memory pool.
//
//  - gone, not a LoadBalancer, or another class's → release whatever the key held;
//  - spec.loadBalancerIP set → that address, when it is in the pool and free;
//  - otherwise the address the key holds, else the next free one;
//  - the status is rewritten only when it differs from [{ip, ipMode: VIP}].
import type { LoadBalancerIngress, Service } from '@k8ts/api';
import { IpPool, IpPoolExhaustedError } from './ip-pool';

/** The class this allocator serves (Services with no class are ours too). */
export const SERVICE_LB_CLASS = 'k8ts.io/servicelb';

export type LoadBalancerPlan =
  /** Nothing to do: not ours and nothing held. */
  | { action: 'none' }
  /** The key held `ip` and no longer needs it; `typeChanged`: the Service still exists but is no LoadBalancer now. */
  | { action: 'release'; ip: string; typeChanged: boolean }
  /** The Service has `ip`; `writeStatus`: its status must be set to `ingress`. */
  | { action: 'ensure'; ip: string; writeStatus: boolean; ingress: LoadBalancerIngress[] }
  /** No address could be given; a Warning event and a retry. */
  | { action: 'fail'; reason: 'AllocationFailed'; message: string };

/** True for a LoadBalancer Service of our class (or of none). */
export function isManagedLoadBalancer(svc: Service | undefined): svc is Service {
  if (!svc || svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return cls === undefined || cls === '' || cls === SERVICE_LB_CLASS;
}

export function desiredIngress(ip: string): LoadBalancerIngress[] {
  return [{ ip, ipMode: 'VIP' }];
}

/** The status's ingress IPs. */
export function statusIps(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
}

function sameIngress(a: readonly LoadBalancerIngress[], b: readonly LoadBalancerIngress[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i] as LoadBalancerIngress;
    return (x.ip ?? '') === (y.ip ?? '') && (x.ipMode ?? '') === (y.ipMode ?? '') && (x.hostname ?? '') === (y.hostname ?? '') && (x.ports ?? []).length === (y.ports ?? []).length;
  });
}

/** Decides (and applies to the pool) what key's Service needs. */
export function planLoadBalancer(key: string, svc: Service | undefined, pool: IpPool): LoadBalancerPlan {
  if (!isManagedLoadBalancer(svc)) {
    const ip = pool.release(key);
    if (ip === undefined) return { action: 'none' };
    return { action: 'release', ip, typeChanged: svc !== undefined };
  }
  let ip: string;
  const requested = svc.spec?.loadBalancerIP ?? '';
  if (requested) {
    if (!pool.contains(requested)) {
      return { action: 'fail', reason: 'AllocationFailed', message: `requested loadBalancerIP ${requested} is not in the pool ${pool.range}` };
    }
    if (!pool.claim(requested, key)) {
      return { action: 'fail', reason: 'AllocationFailed', message: `requested loadBalancerIP ${requested} is already allocated to ${pool.holderOf(requested)}` };
    }
    ip = requested;
  } else {
    try {
      ip = pool.allocate(key);
    } catch (err) {
      if (err instanceof IpPoolExhaustedError) return { action: 'fail', reason: 'AllocationFailed', message: err.message };
      throw err;
    }
  }
  const ingress = desiredIngress(ip);
  const writeStatus = !sameIngress(svc.status?.loadBalancer?.ingress ?? [], ingress);
  return { action: 'ensure', ip, writeStatus, ingress };
}

function creationOrder(a: Service, b: Service): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata?.namespace}/${a.metadata?.name}`;
  const kb = `${b.metadata?.namespace}/${b.metadata?.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Start-up: gives every managed Service the pool address its status already
 * shows, oldest Service first, so a restart never hands an address out
 * twice. A second Service showing the same address gets a new one on its
 * sync. Returns the number of addresses claimed.
 */
export function rebuildPool(pool: IpPool, services: readonly Service[], keyOf: (svc: Service) => string): number {
  let claimed = 0;
  for (const svc of [...services].filter(isManagedLoadBalancer).sort(creationOrder)) {
    const key = keyOf(svc);
    for (const ip of statusIps(svc)) {
      if (pool.ipOf(key) === undefined && pool.claim(ip, key)) claimed++;
    }
  }
  return claimed;
}
