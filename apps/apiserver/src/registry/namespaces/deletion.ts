// Namespace deletion, the upstream way. A Namespace is not removed by its
// first DELETE: that only marks it terminating (deletionTimestamp, phase
// Terminating). The namespace controller then deletes its content and
// "finalizes" it by removing "kubernetes" from spec.finalizers (not
// metadata.finalizers); a terminating namespace with no finalizers of
// either kind left is removed.
//
// The pure functions here decide what each step writes. Writing a
// deletionTimestamp is beyond the generic store's update path, so
// deleteNamespace() takes the few store operations it needs as `ops`.
import type { DeleteOptions, Namespace } from '@k8ts/api';
import { isConflict, newConflict } from '@k8ts/apimachinery';

/** The finalizer the namespace controller removes once the content is gone. */
export const FINALIZER_KUBERNETES = 'kubernetes';

const NAMESPACES = { group: '', resource: 'namespaces' };

export function isTerminating(ns: Namespace): boolean {
  return !!ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating';
}

/** Whether the GC finalizers "orphan" / "foregroundDeletion" should be present after this delete. */
function wantedGcFinalizers(options: DeleteOptions, current: readonly string[]): { orphan: boolean; foreground: boolean } {
  const orphan =
    options.orphanDependents !== undefined
      ? options.orphanDependents
      : options.propagationPolicy !== undefined
        ? options.propagationPolicy === 'Orphan'
        : current.includes('orphan');
  const foreground =
    options.orphanDependents !== undefined
      ? !options.orphanDependents
      : options.propagationPolicy !== undefined
        ? options.propagationPolicy === 'Foreground'
        : current.includes('foregroundDeletion');
  return { orphan, foreground };
}

/**
 * The namespace as the first DELETE leaves it: deletionTimestamp set (kept
 * if already set), phase Terminating, and metadata.finalizers carrying the
 * garbage-collector finalizer the delete options ask for. Pure.
 */
export function markTerminating(ns: Namespace, now: string, options: DeleteOptions = {}): Namespace {
  const next = structuredClone(ns);
  const meta = (next.metadata ??= {});
  meta.deletionTimestamp ??= now;
  next.status = { ...next.status, phase: 'Terminating' };
  const current = meta.finalizers ?? [];
  const want = wantedGcFinalizers(options, current);
  let finalizers = current.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
  if (want.orphan) finalizers = [...finalizers, 'orphan'];
  if (want.foreground) finalizers = [...finalizers, 'foregroundDeletion'];
  if (finalizers.length > 0 || current.length > 0) meta.finalizers = finalizers;
  return next;
}

/** The namespace with `finalizer` (default "kubernetes") removed from spec.finalizers. Pure. */
export function finalizeNamespace(ns: Namespace, finalizer = FINALIZER_KUBERNETES): Namespace {
  const next = structuredClone(ns);
  next.spec = { ...next.spec, finalizers: (next.spec?.finalizers ?? []).filter((f) => f !== finalizer) };
  return next;
}

/**
 * Whether an update of a terminating namespace should remove it: only once
 * neither spec.finalizers nor metadata.finalizers has anything left
 * (upstream ShouldDeleteNamespaceDuringUpdate).
 */
export function shouldDeleteNamespaceDuringUpdate(ns: Namespace, old: Namespace): boolean {
  return (
    !!old.metadata?.deletionTimestamp &&
    (old.metadata?.deletionGracePeriodSeconds ?? 0) === 0 &&
    (ns.spec?.finalizers ?? []).length === 0 &&
    (ns.metadata?.finalizers ?? []).length === 0
  );
}

export type NamespaceDeleteStep =
  /** First DELETE: write `object` (it carries deletionTimestamp); the namespace stays. */
  | { action: 'terminate'; object: Namespace }
  /** Already terminating and not finalized yet: nothing to write; the namespace stays. */
  | { action: 'wait'; object: Namespace }
  /** Finalized: remove it with the store's ordinary delete. */
  | { action: 'delete' };

/**
 * Upstream's namespace DELETE decision for the namespace as currently
 * stored. Failed UID / resourceVersion preconditions are a Conflict.
 */
export function planNamespaceDelete(current: Namespace, options: DeleteOptions, now: string): NamespaceDeleteStep {
  const meta = current.metadata ?? {};
  const name = meta.name ?? '';
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== meta.uid) {
    throw newConflict(NAMESPACES, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
    throw newConflict(
      NAMESPACES,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
    );
  }
  if (!meta.deletionTimestamp) return { action: 'terminate', object: markTerminating(current, now, options) };
  if ((current.spec?.finalizers ?? []).length > 0) return { action: 'wait', object: current };
  return { action: 'delete' };
}

/** The store operations deleteNamespace needs (cluster-scoped: no namespace argument). */
export interface NamespaceDeleteOps {
  get(name: string): Promise<Namespace>;
  /**
   * Runs DELETE admission for the namespace (NamespaceLifecycle refuses the
   * immortal ones). The store's delete does this itself; the terminate
   * step bypasses it, so it calls this first.
   */
  admitDelete?(ns: Namespace, dryRun: boolean): Promise<void>;
  /**
   * Writes `next` if the stored resourceVersion still equals
   * next.metadata.resourceVersion (Conflict otherwise), keeping its
   * metadata.deletionTimestamp, and returns what was stored.
   */
  writeTerminating(next: Namespace, dryRun: boolean): Promise<Namespace>;
  /** The generic store's delete. */
  delete(name: string, options: DeleteOptions): Promise<{ object: Namespace; deleted: boolean }>;
}

const ATTEMPTS = 8;

/** DELETE /api/v1/namespaces/{name}. */
export async function deleteNamespace(
  ops: NamespaceDeleteOps,
  name: string,
  options: DeleteOptions = {},
  now: () => string = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
): Promise<{ object: Namespace; deleted: boolean }> {
  const dryRun = (options.dryRun ?? []).includes('All');
  for (let attempt = 0; ; attempt++) {
    const current = await ops.get(name);
    const step = planNamespaceDelete(current, options, now());
    if (step.action === 'delete') return ops.delete(name, options);
    if (step.action === 'wait') return { object: step.object, deleted: false };
    await ops.admitDelete?.(current, dryRun);
    if (dryRun) return { object: step.object, deleted: false };
    try {
      return { object: await ops.writeTerminating(step.object, false), deleted: false };
    } catch (err) {
      // Lost a race with another writer: look again, unless the client pinned a version.
      if (!isConflict(err) || options.preconditions?.resourceVersion || attempt + 1 >= ATTEMPTS) throw err;
    }
  }
}
