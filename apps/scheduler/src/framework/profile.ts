// A scheduling profile: the filter plugins in the order they run and the
// weighted score plugins (upstream KubeSchedulerProfile, fixed in code for now).
//
// Default filter order follows upstream's default plugin order, with k8ts'
// NodeReady placed where upstream's readiness check happens (inside
// TaintToleration): NodeUnschedulable, NodeName, NodeReady, TaintToleration,
// NodeAffinity, NodePorts, NodeResourcesFit. Filters stop at the first
// failure per node, so the order decides which reason a node reports.
//
// Default score weights match upstream's defaults for the equivalent plugins:
//   NodeResourcesLeastAllocated     1  (upstream NodeResourcesFit, LeastAllocated strategy: 1)
//   NodeResourcesBalancedAllocation 1  (upstream: 1)
//   NodeAffinityPreferred           2  (upstream NodeAffinity: 2)
//   TaintTolerationPrefer           3  (upstream TaintToleration: 3)
//   SelectorSpread                  2  (upstream dropped SelectorSpread, whose last
//                                       default weight was 1, for PodTopologySpread
//                                       with system default constraints at weight 2;
//                                       SelectorSpread takes that slot here)
// Upstream also scores ImageLocality (1), InterPodAffinity (2) and
// VolumeBinding (1); k8ts has no such plugins yet.

import { BalancedAllocation } from '../plugins/balanced-allocation/balanced-allocation';
import { LeastAllocated } from '../plugins/least-allocated/least-allocated';
import { NodeAffinityPreferred } from '../plugins/node-affinity-preferred/node-affinity-preferred';
import { NodeAffinity } from '../plugins/node-affinity/node-affinity';
import { NodeName } from '../plugins/node-name/node-name';
import { NodePorts } from '../plugins/node-ports/node-ports';
import { NodeReady } from '../plugins/node-ready/node-ready';
import { NodeResourcesFit } from '../plugins/node-resources-fit/node-resources-fit';
import { NodeUnschedulable } from '../plugins/node-unschedulable/node-unschedulable';
import { SelectorSpread, SelectorsFor } from '../plugins/selector-spread/selector-spread';
import { TaintTolerationPrefer } from '../plugins/taint-toleration-prefer/taint-toleration-prefer';
import { TaintToleration } from '../plugins/taint-toleration/taint-toleration';
import { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, isPreFilterPlugin, isPreScorePlugin } from './types';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const DEFAULT_SCORE_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  NodeResourcesLeastAllocated: 1,
  NodeResourcesBalancedAllocation: 1,
  NodeAffinityPreferred: 2,
  TaintTolerationPrefer: 3,
  SelectorSpread: 2,
});

export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

export interface Profile {
  /** Pods whose spec.schedulerName equals this are scheduled with this profile. */
  readonly schedulerName: string;
  /** The filter plugins that also implement preFilter, in filter order. */
  readonly preFilterPlugins: readonly PreFilterPlugin[];
  readonly filterPlugins: readonly FilterPlugin[];
  /** The score plugins that also implement preScore, in score order. */
  readonly preScorePlugins: readonly PreScorePlugin[];
  readonly scorePlugins: readonly WeightedScorePlugin[];
}

export interface ProfileConfig {
  schedulerName?: string;
  filters: readonly FilterPlugin[];
  scores: readonly WeightedScorePlugin[];
}

/**
 * Assemble a profile. Throws on a configuration error (duplicate plugin
 * name, weight that is not a positive integer): profiles are built at start-up.
 */
export function newProfile(config: ProfileConfig): Profile {
  const seen = new Set<string>();
  for (const p of [...config.filters, ...config.scores.map((s) => s.plugin)]) {
    if (seen.has(p.name)) throw new Error(`scheduler profile: plugin ${p.name} is configured twice`);
    seen.add(p.name);
  }
  for (const { plugin, weight } of config.scores) {
    if (!Number.isInteger(weight) || weight <= 0) {
      throw new Error(`scheduler profile: score plugin ${plugin.name} needs a positive integer weight, got ${weight}`);
    }
  }
  return {
    schedulerName: config.schedulerName ?? DEFAULT_SCHEDULER_NAME,
    preFilterPlugins: config.filters.flatMap((p) => (isPreFilterPlugin(p) ? [p] : [])),
    filterPlugins: [...config.filters],
    preScorePlugins: config.scores.flatMap(({ plugin }) => (isPreScorePlugin(plugin) ? [plugin] : [])),
    scorePlugins: [...config.scores],
  };
}

export interface DefaultProfileOptions {
  schedulerName?: string;
  /**
   * Selectors grouping a pod with its siblings, for SelectorSpread (the
   * running scheduler backs it with the Service and ReplicaSet listers; see
   * Scheduler.selectorsFor). The default returns none, and SelectorSpread
   * Skips every pod.
   */
  selectorsFor?: SelectorsFor;
  /** Override score weights by plugin name. */
  weights?: Readonly<Record<string, number>>;
}

/** The default filters, in upstream order (see the file comment). */
export function defaultFilters(): FilterPlugin[] {
  return [
    new NodeUnschedulable(),
    new NodeName(),
    new NodeReady(),
    new TaintToleration(),
    new NodeAffinity(),
    new NodePorts(),
    new NodeResourcesFit(),
  ];
}

export function defaultProfile(opts: DefaultProfileOptions = {}): Profile {
  const scorePlugins: ScorePlugin[] = [
    new TaintTolerationPrefer(),
    new NodeAffinityPreferred(),
    new LeastAllocated(),
    new BalancedAllocation(),
    new SelectorSpread(opts.selectorsFor ?? (() => [])),
  ];
  const weights = { ...DEFAULT_SCORE_WEIGHTS, ...opts.weights };
  return newProfile({
    schedulerName: opts.schedulerName,
    filters: defaultFilters(),
    scores: scorePlugins.map((plugin) => ({ plugin, weight: weights[plugin.name] ?? 1 })),
  });
}
