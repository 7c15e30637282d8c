// ReplicaSet status (upstream calculateStatus): counts over the pods the
// ReplicaSet owns (active ones), and the ReplicaFailure condition while
// creating or deleting pods fails.
import { timeFromDate, type Pod, type ReplicaSet, type ReplicaSetCondition, type ReplicaSetStatus } from '@k8ts/api';
import { selectorFromSet } from '@k8ts/apimachinery';
import { isPodAvailable, isPodReady } from './pod-helpers';

export const REPLICA_FAILURE = 'ReplicaFailure';

export interface ManageReplicasError {
  /** Negative: pods were being created; positive: deleted. */
  diff: number;
  message: string;
}

export function calculateReplicaSetStatus(rs: ReplicaSet, pods: Pod[], manageError: ManageReplicasError | undefined, now: Date): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.spec?.template?.metadata?.labels ?? {});
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata?.labels ?? {})) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  const status: ReplicaSetStatus = {
    ...rs.status,
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
  };
  const failure = rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const cond: ReplicaSetCondition = {
      type: REPLICA_FAILURE,
      status: 'True',
      reason: manageError.diff < 0 ? 'FailedCreate' : 'FailedDelete',
      message: manageError.message,
      lastTransitionTime: timeFromDate(now),
    };
    status.conditions = [...(rs.status?.conditions ?? []), cond];
  } else if (!manageError && failure) {
    const rest = (rs.status?.conditions ?? []).filter((c) => c.type !== REPLICA_FAILURE);
    status.conditions = rest.length > 0 ? rest : undefined;
  }
  return status;
}

/** The status fields the controller writes, as compared before an update. */
export function replicaSetStatusEqual(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  const n = (v: number | undefined) => v ?? 0;
  return (
    n(a?.replicas) === n(b.replicas) &&
    n(a?.fullyLabeledReplicas) === n(b.fullyLabeledReplicas) &&
    n(a?.readyReplicas) === n(b.readyReplicas) &&
    n(a?.availableReplicas) === n(b.availableReplicas) &&
    n(a?.observedGeneration) === n(b.observedGeneration) &&
    JSON.stringify(a?.conditions ?? []) === JSON.stringify(b.conditions ?? [])
  );
}
