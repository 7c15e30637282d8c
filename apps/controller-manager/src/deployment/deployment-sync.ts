// One sync of one Deployment (upstream pkg/controller/deployment/sync.go and
// progress.go). A DeploymentSync works on a private copy of the cached
// Deployment (`d`), which it changes as upstream does (revision annotation,
// conditions, collisionCount) and writes back with writeStatus(): the
// annotations through a main update (the k8ts apiserver keeps metadata on
// status writes), then the status.
import { controllerRef, deepCopy, isControlledBy, type Deployment, type DeploymentStatus, type ReplicaSet } from '@k8ts/api';
import { isAlreadyExists, isNotFound } from '@k8ts/apimachinery';
import type { ApiClient, EventObject, Lister } from '@k8ts/client';
import type { Logger } from 'pino';
import type { Clock } from '../manager/context';
import { errorMessage, type EventSinkLike } from '../replicaset/manage-replicas';
import {
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  PROGRESSING,
  Reasons,
  REPLICA_FAILURE,
  removeCondition,
  setCondition,
  statusEqual,
} from './deployment-conditions';
import {
  activeReplicaSets,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  desiredReplicasAnnotation,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  newRSNewReplicas,
  replicas,
  replicaSetProportion,
  replicasAnnotationsNeedUpdate,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  sumReplicas,
} from './deployment-util';
import { canonicalJson, computeHash, DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY, equalIgnoreHash } from './pod-template-hash';

export interface DeploymentSyncDeps {
  client: Pick<ApiClient, 'deployments' | 'replicaSets'>;
  rsLister: Lister<ReplicaSet>;
  recorder: EventSinkLike;
  clock: Clock;
  logger: Logger;
  /** Looks at the Deployment again after ms (progress deadline checks); 0: rate limited. */
  requeueAfter(key: string, ms: number): void;
}

export class HashCollisionError extends Error {
  override readonly name = 'HashCollisionError';
}

export class DeploymentSync {
  /** The working copy. */
  readonly d: Deployment;
  private writtenAnnotations: string;

  constructor(
    private readonly deps: DeploymentSyncDeps,
    cached: Deployment,
  ) {
    this.d = deepCopy(cached);
    this.writtenAnnotations = canonicalJson(cached.metadata?.annotations);
  }

