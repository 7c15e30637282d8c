// GarbageCollector: deletes objects whose owners are gone and carries out
// Foreground and Orphan deletes (upstream pkg/controller/garbagecollector).
//
// Event → work, per monitored resource:
//  - an object with ownerReferences is added or its references change →
//    attemptToDelete(object): are its owners still there?
//  - an object is (still) in foreground deletion → attemptToDelete(object)
//    and attemptToDelete(each dependent);
//  - an object is being deleted with the orphan finalizer → attemptToOrphan(object);
//  - an object is deleted → attemptToDelete(each dependent), and its owners
//    in foreground deletion, which may now finish.
// At start-up every cached object with owners is checked once (the initial
// list), so dependents of owners deleted while the collector was down go too.
import { isConflict, isNotFound, StatusError } from '@k8ts/apimachinery';
import { DeletedFinalStateUnknown, type KubeObject, RateLimitingQueue, runWorkers } from '@k8ts/client';
import type { OwnerReference } from '@k8ts/api';
import type { GcApi } from './gc-api';
import type { ObjectCache } from './object-cache';
import { describe, identityKey, identityOf, type ObjectIdentity, ownerIdentity, ownerKind, parseIdentityKey } from './object-identity';
import { classifyOwners, type DependentAction, type OwnerState, planDependent, planForegroundOwner, planOrphan, withoutFinalizer, withoutOwnerReferences } from './plan';
import { FINALIZER_DELETE_DEPENDENTS, FINALIZER_ORPHAN, isDeletingDependents, isOrphaning } from './well-known';

export interface GcLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface GcMetrics {
  deleted?(kind: string, policy: string): void;
  orphaned?(kind: string): void;
  finalizerRemoved?(kind: string, finalizer: string): void;
}

export interface GarbageCollectorOptions {
  cache: ObjectCache;
  api: GcApi;
  logger?: GcLogger;
  metrics?: GcMetrics;
  queue?: RateLimitingQueue<string>;
  /** Uids known to be gone, remembered to spare live reads (upstream absentOwnerCache); default 512. */
  absentOwnerCacheSize?: number;
}

const DELETE = 'delete:';
const ORPHAN = 'orphan:';

export type SyncOutcome =
  | { item: 'gone' }
  | { item: 'foreground'; action: ReturnType<typeof planForegroundOwner>['action'] }
  | { item: 'dependent'; action: DependentAction['action'] }
  | { item: 'orphan'; released: number }
  | { item: 'not-orphaning' };

const silent: GcLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A small LRU set of uids. */
class UidCache {
  private readonly uids = new Set<string>();
  constructor(private readonly max: number) {}
  has(uid: string): boolean {
    return this.uids.has(uid);
  }
  add(uid: string): void {
    this.uids.delete(uid);
    this.uids.add(uid);
    if (this.uids.size > this.max) this.uids.delete(this.uids.values().next().value as string);
  }
}

export class GarbageCollector {
  readonly name = 'garbagecollector';
  readonly queue: RateLimitingQueue<string>;
  private readonly log: GcLogger;
  private readonly absentOwners: UidCache;

  constructor(private readonly opts: GarbageCollectorOptions) {
    this.queue = opts.queue ?? new RateLimitingQueue<string>({ name: 'garbage_collector_attempt_to_delete' });
    this.log = opts.logger ?? silent;
    this.absentOwners = new UidCache(opts.absentOwnerCacheSize ?? 512);
  }

  // ---- handlers (enqueue only) ----

  onAdd(kind: string, obj: KubeObject): void {
    this.onUpdate(kind, undefined, obj);
  }

