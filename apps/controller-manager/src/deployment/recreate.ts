// The Recreate strategy (upstream recreate.go): scale every old ReplicaSet
// to 0, wait until none of their pods is left running, then create / scale
// up the new ReplicaSet.
import type { Pod, ReplicaSet } from '@k8ts/api';
import { deploymentComplete } from './deployment-conditions';
import { defined, type DeploymentSync } from './deployment-sync';
import { activeReplicaSets, replicas, sumStatus } from './deployment-util';

/** Pods by the uid of their controlling ReplicaSet. */
export type PodMap = Map<string, Pod[]>;

export async function rolloutRecreate(s: DeploymentSync, rsList: ReplicaSet[], podMap: PodMap): Promise<void> {
  let { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(rsList, false);
  let allRSs = defined([...oldRSs, newRS]);

  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) if ((await s.scaleReplicaSetAndRecordEvent(rs, 0)).scaled) scaledDown = true;
  if (scaledDown) {
    await s.syncRolloutStatus(allRSs, newRS);
    return;
  }
  if (oldPodsRunning(newRS, oldRSs, podMap)) {
    await s.syncRolloutStatus(allRSs, newRS);
    return;
  }
  if (!newRS) {
    ({ newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(rsList, true));
    allRSs = defined([...oldRSs, newRS]);
  }
  if (newRS) await s.scaleReplicaSetAndRecordEvent(newRS, replicas(s.d));
  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanupDeployment(oldRSs);
  await s.syncRolloutStatus(allRSs, newRS);
}

/** Old ReplicaSets still report pods, or a pod of theirs is not finished. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (sumStatus(oldRSs, 'replicas') > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}
