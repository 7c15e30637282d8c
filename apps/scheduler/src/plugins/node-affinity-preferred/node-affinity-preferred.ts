// NodeAffinityPreferred score (the scoring half of upstream's NodeAffinity
// plugin): a node scores the sum of the weights of the pod's
// preferredDuringSchedulingIgnoredDuringExecution terms it matches; scores
// are then scaled so that the best node gets 100. Pods without preferred
// terms Skip the plugin.

import type { Pod } from '@k8ts/api';
import { defaultNormalizeScore } from '../../framework/normalize';
import { PreferredSchedulingTerms } from '../../framework/node-selector';
import {
  CycleState,
  NodeInfo,
  NodeScore,
  PreScorePlugin,
  ScorePlugin,
  Status,
  skip,
  stateKey,
  success,
} from '../../framework/types';

export const name = 'NodeAffinityPreferred';

const PRE_SCORE_KEY = stateKey<PreferredSchedulingTerms>('PreScore' + name);

function preferredTerms(pod: Pod): PreferredSchedulingTerms {
  return new PreferredSchedulingTerms(pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
}

export class NodeAffinityPreferred implements PreScorePlugin, ScorePlugin {
  readonly name = name;

  preScore(state: CycleState, pod: Pod): Status {
    const terms = preferredTerms(pod);
    if (terms.empty) return skip();
    state.write(PRE_SCORE_KEY, terms);
    return success();
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    return (state.read(PRE_SCORE_KEY) ?? preferredTerms(pod)).score(nodeInfo.node);
  }

  normalize(scores: NodeScore[]): void {
    defaultNormalizeScore(scores, false);
  }
}
