// TaintTolerationPrefer score (the scoring half of upstream's TaintToleration
// plugin): count the node's PreferNoSchedule taints that the pod does not
// tolerate (only tolerations with an empty or PreferNoSchedule effect count);
// normalization reverses the scale, so the node with the fewest such taints
// gets 100, and every node gets 100 when none has any.

import type { Pod, Toleration } from '@k8ts/api';
import { defaultNormalizeScore } from '../../framework/normalize';
import { TAINT_EFFECT_PREFER_NO_SCHEDULE, tolerationsTolerateTaint } from '../../framework/taints';
import {
  CycleState,
  NodeInfo,
  NodeScore,
  PreScorePlugin,
  ScorePlugin,
  Status,
  stateKey,
  success,
} from '../../framework/types';

export const name = 'TaintTolerationPrefer';

const PRE_SCORE_KEY = stateKey<Toleration[]>('PreScore' + name);

/** Tolerations that can tolerate a PreferNoSchedule taint. */
export function preferNoScheduleTolerations(pod: Pod): Toleration[] {
  return (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === TAINT_EFFECT_PREFER_NO_SCHEDULE);
}

export class TaintTolerationPrefer implements PreScorePlugin, ScorePlugin {
  readonly name = name;

  preScore(state: CycleState, pod: Pod): Status {
    state.write(PRE_SCORE_KEY, preferNoScheduleTolerations(pod));
    return success();
  }

  /** Raw score: the number of intolerable PreferNoSchedule taints (lower is better). */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const tolerations = state.read(PRE_SCORE_KEY) ?? preferNoScheduleTolerations(pod);
    let n = 0;
    for (const taint of nodeInfo.node.spec?.taints ?? []) {
      if (taint.effect === TAINT_EFFECT_PREFER_NO_SCHEDULE && !tolerationsTolerateTaint(tolerations, taint)) n++;
    }
    return n;
  }

  normalize(scores: NodeScore[]): void {
    defaultNormalizeScore(scores, true);
  }
}