  onUpdate(kind: string, old: KubeObject | undefined, obj: KubeObject): void {
    const refs = obj.metadata?.ownerReferences ?? [];
    if (refs.length > 0 && (!old || !sameOwners(old.metadata?.ownerReferences ?? [], refs))) this.enqueueDelete(identityOf(kind, obj));
    if (old) {
      // References that went away may have been the last thing a foreground-deleting owner waited for.
      const kept = new Set(refs.map((r) => r.uid));
      for (const ref of old.metadata?.ownerReferences ?? []) if (!kept.has(ref.uid)) this.enqueueOwnerIfWaiting(ref, obj.metadata?.namespace);
    }
    if (isDeletingDependents(obj)) {
      this.enqueueDelete(identityOf(kind, obj));
      for (const dep of this.opts.cache.dependentsOf(obj.metadata?.uid ?? '')) this.enqueueDelete(identityOf(dep.kind, dep.obj));
    }
    if (isOrphaning(obj)) this.queue.add(ORPHAN + identityKey(identityOf(kind, obj)));
  }

  onDelete(_kind: string, objOrTombstone: KubeObject | DeletedFinalStateUnknown<KubeObject>): void {
    const obj = objOrTombstone instanceof DeletedFinalStateUnknown ? objOrTombstone.obj : objOrTombstone;
    const uid = obj.metadata?.uid ?? '';
    if (uid) this.absentOwners.add(uid);
    for (const dep of this.opts.cache.dependentsOf(uid)) this.enqueueDelete(identityOf(dep.kind, dep.obj));
    for (const ref of obj.metadata?.ownerReferences ?? []) this.enqueueOwnerIfWaiting(ref, obj.metadata?.namespace);
  }

  // ---- workers ----

  async sync(key: string): Promise<SyncOutcome> {
    if (key.startsWith(ORPHAN)) return this.attemptToOrphan(parseIdentityKey(key.slice(ORPHAN.length)));
    return this.attemptToDelete(parseIdentityKey(key.slice(DELETE.length)));
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    const stop = runWorkers(this.queue, workers, async (key) => void (await this.sync(key)), {
      signal,
      onError: (key, err, requeues) => this.log.warn({ item: key, err: String(err), requeues }, 'garbage collection failed; retrying'),
      onDrop: (key, err) => this.log.error({ item: key, err: String(err) }, 'garbage collection dropped after retries'),
    });
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    await stop();
  }

  /** Upstream attemptToDeleteItem. */
  private async attemptToDelete(id: ObjectIdentity): Promise<SyncOutcome> {
    const obj = this.opts.cache.getIdentity(id);
    if (!obj) return { item: 'gone' };
    if (isDeletingDependents(obj)) return this.processDeletingDependents(id, obj);
    const refs = obj.metadata?.ownerReferences ?? [];
    const states = new Map<string, OwnerState>();
    for (const ref of refs) states.set(ref.uid ?? '', await this.ownerState(ref, id.namespace));
    const owners = classifyOwners(refs, (r) => states.get(r.uid ?? '') ?? 'unknown');
    const hasDependents = this.opts.cache.dependentsOf(id.uid).length > 0;
    const plan = planDependent(obj, owners, hasDependents);
    switch (plan.action) {
      case 'none':
        break;
      case 'removeOwnerReferences':
        this.log.info({ object: describe(id), owners: plan.uids }, 'removing references to owners that are gone');
        await this.ignoreGone(this.opts.api.update(id.kind, withoutOwnerReferences(obj, plan.uids)));
        break;
      case 'delete':
        this.log.info({ object: describe(id), policy: plan.policy, dangling: owners.dangling.map(refName), waiting: owners.waiting.map(refName) }, 'deleting object whose owners are gone');
        await this.ignoreGone(this.opts.api.delete(id.kind, id.namespace, id.name, id.uid, plan.policy));
        this.opts.metrics?.deleted?.(id.kind, plan.policy);
        break;
    }
    return { item: 'dependent', action: plan.action };
  }

