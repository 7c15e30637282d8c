// The ReplicaSet controller (upstream pkg/controller/replicaset): keeps
// spec.replicas active pods matching each ReplicaSet's selector. Handlers
// only enqueue "ns/name" keys of ReplicaSets (and note observed creations
// and deletions for the expectations); sync(key) re-reads the caches,
// claims pods (adopt/release), creates or deletes the difference when the
// expectations are satisfied, and writes the status.
import { controllerRef, deepCopy, getControllerOf, objectKey, splitKey, type OwnerReference, type Pod, type ReplicaSet, type ReplicaSetStatus } from '@k8ts/api';
import { isConflict, selectorFromLabelSelector, type Selector } from '@k8ts/apimachinery';
import { isDeletedFinalStateUnknown, NAMESPACE_INDEX, type ApiClient, type DeletedFinalStateUnknown, type Lister } from '@k8ts/client';
import type { Clock } from '../manager/context';
import { QueueController, type QueueControllerOptions } from '../manager/queue-controller';
import { ControllerExpectations } from './controller-expectations';
import { claimObjects, AdoptionRefusedError } from './controller-ref-manager';
import { BURST_REPLICAS, manageReplicas, type EventSinkLike } from './manage-replicas';
import { isPodActive, isPodReady, msUntilAvailable } from './pod-helpers';
import { calculateReplicaSetStatus, replicaSetStatusEqual } from './replicaset-status';

export interface ReplicaSetControllerOptions extends QueueControllerOptions {
  client: Pick<ApiClient, 'pods' | 'replicaSets'>;
  rsLister: Lister<ReplicaSet>;
  podLister: Lister<Pod>;
  recorder: EventSinkLike;
  clock: Clock;
  burstReplicas?: number;
}

export class ManageReplicasFailedError extends Error {
  override readonly name = 'ManageReplicasFailedError';
  constructor(key: string, message: string) {
    super(`replica set ${key}: ${message}`);
  }
}

function unwrap<T>(obj: T | DeletedFinalStateUnknown<T>): T {
  return isDeletedFinalStateUnknown(obj) ? obj.obj : obj;
}

export class ReplicaSetController extends QueueController {
  readonly expectations: ControllerExpectations;

  constructor(private readonly opts: ReplicaSetControllerOptions) {
    super('replicaset', { nameAttribute: 'k8s.replicaset.name', ...opts });
    this.expectations = new ControllerExpectations(opts.clock);
  }

  // --- ReplicaSet handlers ---

  onReplicaSetAdd(rs: ReplicaSet): void {
    this.enqueue(rs);
  }

  onReplicaSetUpdate(old: ReplicaSet, cur: ReplicaSet): void {
    if (old.spec?.replicas !== cur.spec?.replicas) {
      this.logger.debug({ rs: objectKey(cur), from: old.spec?.replicas, to: cur.spec?.replicas }, 'replicas changed');
    }
    this.enqueue(cur);
  }

  onReplicaSetDelete(obj: ReplicaSet | DeletedFinalStateUnknown<ReplicaSet>): void {
    const rs = unwrap(obj);
    const key = objectKey(rs);
    this.expectations.deleteExpectations(key);
    this.add(key);
  }

  // --- Pod handlers ---