  get key(): string {
    return `${this.d.metadata?.namespace}/${this.d.metadata?.name}`;
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  private eventObject(): EventObject {
    return { metadata: this.d.metadata, kind: 'Deployment', apiVersion: 'apps/v1' };
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.recorder.event(this.eventObject(), type, reason, message);
  }

  /** Writes changed annotations (main update), then the status (status subresource). */
  async writeStatus(): Promise<void> {
    const d = this.d;
    if (canonicalJson(d.metadata?.annotations) !== this.writtenAnnotations) {
      const updated = await this.deps.client.deployments.update(deepCopy(d));
      d.metadata = { ...updated.metadata };
      this.writtenAnnotations = canonicalJson(updated.metadata?.annotations);
    }
    const written = await this.deps.client.deployments.updateStatus(deepCopy(d));
    d.metadata = { ...d.metadata, resourceVersion: written.metadata?.resourceVersion };
  }

  // --- new and old ReplicaSets ---

  /** The new ReplicaSet (created when asked and missing) and the old ones, revisions synced. */
  async getAllReplicaSetsAndSyncRevision(rsList: ReplicaSet[], createIfNotExisted: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
    const { all } = findOldReplicaSets(this.d, rsList);
    const newRS = await this.getNewReplicaSet(rsList, all, createIfNotExisted);
    return { newRS, oldRSs: all };
  }

  private async getNewReplicaSet(rsList: ReplicaSet[], oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const existing = findNewReplicaSet(d, rsList);
    const newRevision = String(maxRevision(oldRSs) + 1);
    if (existing) {
      const copy = deepCopy(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReadyChanged = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadyChanged) {
        copy.spec = { ...copy.spec, minReadySeconds: d.spec?.minReadySeconds };
        return this.deps.client.replicaSets.update(copy);
      }
      let needsUpdate = setDeploymentRevision(d, copy.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? newRevision);
      if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
        setCondition((d.status ??= {}), newCondition(PROGRESSING, 'True', Reasons.foundNewRS, `Found new replica set "${copy.metadata?.name}"`, this.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus();
      return copy;
    }
    if (!create) return undefined;

    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    const template = deepCopy(d.spec?.template ?? {});
    const labels = { ...(template.metadata?.labels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
    template.metadata = { ...template.metadata, labels };
    const selector = deepCopy(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
    const newRS: ReplicaSet = {
      metadata: {
        name: `${d.metadata?.name}-${hash}`,
        namespace: d.metadata?.namespace,
        ownerReferences: [controllerRef(d, 'apps/v1', 'Deployment')],
        labels: { ...labels },
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds, selector, template },
    };
    const newReplicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    (newRS.spec as { replicas: number }).replicas = newReplicas;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = await this.deps.client.replicaSets.create(newRS);
    } catch (err) {
      if (isAlreadyExists(err)) {
        const found = this.deps.rsLister.getByName(newRS.metadata?.namespace, newRS.metadata?.name ?? '') ?? (await this.deps.client.replicaSets.get(newRS.metadata?.namespace, newRS.metadata?.name ?? ''));
        if (isControlledBy(found, d) && equalIgnoreHash(found.spec?.template, d.spec?.template)) {
          created = found;
          alreadyExists = true;
        } else {
          // Same name, other template: count the collision so the next hash differs.
          const status = (d.status ??= {});
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.writeStatus();
          throw new HashCollisionError(`hash collision for deployment ${this.key}: replica set ${newRS.metadata?.name} exists (collisionCount ${status.collisionCount})`);
        }
      } else {
        const msg = `Failed to create new replica set "${newRS.metadata?.name}": ${errorMessage(err)}`;
        if (hasProgressDeadline(d)) {
          setCondition((d.status ??= {}), newCondition(PROGRESSING, 'False', Reasons.failedRSCreate, msg, this.now()));
          await this.writeStatus().catch(() => undefined);
        }
        this.event('Warning', 'FailedCreate', msg);
        throw err;
      }
    }
    if (!alreadyExists && newReplicas > 0) this.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name} from 0 to ${newReplicas}`);
    let needsUpdate = setDeploymentRevision(d, newRevision);
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition((d.status ??= {}), newCondition(PROGRESSING, 'True', Reasons.newReplicaSet, `Created new replica set "${created.metadata?.name}"`, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus();
    return created;
  }

  // --- scaling ---

  /** Scales rs to newScale with a ScalingReplicaSet event; returns the (possibly) updated ReplicaSet. */
  async scaleReplicaSetAndRecordEvent(rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (replicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, replicas(rs) < newScale ? 'up' : 'down');
  }

  async scaleReplicaSet(rs: ReplicaSet, newScale: number, operation: 'up' | 'down'): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const d = this.d;
    const sizeNeedsUpdate = replicas(rs) !== newScale;
    const max = replicas(d) + maxSurge(d);
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, replicas(d), max)) return { scaled: false, rs };
    const copy = deepCopy(rs);
    copy.spec = { ...copy.spec, replicas: newScale };
    setReplicasAnnotations(copy, replicas(d), max);
    const updated = await this.deps.client.replicaSets.update(copy);
    if (sizeNeedsUpdate) this.event('Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata?.name} from ${replicas(rs)} to ${newScale}`);
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /**
   * Scales for a spec.replicas change (upstream scale): one active
   * ReplicaSet takes it all; a saturated new one makes the old ones 0;
   * during a rolling update the change is spread over the active
   * ReplicaSets in proportion to their size (leftover to the largest).
   */
  async scale(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    const target = findActiveOrLatest(newRS, oldRSs);
    if (target) {
      if (replicas(target) !== replicas(d)) await this.scaleReplicaSetAndRecordEvent(target, replicas(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeReplicaSets(oldRSs)) await this.scaleReplicaSetAndRecordEvent(old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = activeReplicaSets([...oldRSs, newRS]);
    const allowed = replicas(d) > 0 ? replicas(d) + maxSurge(d) : replicas(d);
    const toAdd = allowed - sumReplicas(all);
    const operation = toAdd > 0 ? 'up' : 'down';
    if (toAdd > 0) all.sort(bySizeNewer);
    else if (toAdd < 0) all.sort(bySizeOlder);
    const sizes = new Map<ReplicaSet, number>();
    let added = 0;
    for (const rs of all) {
      if (toAdd === 0) {
        sizes.set(rs, replicas(rs));
        continue;
      }
      const p = replicaSetProportion(rs, d, toAdd, added);
      sizes.set(rs, replicas(rs) + p);
      added += p;
    }
    const first = all[0];
    if (first && toAdd !== added) sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
    for (const rs of all) await this.scaleReplicaSet(rs, sizes.get(rs) ?? replicas(rs), operation);
  }

  /** spec.replicas differs from a ReplicaSet's desired-replicas annotation (upstream isScalingEvent). */
  async isScalingEvent(rsList: ReplicaSet[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(rsList, false);
    return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
      const desired = desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== replicas(this.d);
    });
  }

  /** Scaling only, for paused Deployments and scaling events (upstream sync). */
  async sync(rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(rsList, false);
    await this.scale(newRS, oldRSs);
    if (this.d.spec?.paused) await this.cleanupDeployment(oldRSs);
    await this.syncDeploymentStatus(defined([...oldRSs, newRS]), newRS);
  }

  // --- history and status ---

  /** Deletes the oldest unused old ReplicaSets beyond revisionHistoryLimit. */
  async cleanupDeployment(oldRSs: ReplicaSet[]): Promise<void> {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort(byRevision);
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || replicas(rs) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      this.deps.logger.debug({ deployment: this.key, rs: rs.metadata?.name }, 'deleting old replica set');
      try {
        await this.deps.client.replicaSets.delete(rs.metadata?.namespace, rs.metadata?.name ?? '');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  async syncDeploymentStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(allRSs, newRS, this.d, this.now());
    if (statusEqual(this.d.status, status) && canonicalJson(this.d.metadata?.annotations) === this.writtenAnnotations) return;
    this.d.status = status;
    await this.writeStatus();
  }

  /** Status with the Progressing condition of the rollout (upstream syncRolloutStatus). */
  async syncRolloutStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const d = this.d;
    const now = this.now();
    const status = calculateStatus(allRSs, newRS, d, now);
    if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
    const current = getCondition(d.status, PROGRESSING);
    const complete = status.replicas === status.updatedReplicas && current?.reason === Reasons.newRSAvailable;
    if (hasProgressDeadline(d) && !complete) {
      const what = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
      if (deploymentComplete(d, status)) {
        setCondition(status, newCondition(PROGRESSING, 'True', Reasons.newRSAvailable, `${what} has successfully progressed.`, now));
      } else if (deploymentProgressing(d, status)) {
        const cond = newCondition(PROGRESSING, 'True', Reasons.replicaSetUpdated, `${what} is progressing.`, now);
        if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, PROGRESSING);
        setCondition(status, cond);
      } else if (deploymentTimedOut(d, status, now)) {
        setCondition(status, newCondition(PROGRESSING, 'False', Reasons.timedOut, `${what} has timed out progressing.`, now));
      }
    }
    const failure = allRSs.map((rs) => rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE)).find((c) => c !== undefined);
    if (failure) setCondition(status, { type: REPLICA_FAILURE, status: failure.status, reason: failure.reason, message: failure.message, lastUpdateTime: failure.lastTransitionTime, lastTransitionTime: failure.lastTransitionTime });
    else removeCondition(status, REPLICA_FAILURE);

    if (statusEqual(d.status, status) && canonicalJson(d.metadata?.annotations) === this.writtenAnnotations) {
      this.requeueStuckDeployment(status);
      return;
    }
    d.status = status;
    await this.writeStatus();
  }

  /** A rollout that is neither complete nor timed out is looked at again when its deadline passes. */
  private requeueStuckDeployment(status: DeploymentStatus): void {
    const d = this.d;
    const cond = getCondition(status, PROGRESSING);
    if (!hasProgressDeadline(d) || !cond) return;
    if (deploymentComplete(d, status) || cond.reason === Reasons.timedOut) return;
    const from = Date.parse(cond.lastUpdateTime ?? '');
    if (Number.isNaN(from)) return;
    const after = from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - this.now().getTime();
    this.deps.requeueAfter(this.key, after < 1000 ? 0 : after + 1000);
  }

  /** Progressing=Unknown DeploymentPaused / DeploymentResumed when spec.paused flips. */
  async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, PROGRESSING);
    if (cond?.reason === Reasons.timedOut) return;
    const pausedCondExists = cond?.reason === Reasons.paused;
    const status = (d.status ??= {});
    if (d.spec?.paused && !pausedCondExists) setCondition(status, newCondition(PROGRESSING, 'Unknown', Reasons.paused, 'Deployment is paused', this.now()));
    else if (!d.spec?.paused && pausedCondExists) setCondition(status, newCondition(PROGRESSING, 'Unknown', Reasons.resumed, 'Deployment is resumed', this.now()));
    else return;
    await this.writeStatus();
  }
}

export function defined(rss: (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined);
}
