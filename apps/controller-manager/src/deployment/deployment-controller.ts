// The Deployment controller (upstream pkg/controller/deployment): handlers
// enqueue Deployment keys (for ReplicaSet changes: the owning Deployment, or
// for orphans every matching one; for pod deletions: a Recreate Deployment
// waiting for old pods to go); sync(key) claims ReplicaSets and rolls out.
import { controllerRef, getControllerOf, objectKey, splitKey, type Deployment, type OwnerReference, type Pod, type ReplicaSet } from '@k8ts/api';
import { selectorFromLabelSelector, type Selector } from '@k8ts/apimachinery';
import { isDeletedFinalStateUnknown, NAMESPACE_INDEX, type ApiClient, type DeletedFinalStateUnknown, type Lister } from '@k8ts/client';
import type { Clock } from '../manager/context';
import { QueueController, type QueueControllerOptions } from '../manager/queue-controller';
import { AdoptionRefusedError, claimObjects } from '../replicaset/controller-ref-manager';
import type { EventSinkLike } from '../replicaset/manage-replicas';
import { defined, DeploymentSync } from './deployment-sync';
import { rolloutRecreate, type PodMap } from './recreate';
import { rolloutRolling } from './rolling';

export interface DeploymentControllerOptions extends QueueControllerOptions {
  client: Pick<ApiClient, 'deployments' | 'replicaSets'>;
  dLister: Lister<Deployment>;
  rsLister: Lister<ReplicaSet>;
  podLister: Lister<Pod>;
  recorder: EventSinkLike;
  clock: Clock;
}

function unwrap<T>(obj: T | DeletedFinalStateUnknown<T>): T {
  return isDeletedFinalStateUnknown(obj) ? obj.obj : obj;
}

export class DeploymentController extends QueueController {
  constructor(private readonly opts: DeploymentControllerOptions) {
    super('deployment', { nameAttribute: 'k8s.deployment.name', ...opts });
  }

  // --- handlers ---

  onDeploymentAdd(d: Deployment): void {
    this.enqueue(d);
  }

  onDeploymentUpdate(_old: Deployment, cur: Deployment): void {
    this.enqueue(cur);
  }

  onDeploymentDelete(obj: Deployment | DeletedFinalStateUnknown<Deployment>): void {
    this.enqueue(unwrap(obj));
  }

  onReplicaSetAdd(rs: ReplicaSet): void {
    if (rs.metadata?.deletionTimestamp) {
      this.onReplicaSetDelete(rs);
      return;
    }
    const ref = getControllerOf(rs);
    if (ref) {
      const d = this.resolveControllerRef(rs.metadata?.namespace, ref);
      if (d) this.enqueue(d);
      return;
    }
    for (const d of this.getDeploymentsForReplicaSet(rs)) this.enqueue(d);
  }

