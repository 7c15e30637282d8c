// LeastAllocated score (upstream NodeResourcesFit with the LeastAllocated
// scoring strategy): favour nodes with the most free capacity left once the
// pod is placed. Per resource: (allocatable - requested) * 100 / allocatable,
// where requested counts the node's pods and this pod, with upstream's
// defaults (100m cpu, 200Mi memory) for containers that request nothing, so
// best-effort pods still spread. The node score is the weighted mean;
// resources the node does not offer are left out.

import type { Pod } from '@k8ts/api';
import {
  DEFAULT_SCORED_RESOURCES,
  RESOURCE_CPU,
  RESOURCE_MEMORY,
  Resource,
  ResourceSpec,
  podRequests,
  resourceAmount,
} from '../../framework/resources';
import {
  CycleState,
  MAX_NODE_SCORE,
  NodeInfo,
  PreScorePlugin,
  ScorePlugin,
  Status,
  stateKey,
  success,
} from '../../framework/types';

export const name = 'NodeResourcesLeastAllocated';

const PRE_SCORE_KEY = stateKey<Resource>('PreScore' + name);

/** Score of one resource: the free share left, 0 when over-committed or not offered. */
export function leastRequestedScore(requested: number, allocatable: number): number {
  if (allocatable <= 0 || requested > allocatable) return 0;
  return Math.trunc(((allocatable - requested) * MAX_NODE_SCORE) / allocatable);
}

/** Node-side requested amount used for scoring: the defaulted (non-zero) sums for cpu and memory. */
function nodeRequestedForScoring(nodeInfo: NodeInfo, resource: string): number {
  if (resource === RESOURCE_CPU || resource === RESOURCE_MEMORY) return resourceAmount(nodeInfo.nonZeroRequested, resource);
  return resourceAmount(nodeInfo.requested, resource);
}

export class LeastAllocated implements PreScorePlugin, ScorePlugin {
  readonly name = name;

  constructor(private readonly resources: readonly ResourceSpec[] = DEFAULT_SCORED_RESOURCES) {}

  preScore(state: CycleState, pod: Pod): Status {
    state.write(PRE_SCORE_KEY, podRequests(pod, { nonMissingDefaults: true }));
    return success();
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const request = state.read(PRE_SCORE_KEY) ?? podRequests(pod, { nonMissingDefaults: true });
    let total = 0;
    let weights = 0;
    for (const r of this.resources) {
      const allocatable = resourceAmount(nodeInfo.allocatable, r.name);
      if (allocatable === 0) continue;
      const requested = nodeRequestedForScoring(nodeInfo, r.name) + resourceAmount(request, r.name);
      total += leastRequestedScore(requested, allocatable) * r.weight;
      weights += r.weight;
    }
    return weights === 0 ? 0 : Math.trunc(total / weights);
  }
}