  onPodAdd(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) {
      // Restarted controller: a pod already terminating counts as a deletion.
      this.onPodDelete(pod);
      return;
    }
    const ref = getControllerOf(pod);
    if (ref) {
      const rs = this.resolveControllerRef(pod.metadata?.namespace, ref);
      if (!rs) return;
      const key = objectKey(rs);
      this.expectations.creationObserved(key);
      this.add(key);
      return;
    }
    // An orphan: every matching ReplicaSet may want to adopt it.
    for (const rs of this.getPodReplicaSets(pod)) this.enqueue(rs);
  }

  onPodUpdate(old: Pod, cur: Pod): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return; // resync
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (cur.metadata?.deletionTimestamp) {
      // Terminating: the ReplicaSet need not wait for the final delete.
      this.onPodDelete(cur);
      if (labelsChanged) this.onPodDelete(old);
      return;
    }
    const curRef = getControllerOf(cur);
    const oldRef = getControllerOf(old);
    const refChanged = curRef?.uid !== oldRef?.uid;
    if (refChanged && oldRef) {
      const rs = this.resolveControllerRef(old.metadata?.namespace, oldRef);
      if (rs) this.enqueue(rs);
    }
    if (curRef) {
      const rs = this.resolveControllerRef(cur.metadata?.namespace, curRef);
      if (!rs) return;
      this.enqueue(rs);
      const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
      // Becoming ready: look again once it counts as available.
      if (!isPodReady(old) && isPodReady(cur) && minReadySeconds > 0) this.enqueueAfter(rs, minReadySeconds * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.getPodReplicaSets(cur)) this.enqueue(rs);
  }

  onPodDelete(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = unwrap(obj);
    const ref = getControllerOf(pod);
    if (!ref) return;
    const rs = this.resolveControllerRef(pod.metadata?.namespace, ref);
    if (!rs) return;
    const key = objectKey(rs);
    this.expectations.deletionObserved(key, objectKey(pod));
    this.add(key);
  }

  // --- sync ---

  override async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const rs = this.opts.rsLister.getByName(namespace, name);
    if (!rs) {
      this.expectations.deleteExpectations(key);
      return;
    }
    const needsSync = this.expectations.satisfiedExpectations(key);
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(rs.spec?.selector);
    } catch (err) {
      this.logger.error({ rs: key, err: (err as Error).message }, 'invalid selector; not syncing');
      return;
    }
    const active = this.opts.podLister.byIndex(NAMESPACE_INDEX, namespace).filter(isPodActive);
    const pods = await this.claimPods(rs, selector, active);

    let manageError;
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      manageError = await manageReplicas(rs, key, pods, this.relatedPods(rs), {
        pods: this.opts.client.pods,
        expectations: this.expectations,
        recorder: this.opts.recorder,
        now: this.opts.clock.now(),
        burstReplicas: this.opts.burstReplicas ?? BURST_REPLICAS,
      });
    }
    const now = this.opts.clock.now();
    const status = calculateReplicaSetStatus(rs, pods, manageError, now);
    const updated = await this.updateStatus(rs, status);
    if (manageError) throw new ManageReplicasFailedError(key, manageError.message);

    // Ready pods that are not available yet: look again when they become so.
    const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
    if (minReadySeconds > 0 && (updated.status?.availableReplicas ?? 0) !== (updated.spec?.replicas ?? 1)) {
      const waits = pods.map((p) => msUntilAvailable(p, minReadySeconds, now)).filter((ms): ms is number => ms !== undefined && ms > 0);
      if (waits.length > 0) this.queue.addAfter(key, Math.min(...waits));
    }
  }

  /** The pods rs owns after adopting matching orphans and releasing pods that stopped matching. */
  private claimPods(rs: ReplicaSet, selector: Selector, pods: Pod[]): Promise<Pod[]> {
    const pods$ = this.opts.client.pods;
    return claimObjects(rs, controllerRef(rs, 'apps/v1', 'ReplicaSet'), selector, pods, {
      canAdopt: async () => {
        // Re-read: never adopt for a ReplicaSet that is being deleted or was replaced.
        const fresh = await this.opts.client.replicaSets.get(rs.metadata?.namespace, rs.metadata?.name ?? '');
        if (fresh.metadata?.uid !== rs.metadata?.uid) throw new AdoptionRefusedError(`original ReplicaSet ${objectKey(rs)} is gone: got uid ${fresh.metadata?.uid}, wanted ${rs.metadata?.uid}`);
        if (fresh.metadata?.deletionTimestamp) throw new AdoptionRefusedError(`${objectKey(rs)} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
      },
      update: (pod) => pods$.update(pod),
    });
  }

  /** Pods of the ReplicaSets that share rs's controller (rs's own included). */
  private relatedPods(rs: ReplicaSet): Pod[] {
    const ref = getControllerOf(rs);
    const siblings = ref
      ? this.opts.rsLister.byIndex(NAMESPACE_INDEX, rs.metadata?.namespace ?? '').filter((o) => getControllerOf(o)?.uid === ref.uid)
      : [rs];
    const seen = new Set<string>();
    const out: Pod[] = [];
    for (const sibling of siblings) {
      let selector: Selector;
      try {
        selector = selectorFromLabelSelector(sibling.spec?.selector);
      } catch {
        continue;
      }
      for (const pod of this.opts.podLister.listBySelector(selector, sibling.metadata?.namespace)) {
        const uid = pod.metadata?.uid ?? objectKey(pod);
        if (seen.has(uid)) continue;
        seen.add(uid);
        out.push(pod);
      }
    }
    return out;
  }

  /** Writes the status when it changed (or the generation is new); one retry on conflict. */
  private async updateStatus(rs: ReplicaSet, status: ReplicaSetStatus): Promise<ReplicaSet> {
    const generation = rs.metadata?.generation ?? 0;
    if (replicaSetStatusEqual(rs.status, { ...status, observedGeneration: rs.status?.observedGeneration }) && (rs.status?.observedGeneration ?? 0) === generation) return rs;
    let current = rs;
    for (let attempt = 0; ; attempt++) {
      const copy = deepCopy(current);
      copy.status = { ...status, observedGeneration: current.metadata?.generation ?? generation };
      try {
        return await this.opts.client.replicaSets.updateStatus(copy);
      } catch (err) {
        if (attempt >= 1 || !isConflict(err)) throw err;
        current = await this.opts.client.replicaSets.get(rs.metadata?.namespace, rs.metadata?.name ?? '');
      }
    }
  }

  private resolveControllerRef(namespace: string | undefined, ref: OwnerReference): ReplicaSet | undefined {
    if (ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.opts.rsLister.getByName(namespace, ref.name ?? '');
    return rs && rs.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets in the pod's namespace whose (non-empty) selector matches the pod. */
  getPodReplicaSets(pod: Pod): ReplicaSet[] {
    const labels = pod.metadata?.labels ?? {};
    return this.opts.rsLister.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '').filter((rs) => {
      try {
        const s = selectorFromLabelSelector(rs.spec?.selector);
        return !s.empty() && s.matches(labels);
      } catch {
        return false;
      }
    });
  }

}
