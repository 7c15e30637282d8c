// Names the garbage collector shares with the apiserver's delete path.
import type { KubeObject } from '@k8ts/client';

/** Set by a Foreground delete: the owner stays until its blocking dependents are gone. */
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';
/** Set by an Orphan delete: the owner stays until its dependents no longer point at it. */
export const FINALIZER_ORPHAN = 'orphan';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return (obj.metadata?.finalizers ?? []).includes(finalizer);
}

export function isBeingDeleted(obj: KubeObject): boolean {
  return !!obj.metadata?.deletionTimestamp;
}

/** Terminating and waiting for its dependents (a Foreground delete in progress). */
export function isDeletingDependents(obj: KubeObject): boolean {
  return isBeingDeleted(obj) && hasFinalizer(obj, FINALIZER_DELETE_DEPENDENTS);
}

/** Terminating with the orphan finalizer (an Orphan delete in progress). */
export function isOrphaning(obj: KubeObject): boolean {
  return isBeingDeleted(obj) && hasFinalizer(obj, FINALIZER_ORPHAN);
}