  onReplicaSetUpdate(old: ReplicaSet, cur: ReplicaSet): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const curRef = getControllerOf(cur);
    const oldRef = getControllerOf(old);
    const refChanged = curRef?.uid !== oldRef?.uid;
    if (refChanged && oldRef) {
      const d = this.resolveControllerRef(old.metadata?.namespace, oldRef);
      if (d) this.enqueue(d);
    }
    if (curRef) {
      const d = this.resolveControllerRef(cur.metadata?.namespace, curRef);
      if (d) this.enqueue(d);
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.getDeploymentsForReplicaSet(cur)) this.enqueue(d);
  }

  onReplicaSetDelete(obj: ReplicaSet | DeletedFinalStateUnknown<ReplicaSet>): void {
    const rs = unwrap(obj);
    const ref = getControllerOf(rs);
    if (!ref) return;
    const d = this.resolveControllerRef(rs.metadata?.namespace, ref);
    if (d) this.enqueue(d);
  }

  /** A Recreate rollout waits for the old pods to be gone. */
  onPodDelete(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = unwrap(obj);
    const rsRef = getControllerOf(pod);
    if (rsRef?.kind !== 'ReplicaSet') return;
    const rs = this.opts.rsLister.getByName(pod.metadata?.namespace, rsRef.name ?? '');
    if (!rs || rs.metadata?.uid !== rsRef.uid) return;
    const dRef = getControllerOf(rs);
    const d = dRef && this.resolveControllerRef(rs.metadata?.namespace, dRef);
    if (d && d.spec?.strategy?.type === 'Recreate') this.enqueue(d);
  }

  // --- sync ---

  override async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.opts.dLister.getByName(namespace, name);
    if (!cached) return;
    const s = new DeploymentSync(
      {
        client: this.opts.client,
        rsLister: this.opts.rsLister,
        recorder: this.opts.recorder,
        clock: this.opts.clock,
        logger: this.logger,
        requeueAfter: (k, ms) => (ms <= 0 ? this.queue.addRateLimited(k) : this.queue.addAfter(k, ms)),
      },
      cached,
    );
    const d = s.d;
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(d.spec?.selector);
    } catch (err) {
      this.logger.error({ deployment: key, err: (err as Error).message }, 'invalid selector; not syncing');
      return;
    }
    if (selector.empty()) {
      s.event('Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata?.generation };
        await s.writeStatus();
      }
      return;
    }

    const rsList = await this.getReplicaSetsForDeployment(d, selector);
    if (d.metadata?.deletionTimestamp) {
      const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(rsList, false);
      await s.syncDeploymentStatus(defined([...oldRSs, newRS]), newRS);
      return;
    }
    await s.checkPausedConditions();
    if (d.spec?.paused) {
      await s.sync(rsList);
      return;
    }
    if (await s.isScalingEvent(rsList)) {
      await s.sync(rsList);
      return;
    }
    if (d.spec?.strategy?.type === 'Recreate') {
      await rolloutRecreate(s, rsList, this.getPodMapForDeployment(d, selector, rsList));
      return;
    }
    await rolloutRolling(s, rsList);
  }

  /** The ReplicaSets d owns, after adopting matching orphans and releasing those that stopped matching. */
  private getReplicaSetsForDeployment(d: Deployment, selector: Selector): Promise<ReplicaSet[]> {
    const all = this.opts.rsLister.byIndex(NAMESPACE_INDEX, d.metadata?.namespace ?? '');
    return claimObjects(d, controllerRef(d, 'apps/v1', 'Deployment'), selector, all, {
      canAdopt: async () => {
        const fresh = await this.opts.client.deployments.get(d.metadata?.namespace, d.metadata?.name ?? '');
        if (fresh.metadata?.uid !== d.metadata?.uid) throw new AdoptionRefusedError(`original Deployment ${objectKey(d)} is gone: got uid ${fresh.metadata?.uid}, wanted ${d.metadata?.uid}`);
        if (fresh.metadata?.deletionTimestamp) throw new AdoptionRefusedError(`${objectKey(d)} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
      },
      update: (rs) => this.opts.client.replicaSets.update(rs),
    });
  }

  private getPodMapForDeployment(d: Deployment, selector: Selector, rsList: ReplicaSet[]): PodMap {
    const map: PodMap = new Map(rsList.map((rs) => [rs.metadata?.uid ?? '', [] as Pod[]]));
    for (const pod of this.opts.podLister.listBySelector(selector, d.metadata?.namespace)) {
      const ref = getControllerOf(pod);
      const list = ref?.uid !== undefined ? map.get(ref.uid) : undefined;
      if (list) list.push(pod);
    }
    return map;
  }

  private resolveControllerRef(namespace: string | undefined, ref: OwnerReference): Deployment | undefined {
    if (ref.kind !== 'Deployment') return undefined;
    const d = this.opts.dLister.getByName(namespace, ref.name ?? '');
    return d && d.metadata?.uid === ref.uid ? d : undefined;
  }

  /** Deployments in the ReplicaSet's namespace whose (non-empty) selector matches its labels. */
  getDeploymentsForReplicaSet(rs: ReplicaSet): Deployment[] {
    const labels = rs.metadata?.labels ?? {};
    return this.opts.dLister.byIndex(NAMESPACE_INDEX, rs.metadata?.namespace ?? '').filter((d) => {
      try {
        const s = selectorFromLabelSelector(d.spec?.selector);
        return !s.empty() && s.matches(labels);
      } catch {
        return false;
      }
    });
  }
}
