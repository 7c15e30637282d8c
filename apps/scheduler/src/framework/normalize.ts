// Score normalization shared by score plugins (upstream helper.DefaultNormalizeScore).

import { MAX_NODE_SCORE, NodeScore } from './types';

/**
 * Scale raw scores to 0..maxPriority in place: score * maxPriority / max
 * (integer division, as upstream). With `reverse`, a higher raw score is
 * worse: maxPriority - scaled. When every raw score is 0, scores stay 0, or
 * all become maxPriority with `reverse`.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, maxPriority = MAX_NODE_SCORE): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    const scaled = Math.trunc((maxPriority * s.score) / max);
    s.score = reverse ? maxPriority - scaled : scaled;
  }
}
