// The garbage collector's decisions, as pure functions of an object, what
// is known about its owners and its dependents (upstream
// attemptToDeleteItem / processDeletingDependentsItem / orphanDependents).
import { deepCopy, type OwnerReference } from '@k8ts/api';
import type { KubeObject } from '@k8ts/client';
import { FINALIZER_DELETE_DEPENDENTS, FINALIZER_ORPHAN, hasFinalizer, isBeingDeleted, isDeletingDependents, type PropagationPolicy } from './well-known';

/**
 * What the collector knows of one owner:
 *  - present: it exists with the referenced uid;
 *  - absent: gone, or its name now belongs to an object with another uid;
 *  - deletingDependents: it exists and is being deleted in the foreground;
 *  - unknown: the collector cannot tell (unknown kind, resource not served):
 *    treated like present, so nothing is ever deleted on a guess.
 */
export type OwnerState = 'present' | 'absent' | 'deletingDependents' | 'unknown';

export interface ClassifiedOwners {
  /** Owners that exist and keep the dependent alive. */
  solid: OwnerReference[];
  /** Owners that are gone. */
  dangling: OwnerReference[];
  /** Owners in foreground deletion, waiting for this dependent to go. */
  waiting: OwnerReference[];
}

export function classifyOwners(refs: readonly OwnerReference[], stateOf: (ref: OwnerReference) => OwnerState): ClassifiedOwners {
  const out: ClassifiedOwners = { solid: [], dangling: [], waiting: [] };
  for (const ref of refs) {
    const state = stateOf(ref);
    if (state === 'absent') out.dangling.push(ref);
    else if (state === 'deletingDependents') out.waiting.push(ref);
    else out.solid.push(ref);
  }
  return out;
}

export type DependentAction =
  | { action: 'none'; why: 'no-owners' | 'being-deleted' | 'owners-alive' }
  /** Some owners live on: drop only the references to the gone or foreground-deleting ones. */
  | { action: 'removeOwnerReferences'; uids: string[] }
  /** Every owner is gone or deleting in the foreground: delete the dependent. */
  | { action: 'delete'; policy: PropagationPolicy };

/** The policy a dependent is deleted with when nothing forces one: what its own finalizers ask for. */
export function defaultPolicyFor(obj: KubeObject): PropagationPolicy {
  if (hasFinalizer(obj, FINALIZER_ORPHAN)) return 'Orphan';
  if (hasFinalizer(obj, FINALIZER_DELETE_DEPENDENTS)) return 'Foreground';
  return 'Background';
}

/**
 * What happens to a dependent given its classified owners. hasDependents:
 * the dependent owns objects itself (then a foreground-deleting owner makes
 * it delete in the foreground too, so the wait goes all the way down).
 */
export function planDependent(obj: KubeObject, owners: ClassifiedOwners, hasDependents: boolean): DependentAction {
  if (isBeingDeleted(obj) && !isDeletingDependents(obj)) return { action: 'none', why: 'being-deleted' };
  if (owners.solid.length + owners.dangling.length + owners.waiting.length === 0) return { action: 'none', why: 'no-owners' };
  if (owners.solid.length > 0) {
    const gone = [...owners.dangling, ...owners.waiting].map((r) => r.uid ?? '');
    return gone.length === 0 ? { action: 'none', why: 'owners-alive' } : { action: 'removeOwnerReferences', uids: gone };
  }
  if (isBeingDeleted(obj)) return { action: 'none', why: 'being-deleted' };
  if (owners.waiting.length > 0 && hasDependents) return { action: 'delete', policy: 'Foreground' };
  return { action: 'delete', policy: defaultPolicyFor(obj) };
}

export interface Dependent<T extends KubeObject = KubeObject> {
  obj: T;
  /** The dependent's reference to the owner in question. */
  ref: OwnerReference;
}

export type ForegroundAction =
  /** No dependent blocks the owner any more: remove the foregroundDeletion finalizer. */
  | { action: 'removeFinalizer' }
  /** Dependents remain: delete those not yet terminating; wait for the blocking ones. */
  | { action: 'wait'; blocking: number; deleteNow: KubeObject[] };

/** An owner in foreground deletion (upstream processDeletingDependentsItem). */
export function planForegroundOwner(dependents: readonly Dependent[]): ForegroundAction {
  const blocking = dependents.filter((d) => d.ref.blockOwnerDeletion === true);
  if (blocking.length === 0) return { action: 'removeFinalizer' };
  return { action: 'wait', blocking: blocking.length, deleteNow: dependents.filter((d) => !isBeingDeleted(d.obj)).map((d) => d.obj) };
}

/** The dependents an orphaning owner must let go of, each as it is to be written: without its reference to ownerUid. */
export function planOrphan<D extends { obj: KubeObject }>(ownerUid: string, dependents: readonly D[]): D[] {
  return dependents
    .filter((d) => (d.obj.metadata?.ownerReferences ?? []).some((r) => r.uid === ownerUid))
    .map((d) => ({ ...d, obj: withoutOwnerReferences(d.obj, [ownerUid]) }));
}

/** A copy of obj without the owner references to uids. */
export function withoutOwnerReferences<T extends KubeObject>(obj: T, uids: readonly string[]): T {
  const copy = deepCopy(obj);
  const refs = (copy.metadata?.ownerReferences ?? []).filter((r) => !uids.includes(r.uid ?? ''));
  copy.metadata = { ...copy.metadata, ownerReferences: refs };
  return copy;
}

/** A copy of obj without one finalizer. */
export function withoutFinalizer<T extends KubeObject>(obj: T, finalizer: string): T {
  const copy = deepCopy(obj);
  copy.metadata = { ...copy.metadata, finalizers: (copy.metadata?.finalizers ?? []).filter((f) => f !== finalizer) };
  return copy;
}
