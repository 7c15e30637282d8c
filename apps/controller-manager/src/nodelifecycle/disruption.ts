// Disruption states (upstream handleDisruption / ComputeZoneState), over
// the whole cluster as one zone: when every node is not ready the
// controller is more likely cut off itself than every kubelet dead, so it
// stops tainting and evicting ("master disruption mode") and lifts its
// NoExecute taints; when more than two nodes and at least the unhealthy
// threshold of them are not ready, a small cluster gets no new NoExecute
// taints (upstream's reduced eviction rate is 0 up to 50 nodes).
import type { Node } from '@k8ts/api';
import { readyConditionOf } from './node-health';

export type DisruptionState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** Upstream --unhealthy-zone-threshold default. */
export const UNHEALTHY_ZONE_THRESHOLD = 0.55;

export function computeDisruptionState(nodes: readonly Node[], threshold = UNHEALTHY_ZONE_THRESHOLD): { state: DisruptionState; ready: number; notReady: number } {
  let ready = 0;
  let notReady = 0;
  for (const n of nodes) {
    if (readyConditionOf(n)?.status === 'True') ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return { state: 'FullDisruption', ready, notReady };
  if (notReady > 2 && notReady / (ready + notReady) >= threshold) return { state: 'PartialDisruption', ready, notReady };
  return { state: 'Normal', ready, notReady };
}
