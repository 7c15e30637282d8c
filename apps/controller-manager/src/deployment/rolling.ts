// The RollingUpdate strategy (upstream rolling.go): scale the new
// ReplicaSet up within maxSurge, scale old ones down within maxUnavailable
// (unhealthy old pods first), clean up history once complete.
import type { ReplicaSet } from '@k8ts/api';
import { deploymentComplete } from './deployment-conditions';
import { defined, type DeploymentSync } from './deployment-sync';
import { activeReplicaSets, byCreationTimestamp, maxUnavailable, newRSNewReplicas, replicas, sumReplicas, sumStatus } from './deployment-util';

export async function rolloutRolling(s: DeploymentSync, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(rsList, true);
  if (!newRS) throw new Error(`deployment ${s.key}: no new replica set`);
  const allRSs = [...oldRSs, newRS];

  if (await reconcileNewReplicaSet(s, allRSs, newRS)) {
    await s.syncRolloutStatus(allRSs, newRS);
    return;
  }
  if (await reconcileOldReplicaSets(s, allRSs, activeReplicaSets(oldRSs), newRS)) {
    await s.syncRolloutStatus(allRSs, newRS);
    return;
  }
  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanupDeployment(oldRSs);
  await s.syncRolloutStatus(allRSs, newRS);
}

/** Scales the new ReplicaSet towards spec.replicas as far as maxSurge allows; true when it scaled. */
export async function reconcileNewReplicaSet(s: DeploymentSync, allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const want = replicas(s.d);
  if (replicas(newRS) === want) return false;
  if (replicas(newRS) > want) return (await s.scaleReplicaSetAndRecordEvent(newRS, want)).scaled;
  return (await s.scaleReplicaSetAndRecordEvent(newRS, newRSNewReplicas(s.d, allRSs, newRS))).scaled;
}

/**
 * How many old pods may go now (upstream reconcileOldReplicaSets): never
 * fewer than spec.replicas - maxUnavailable available pods, counting the new
 * ReplicaSet's unavailable pods against the budget.
 */
export function maxScaledDown(allRSs: ReplicaSet[], newRS: ReplicaSet, want: number, maxUnavail: number): number {
  const minAvailable = want - maxUnavail;
  const newUnavailable = replicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  return sumReplicas(allRSs) - minAvailable - newUnavailable;
}

export async function reconcileOldReplicaSets(s: DeploymentSync, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (sumReplicas(oldRSs) === 0) return false;
  const budget = maxScaledDown(allRSs, newRS, replicas(s.d), maxUnavailable(s.d));
  if (budget <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(s, oldRSs, budget);
  const scaled = await scaleDownOldReplicaSetsForRollingUpdate(s, defined([...cleaned.oldRSs, newRS]), cleaned.oldRSs);
  return cleaned.count + scaled > 0;
}

/** Old ReplicaSets with unavailable pods lose those first (oldest first), up to max. */
export async function cleanupUnhealthyReplicas(s: DeploymentSync, oldRSs: ReplicaSet[], max: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreationTimestamp);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= max) break;
    const rs = sorted[i] as ReplicaSet;
    const unhealthy = replicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (replicas(rs) === 0 || unhealthy <= 0) continue;
    const down = Math.min(max - total, unhealthy);
    const { rs: updated } = await s.scaleReplicaSetAndRecordEvent(rs, replicas(rs) - down);
    sorted[i] = updated;
    total += down;
  }
  return { oldRSs: sorted, count: total };
}

/** Scales old ReplicaSets down (oldest first) while more than spec.replicas - maxUnavailable pods are available. */
export async function scaleDownOldReplicaSetsForRollingUpdate(s: DeploymentSync, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = replicas(s.d) - maxUnavailable(s.d);
  const available = sumStatus(allRSs, 'availableReplicas');
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (total >= budget) break;
    if (replicas(rs) === 0) continue;
    const down = Math.min(replicas(rs), budget - total);
    await s.scaleReplicaSetAndRecordEvent(rs, replicas(rs) - down);
    total += down;
  }
  return total;
}
