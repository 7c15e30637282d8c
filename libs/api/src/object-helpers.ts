// Small helpers over any object with ObjectMeta.

import { MalformedObjectError } from './errors';
import { ObjectMeta, OwnerReference } from './generated';

/** Anything with Kubernetes object metadata. */
export interface HasMetadata {
  metadata?: ObjectMeta | undefined;
}

/** The store/cache key of an object: "namespace/name", or "name" when cluster-scoped. */
export function objectKey(obj: HasMetadata): string {
  const name = obj.metadata?.name;
  if (!name) throw new MalformedObjectError('objectKey: object has no metadata.name');
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** Builds a key from parts ("ns/name" or "name"). */
export function makeKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key from objectKey into namespace ('' when cluster-scoped) and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const parts = key.split('/');
  if (parts.length === 1 && parts[0] !== '') return { namespace: '', name: parts[0] };
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return { namespace: parts[0], name: parts[1] };
  throw new MalformedObjectError(`splitKey: invalid key ${JSON.stringify(key)}`);
}

/**
 * A deep, independent copy. Generated objects are plain data (objects, arrays,
 * primitives and Buffers for bytes fields); unlike structuredClone this keeps
 * Buffers as Buffers.
 */
export function deepCopy<T>(obj: T): T {
  if (Array.isArray(obj)) return obj.map((v: unknown) => deepCopy(v)) as T;
  if (Buffer.isBuffer(obj)) return Buffer.from(obj) as T;
  if (obj instanceof Uint8Array) return obj.slice() as T;
  if (obj !== null && typeof obj === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = deepCopy(v);
    return out as T;
  }
  return obj;
}

/** The owner reference marked controller: true, if any. */
export function getControllerOf(obj: HasMetadata): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** True when `owner` (matched by uid) is the controller of `obj`. */
export function isControlledBy(obj: HasMetadata, owner: HasMetadata): boolean {
  const ref = getControllerOf(obj);
  const uid = owner.metadata?.uid;
  return ref !== undefined && uid !== undefined && uid !== '' && ref.uid === uid;
}

/** An owner reference to `owner` that marks it as the controller. */
export function controllerRef(owner: HasMetadata, apiVersion: string, kind: string): OwnerReference {
  const { name, uid } = owner.metadata ?? {};
  if (!name || !uid) throw new MalformedObjectError('controllerRef: owner needs metadata.name and metadata.uid');
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}
