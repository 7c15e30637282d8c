// Who an object is, for the garbage collector's queue: kind, namespace,
// name and uid (a recreated object of the same name is someone else).
import { findKind, type KindInfo, type OwnerReference } from '@k8ts/api';
import type { KubeObject } from '@k8ts/client';

export interface ObjectIdentity {
  /** Kind name of @k8ts/api ("ReplicaSet"). */
  kind: string;
  namespace: string | undefined;
  name: string;
  uid: string;
}

export function identityOf(kind: string, obj: KubeObject): ObjectIdentity {
  return { kind, namespace: obj.metadata?.namespace || undefined, name: obj.metadata?.name ?? '', uid: obj.metadata?.uid ?? '' };
}

/** The queue key of an identity: kind|namespace|name|uid. */
export function identityKey(id: ObjectIdentity): string {
  return [id.kind, id.namespace ?? '', id.name, id.uid].join('|');
}

export function parseIdentityKey(key: string): ObjectIdentity {
  const [kind = '', namespace = '', name = '', uid = ''] = key.split('|');
  return { kind, namespace: namespace || undefined, name, uid };
}

export function describe(id: ObjectIdentity): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name} (uid ${id.uid})`;
}

/** The kind an owner reference names, or undefined when @k8ts/api does not know it. */
export function ownerKind(ref: OwnerReference): KindInfo | undefined {
  const match = findKind(ref.apiVersion ?? '', ref.kind ?? '');
  if (!match || match.list || !match.info.resource) return undefined;
  return match.info;
}

/** The identity of the owner a reference names, as seen from a dependent in `namespace`. */
export function ownerIdentity(ref: OwnerReference, info: KindInfo, namespace: string | undefined): ObjectIdentity {
  return { kind: info.kind, namespace: info.namespaced ? namespace : undefined, name: ref.name ?? '', uid: ref.uid ?? '' };
}
