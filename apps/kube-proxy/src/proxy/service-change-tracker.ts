// ServiceChangeTracker (upstream pkg/proxy servicechangetracker): informer
// handlers record each Service change as a (previous, current) pair of port
// maps per Service; several changes before the next sync collapse into one
// pair (the first previous, the last current), and a pair whose two sides
// are equal is dropped. syncProxyRules checks the changes out and applies
// them to the ServicePortMap it keeps.
import type { Service } from '@k8ts/api';
import { servicePortsOf, type ServicePortInfo } from './service-port';
import { sameJSON } from './same-json';

export interface ServiceChange {
  /** "namespace/name" */
  service: string;
  previous: Map<string, ServicePortInfo>;
  current: Map<string, ServicePortInfo>;
}

function serviceKey(svc: Service): string {
  return `${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`;
}

export class ServiceChangeTracker {
  private readonly items = new Map<string, ServiceChange>();

  /**
   * Records a change: (undefined, svc) an add, (old, new) an update,
   * (svc, undefined) a delete. Returns true when the Service has a pending
   * change afterwards (the caller then asks for a sync).
   */
  update(previous: Service | undefined, current: Service | undefined): boolean {
    const svc = current ?? previous;
    if (!svc) return false;
    const key = serviceKey(svc);
    let change = this.items.get(key);
    if (!change) {
      change = { service: key, previous: servicePortsOf(previous), current: new Map() };
      this.items.set(key, change);
    }
    change.current = servicePortsOf(current);
    if (sameJSON(change.previous, change.current)) {
      this.items.delete(key);
      return false;
    }
    return true;
  }

  /** Number of Services with a change not yet checked out. */
  pending(): number {
    return this.items.size;
  }

  /** The pending changes, forgotten here. */
  checkoutChanges(): ServiceChange[] {
    const out = [...this.items.values()];
    this.items.clear();
    return out;
  }
}

/** The proxied ports of every Service (upstream ServicePortMap). */
export class ServicePortMap {
  readonly ports = new Map<string, ServicePortInfo>();

  /** Applies checked-out changes: each previous side removed, each current side added. */
  apply(changes: ServiceChange[]): void {
    for (const c of changes) {
      for (const k of c.previous.keys()) this.ports.delete(k);
      for (const [k, v] of c.current) this.ports.set(k, v);
    }
  }
}
