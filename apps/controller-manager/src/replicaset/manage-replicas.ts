// Creating and deleting pods for a ReplicaSet (upstream manageReplicas):
// too few pods → create the difference (at most burstReplicas per sync) in
// slow-start batches from the template; too many → delete the best
// candidates (pod-ranking.ts). Expectations are raised before the calls and
// lowered for calls that did not happen or failed, so the next sync waits
// only for what the informer will really see. Events as upstream records
// them: SuccessfulCreate "Created pod: x", FailedCreate "Error creating: …",
// SuccessfulDelete "Deleted pod: x", FailedDelete "Error deleting: …".
import { controllerRef, deepCopy, objectKey, type Pod, type ReplicaSet } from '@k8ts/api';
import { isNotFound } from '@k8ts/apimachinery';
import type { EventObject, PodClient } from '@k8ts/client';
import type { ControllerExpectations } from './controller-expectations';
import { getPodsToDelete } from './pod-ranking';
import type { ManageReplicasError } from './replicaset-status';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from './slow-start';

export const BURST_REPLICAS = 500;

export interface EventSinkLike {
  event(obj: EventObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ManageReplicasDeps {
  pods: Pick<PodClient, 'create' | 'delete'>;
  expectations: ControllerExpectations;
  recorder: EventSinkLike;
  now: Date;
  burstReplicas?: number;
}

/** The pod a ReplicaSet creates: its template, generateName "<rs>-", the ReplicaSet as controller. */
export function newPodFromTemplate(rs: ReplicaSet): Pod {
  const t = rs.spec?.template ?? {};
  const meta = t.metadata ?? {};
  return {
    metadata: {
      generateName: `${rs.metadata?.name}-`,
      namespace: rs.metadata?.namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers?.length ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: deepCopy(t.spec ?? {}),
  };
}

export function rsEventObject(rs: ReplicaSet): EventObject {
  return { metadata: rs.metadata, kind: 'ReplicaSet', apiVersion: 'apps/v1' };
}

/**
 * Creates or deletes pods so that `pods` (the active pods the ReplicaSet
 * owns) reaches spec.replicas. `related` are the pods of sibling
 * ReplicaSets (same controller), used to rank pods doubled up on a node.
 * Returns the failure (for the ReplicaFailure condition), if any.
 */
export async function manageReplicas(rs: ReplicaSet, key: string, pods: Pod[], related: Pod[], deps: ManageReplicasDeps): Promise<ManageReplicasError | undefined> {
  const burst = deps.burstReplicas ?? BURST_REPLICAS;
  const diff = pods.length - (rs.spec?.replicas ?? 1);
  const ref = rsEventObject(rs);
  if (diff < 0) {
    const count = Math.min(-diff, burst);
    deps.expectations.expectCreations(key, count);
    const template = newPodFromTemplate(rs);
    const { successes, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH_SIZE, async () => {
      try {
        const created = await deps.pods.create(deepCopy(template));
        deps.recorder.event(ref, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      } catch (err) {
        deps.recorder.event(ref, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
        throw err;
      }
    });
    // Pods never created will not be observed: stop expecting them.
    for (let i = successes; i < count; i++) deps.expectations.creationObserved(key);
    return error === undefined ? undefined : { diff, message: errorMessage(error) };
  }
  if (diff > 0) {
    const count = Math.min(diff, burst);
    const victims = getPodsToDelete(pods, related, count, deps.now);
    deps.expectations.expectDeletions(key, victims.map((p) => objectKey(p)));
    const errors: unknown[] = [];
    await Promise.all(
      victims.map(async (pod) => {
        const name = pod.metadata?.name ?? '';
        try {
          await deps.pods.delete(pod.metadata?.namespace, name);
          deps.recorder.event(ref, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        } catch (err) {
          // The informer will not see this deletion (or saw it already).
          deps.expectations.deletionObserved(key, objectKey(pod));
          if (isNotFound(err)) return;
          deps.recorder.event(ref, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
          errors.push(err);
        }
      }),
    );
    return errors.length === 0 ? undefined : { diff, message: errorMessage(errors[0]) };
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
