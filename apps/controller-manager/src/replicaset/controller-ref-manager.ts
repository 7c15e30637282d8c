// Claiming dependents (upstream ControllerRefManager.ClaimPods /
// ClaimReplicaSets): a controller owns the objects whose controller
// ownerReference points at it and whose labels still match its selector;
// it adopts matching orphans (adds its controller ref) and releases owned
// objects whose labels stopped matching (removes its ref). A controller
// being deleted neither adopts nor releases.
import { deepCopy, getControllerOf, type HasMetadata, type OwnerReference } from '@k8ts/api';
import { isInvalid, isNotFound, type Selector } from '@k8ts/apimachinery';

export interface ClaimPlan<T> {
  /** Owned and matching. */
  owned: T[];
  /** Orphans that match: to adopt. */
  adopt: T[];
  /** Owned but no longer matching: to release. */
  release: T[];
}

/** Splits objs (one namespace) into owned, to adopt and to release. Pure. */
export function planClaims<T extends HasMetadata>(owner: HasMetadata, selector: Selector, objs: T[]): ClaimPlan<T> {
  const plan: ClaimPlan<T> = { owned: [], adopt: [], release: [] };
  const ownerUid = owner.metadata?.uid;
  const ownerDeleting = !!owner.metadata?.deletionTimestamp;
  for (const obj of objs) {
    const matches = selector.matches(obj.metadata?.labels ?? {});
    const ref = getControllerOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue; // someone else's
      if (matches) plan.owned.push(obj);
      else if (!ownerDeleting) plan.release.push(obj);
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata?.deletionTimestamp) continue;
    if (obj.metadata?.namespace !== owner.metadata?.namespace) continue;
    plan.adopt.push(obj);
  }
  return plan;
}

/** A copy of obj with ref added as its controller. */
export function withControllerRef<T extends HasMetadata>(obj: T, ref: OwnerReference): T {
  const copy = deepCopy(obj);
  const meta = (copy.metadata ??= {});
  meta.ownerReferences = [...(meta.ownerReferences ?? []).filter((r) => r.uid !== ref.uid), ref];
  return copy;
}

/** A copy of obj without the owner references to ownerUid. */
export function withoutOwnerRef<T extends HasMetadata>(obj: T, ownerUid: string): T {
  const copy = deepCopy(obj);
  const meta = (copy.metadata ??= {});
  const refs = (meta.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  meta.ownerReferences = refs.length > 0 ? refs : undefined;
  return copy;
}

export interface ClaimOps<T> {
  /** The controller (freshly read) is not being deleted and is the same object: adoption may go ahead. */
  canAdopt(): Promise<void>;
  update(obj: T): Promise<T>;
}

export class AdoptionRefusedError extends Error {
  override readonly name = 'AdoptionRefusedError';
}

/**
 * Carries out planClaims: adopts and releases through ops.update, and
 * returns the objects the controller now owns. An adoption of an object
 * that is gone is skipped; other errors propagate (the sync is retried).
 */
export async function claimObjects<T extends HasMetadata>(owner: HasMetadata, ref: OwnerReference, selector: Selector, objs: T[], ops: ClaimOps<T>): Promise<T[]> {
  const plan = planClaims(owner, selector, objs);
  const claimed = [...plan.owned];
  if (plan.adopt.length > 0) {
    await ops.canAdopt();
    for (const obj of plan.adopt) {
      try {
        claimed.push(await ops.update(withControllerRef(obj, ref)));
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
    }
  }
  for (const obj of plan.release) {
    try {
      await ops.update(withoutOwnerRef(obj, ref.uid ?? ''));
    } catch (err) {
      if (isNotFound(err) || isInvalid(err)) continue;
      throw err;
    }
  }
  return claimed;
}