  /** Upstream processDeletingDependentsItem: an owner in foreground deletion. */
  private async processDeletingDependents(id: ObjectIdentity, obj: KubeObject): Promise<SyncOutcome> {
    const dependents = this.opts.cache.dependentsOf(id.uid).map(({ kind, obj: d }) => ({
      kind,
      obj: d,
      ref: (d.metadata?.ownerReferences ?? []).find((r) => r.uid === id.uid) as OwnerReference,
    }));
    const plan = planForegroundOwner(dependents);
    if (plan.action === 'removeFinalizer') {
      this.log.info({ object: describe(id) }, 'no blocking dependents left; removing the foregroundDeletion finalizer');
      await this.ignoreGone(this.opts.api.update(id.kind, withoutFinalizer(obj, FINALIZER_DELETE_DEPENDENTS)));
      this.opts.metrics?.finalizerRemoved?.(id.kind, FINALIZER_DELETE_DEPENDENTS);
    } else {
      const kinds = new Map(dependents.map((d) => [d.obj, d.kind] as const));
      for (const d of plan.deleteNow) this.enqueueDelete(identityOf(kinds.get(d) ?? '', d));
      this.log.debug({ object: describe(id), blocking: plan.blocking }, 'waiting for blocking dependents');
    }
    return { item: 'foreground', action: plan.action };
  }

  /** Upstream attemptToOrphanWorker: let go of the dependents, then remove the orphan finalizer. */
  private async attemptToOrphan(id: ObjectIdentity): Promise<SyncOutcome> {
    const owner = this.opts.cache.getIdentity(id);
    if (!owner) return { item: 'gone' };
    if (!isOrphaning(owner)) return { item: 'not-orphaning' };
    const released = planOrphan(id.uid, this.opts.cache.dependentsOf(id.uid));
    for (const { kind, obj } of released) {
      await this.ignoreGone(this.opts.api.update(kind, obj));
      this.opts.metrics?.orphaned?.(kind);
    }
    this.log.info({ object: describe(id), dependents: released.length }, 'orphaned dependents; removing the orphan finalizer');
    await this.ignoreGone(this.opts.api.update(id.kind, withoutFinalizer(owner, FINALIZER_ORPHAN)));
    this.opts.metrics?.finalizerRemoved?.(id.kind, FINALIZER_ORPHAN);
    return { item: 'orphan', released: released.length };
  }

  /** Is the owner a reference names there? Cache first, then a live read (the cache may lag). */
  private async ownerState(ref: OwnerReference, namespace: string | undefined): Promise<OwnerState> {
    const info = ownerKind(ref);
    if (!info) return 'unknown';
    const uid = ref.uid ?? '';
    if (this.absentOwners.has(uid)) return 'absent';
    const owner = ownerIdentity(ref, info, namespace);
    const cached = this.opts.cache.getIdentity(owner);
    if (cached) return isDeletingDependents(cached) ? 'deletingDependents' : 'present';
    let live: KubeObject;
    try {
      live = await this.opts.api.get(info.kind, owner.namespace, owner.name);
    } catch (err) {
      // A NotFound without the object's name means the resource is not served: we cannot tell.
      if (isNotFound(err) && err instanceof StatusError && err.status.details?.name === owner.name) {
        this.absentOwners.add(uid);
        return 'absent';
      }
      if (isNotFound(err)) return 'unknown';
      throw err;
    }
    if (live.metadata?.uid !== uid) {
      this.absentOwners.add(uid);
      return 'absent';
    }
    return isDeletingDependents(live) ? 'deletingDependents' : 'present';
  }

  private enqueueDelete(id: ObjectIdentity): void {
    if (id.kind && id.name && id.uid) this.queue.add(DELETE + identityKey(id));
  }

  private enqueueOwnerIfWaiting(ref: OwnerReference, namespace: string | undefined): void {
    const info = ownerKind(ref);
    if (!info) return;
    const owner = ownerIdentity(ref, info, namespace);
    const cached = this.opts.cache.getIdentity(owner);
    if (cached && isDeletingDependents(cached)) this.enqueueDelete(owner);
  }

  /** NotFound: the object went away meanwhile, which is what we wanted or no longer matters. Conflict: retry. */
  private async ignoreGone(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      if (isNotFound(err)) return;
      if (isConflict(err) && /Precondition failed: UID/.test((err as Error).message)) return;
      throw err;
    }
  }
}

function refName(r: OwnerReference): string {
  return `${r.kind}/${r.name}`;
}

function sameOwners(a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean {
  return a.length === b.length && a.every((r, i) => r.uid === b[i]?.uid && r.blockOwnerDeletion === b[i]?.blockOwnerDeletion);
}
