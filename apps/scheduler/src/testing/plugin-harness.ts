// Run one plugin the way the framework does, for plugin table tests. Test-only.

import type { Pod } from '@k8ts/api';
import {
  CycleState,
  FilterPlugin,
  NodeInfo,
  NodeScore,
  ScorePlugin,
  Status,
  isPreFilterPlugin,
  isPreScorePlugin,
  success,
} from '../framework/types';

/** preFilter (if any) then filter on one node. A preFilter Skip means the filter does not run: Success. */
export function runFilter(plugin: FilterPlugin, pod: Pod, nodeInfo: NodeInfo): Status {
  const state = new CycleState();
  if (isPreFilterPlugin(plugin)) {
    const s = plugin.preFilter(state, pod, [nodeInfo]);
    if (s.code === 'Skip') return success();
    if (s.code !== 'Success') return s;
  }
  return plugin.filter(state, pod, nodeInfo);
}

/**
 * preScore (if any), score every node, normalize (if any). Returns node name →
 * final score, or 'skip' when preScore skipped the plugin.
 */
export function runScore(plugin: ScorePlugin, pod: Pod, nodeInfos: readonly NodeInfo[]): Record<string, number> | 'skip' {
  const state = new CycleState();
  if (isPreScorePlugin(plugin)) {
    const s = plugin.preScore(state, pod, nodeInfos);
    if (s.code === 'Skip') return 'skip';
    if (s.code !== 'Success') throw new Error(`preScore failed: ${s.reasons.join(', ')}`);
  }
  const scores: NodeScore[] = nodeInfos.map((ni) => ({ name: ni.name, score: plugin.score(state, pod, ni) }));
  plugin.normalize?.(scores, state, pod);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}
