// Pod predicates shared by the ReplicaSet and Deployment controllers, with
// upstream semantics (pkg/api/v1/pod and pkg/controller).
import type { Pod, PodCondition } from '@k8ts/api';

/** Counts towards replicas: not Succeeded or Failed, and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** When the pod last became Ready (undefined when not ready or unknown). */
export function podReadySince(pod: Pod): Date | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/**
 * Ready for at least minReadySeconds at `now` (upstream IsPodAvailable): with
 * minReadySeconds 0 any ready pod is available; otherwise the Ready
 * condition's lastTransitionTime must be that long ago.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since.getTime() + minReadySeconds * 1000 < now.getTime();
}

/** Milliseconds until a ready pod becomes available (0 when it is, undefined when not ready). */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, now: Date): number | undefined {
  if (!isPodReady(pod)) return undefined;
  if (isPodAvailable(pod, minReadySeconds, now)) return 0;
  const since = podReadySince(pod) ?? now;
  return Math.max(0, since.getTime() + minReadySeconds * 1000 - now.getTime()) + 1;
}

/** Highest restart count of the pod's containers. */
export function maxContainerRestarts(pod: Pod): number {
  let max = 0;
  for (const s of pod.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount ?? 0);
  return max;
}
