// BalancedAllocation score (upstream NodeResourcesBalancedAllocation): favour
// nodes whose cpu and memory would be used in similar proportions once the
// pod is placed. Each resource's fraction is requested / allocatable (capped
// at 1, counting this pod; actual requests, no defaults); the score is
// (1 - standard deviation of the fractions) * 100, where for two resources
// the deviation is |f1 - f2| / 2. Best-effort pods (no requests for the
// scored resources) Skip this plugin, as upstream does, so they do not pile
// onto one node.

import type { Pod } from '@k8ts/api';
import { DEFAULT_SCORED_RESOURCES, Resource, ResourceSpec, podRequests, resourceAmount } from '../../framework/resources';
import {
  CycleState,
  MAX_NODE_SCORE,
  NodeInfo,
  PreScorePlugin,
  ScorePlugin,
  Status,
  skip,
  stateKey,
  success,
} from '../../framework/types';

export const name = 'NodeResourcesBalancedAllocation';

const PRE_SCORE_KEY = stateKey<Resource>('PreScore' + name);

/** (1 - std dev of requested/allocatable fractions) * 100; resources the node does not offer are left out. */
export function balancedResourceScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    fractions.push(Math.min(requested[i] / allocatable[i], 1));
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    const variance = fractions.reduce((a, f) => a + (f - mean) * (f - mean), 0) / fractions.length;
    std = Math.sqrt(variance);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = name;

  constructor(private readonly resources: readonly ResourceSpec[] = DEFAULT_SCORED_RESOURCES) {}

  preScore(state: CycleState, pod: Pod): Status {
    const request = podRequests(pod);
    if (this.resources.every((r) => resourceAmount(request, r.name) === 0)) return skip();
    state.write(PRE_SCORE_KEY, request);
    return success();
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const request = state.read(PRE_SCORE_KEY) ?? podRequests(pod);
    if (this.resources.every((r) => resourceAmount(request, r.name) === 0)) return 0;
    const requested = this.resources.map((r) => resourceAmount(nodeInfo.requested, r.name) + resourceAmount(request, r.name));
    const allocatable = this.resources.map((r) => resourceAmount(nodeInfo.allocatable, r.name));
    return balancedResourceScore(requested, allocatable);
  }
}
