// The garbage collector's view of the cluster: the caches of the monitored
// resources (each indexed by owner uid), looked up by kind and by owner.
// It stands in for upstream's dependency graph: owners are found by the
// dependents' ownerReferences, dependents through the owner-uid index.
import { makeKey } from '@k8ts/api';
import type { KubeObject, Lister } from '@k8ts/client';
import type { ObjectIdentity } from './object-identity';
import { OWNER_UID_INDEX } from './owner-index';

export interface MonitoredLister {
  /** Kind name ("Pod"). */
  kind: string;
  /** Must have the OWNER_UID_INDEX index. */
  lister: Lister<KubeObject>;
}

export class ObjectCache {
  private readonly byKind = new Map<string, Lister<KubeObject>>();

  constructor(monitored: readonly MonitoredLister[]) {
    for (const m of monitored) this.byKind.set(m.kind, m.lister);
  }

  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  monitors(kind: string): boolean {
    return this.byKind.has(kind);
  }

  /** The cached object of that kind, namespace and name (any uid); undefined when absent or not monitored. */
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.byKind.get(kind)?.get(makeKey(namespace, name));
  }

  /** The cached object with exactly this identity. */
  getIdentity(id: ObjectIdentity): KubeObject | undefined {
    const obj = this.get(id.kind, id.namespace, id.name);
    return obj && obj.metadata?.uid === id.uid ? obj : undefined;
  }

  /** Every cached object (of every monitored kind) with an ownerReference to uid. */
  dependentsOf(uid: string): { kind: string; obj: KubeObject }[] {
    const out: { kind: string; obj: KubeObject }[] = [];
    for (const [kind, lister] of this.byKind) for (const obj of lister.byIndex(OWNER_UID_INDEX, uid)) out.push({ kind, obj });
    return out;
  }
}
