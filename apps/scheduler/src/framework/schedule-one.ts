// The scheduling algorithm for one pod (upstream schedulePod): preFilter,
// filter every node, score the feasible ones, pick the best. Pure: it reads a
// Snapshot and returns a result; queueing, assuming, binding and events come
// with the informer wiring.
//
// Unlike upstream, every node is evaluated (upstream may stop after
// percentageOfNodesToScore of a large cluster); k8ts clusters are small.

import type { Pod } from '@k8ts/api';
import { Profile } from './profile';
import {
  CycleState,
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  NodeInfo,
  NodeScore,
  Snapshot,
  Status,
  isRejected,
  statusMessage,
  withPlugin,
} from './types';

/** Message when the cluster has no nodes (upstream ErrNoNodesAvailable). */
export const NO_NODES_AVAILABLE_MSG = 'no nodes available to schedule pods';

/** A node's final score: the weighted sum over score plugins. */
export interface NodePluginScores {
  readonly name: string;
  readonly totalScore: number;
  /** Plugin name → score after normalization, before weighting. */
  readonly scores: ReadonlyMap<string, number>;
}

export interface ScheduleSuccess {
  readonly nodeName: string;
  /** Nodes run through the filters. */
  readonly evaluatedNodes: number;
  /** Nodes that passed every filter. */
  readonly feasibleNodes: number;
  /** Scores of the feasible nodes, best first (empty when only one node was feasible: scoring is skipped). */
  readonly scores: readonly NodePluginScores[];
}

export interface ScheduleFailure {
  readonly unschedulable: true;
  /** Upstream-style FitError message: `0/3 nodes are available: 1 …, 2 ….` */
  readonly message: string;
  /** Reason → number of nodes that gave it. */
  readonly reasons: ReadonlyMap<string, number>;
  /** Node name → the first failing filter's status (empty when preFilter rejected the pod). */
  readonly nodeStatuses: ReadonlyMap<string, Status>;
  /** Set when a preFilter plugin rejected the pod for every node. */
  readonly preFilterStatus?: Status;
}

export interface ScheduleError {
  readonly error: true;
  readonly message: string;
  readonly plugin?: string;
}

export type ScheduleResult = ScheduleSuccess | ScheduleFailure | ScheduleError;

export function isScheduled(r: ScheduleResult): r is ScheduleSuccess {
  return 'nodeName' in r;
}

export function isUnschedulable(r: ScheduleResult): r is ScheduleFailure {
  return 'unschedulable' in r;
}

export function isScheduleError(r: ScheduleResult): r is ScheduleError {
  return 'error' in r;
}

export interface ScheduleOptions {
  /**
   * Uniform random in [0, 1) used to break ties between equally scored nodes
   * (candidates are sorted by name, then one is picked at random, like
   * upstream's reservoir sampling). Defaults to Math.random; inject
   * {@link seededRandom} or a constant for deterministic tests.
   */
  random?: () => number;
  /** The cycle state to use (a fresh one by default). */
  state?: CycleState;
}

/** A small deterministic PRNG (mulberry32) for reproducible tie-breaking. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The FitError message: `0/N nodes are available: <count> <reason>, ….`,
 * the "count reason" strings sorted as strings, as upstream does (so counts
 * order before text). A preFilter rejection replaces the histogram with its
 * own message.
 */
export function fitErrorMessage(numAllNodes: number, reasons: ReadonlyMap<string, number>, preFilterMsg?: string): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg) return `${msg} ${preFilterMsg}.`;
  const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort(compareStrings);
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  return msg;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorResult(s: Status, plugin: string): ScheduleError {
  return { error: true, message: `running ${plugin}: ${statusMessage(s) || 'error'}`, plugin };
}

/** Decide where `pod` should run. Never throws for plugin outcomes: failures are results. */
export function schedulePod(profile: Profile, pod: Pod, snapshot: Snapshot, opts: ScheduleOptions = {}): ScheduleResult {
  const nodes = snapshot.nodeInfos;
  if (nodes.length === 0) {
    return { unschedulable: true, message: NO_NODES_AVAILABLE_MSG, reasons: new Map(), nodeStatuses: new Map() };
  }
  const state = opts.state ?? new CycleState();

  // PreFilter: precompute, Skip, or reject the pod for every node at once.
  for (const p of profile.preFilterPlugins) {
    const s = p.preFilter(state, pod, nodes);
    if (s.code === 'Skip') {
      state.skipFilterPlugins.add(p.name);
      continue;
    }
    if (s.code === 'Error') return errorResult(s, p.name);
    if (isRejected(s)) {
      const status = withPlugin(s, p.name);
      const reasons = new Map(s.reasons.map((r) => [r, nodes.length] as const));
      return {
        unschedulable: true,
        message: fitErrorMessage(nodes.length, reasons, statusMessage(s)),
        reasons,
        nodeStatuses: new Map(),
        preFilterStatus: status,
      };
    }
  }

  // Filter: the first failing filter decides a node's status.
  const feasible: NodeInfo[] = [];
  const nodeStatuses = new Map<string, Status>();
  for (const ni of nodes) {
    let rejected: Status | undefined;
    for (const p of profile.filterPlugins) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const s = p.filter(state, pod, ni);
      if (s.code === 'Success' || s.code === 'Skip') continue;
      if (s.code === 'Error') return errorResult(s, p.name);
      rejected = withPlugin(s, p.name);
      break;
    }
    if (rejected) nodeStatuses.set(ni.name, rejected);
    else feasible.push(ni);
  }

  if (feasible.length === 0) {
    const reasons = new Map<string, number>();
    for (const s of nodeStatuses.values()) for (const r of s.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    return { unschedulable: true, message: fitErrorMessage(nodes.length, reasons), reasons, nodeStatuses };
  }
  if (feasible.length === 1) {
    return { nodeName: feasible[0].name, evaluatedNodes: nodes.length, feasibleNodes: 1, scores: [] };
  }

  const scored = scoreNodes(profile, state, pod, feasible);
  if ('error' in scored) return scored;
  return {
    nodeName: selectHost(scored, opts.random ?? Math.random),
    evaluatedNodes: nodes.length,
    feasibleNodes: feasible.length,
    scores: [...scored].sort((a, b) => b.totalScore - a.totalScore || compareStrings(a.name, b.name)),
  };
}

/** PreScore, Score, NormalizeScore and weighting over the feasible nodes. */
export function scoreNodes(
  profile: Profile,
  state: CycleState,
  pod: Pod,
  nodes: readonly NodeInfo[],
): NodePluginScores[] | ScheduleError {
  for (const p of profile.preScorePlugins) {
    const s = p.preScore(state, pod, nodes);
    if (s.code === 'Skip') state.skipScorePlugins.add(p.name);
    else if (s.code !== 'Success') return errorResult(s, p.name);
  }

  const totals = nodes.map(() => 0);
  const perPlugin = nodes.map(() => new Map<string, number>());
  for (const { plugin, weight } of profile.scorePlugins) {
    if (state.skipScorePlugins.has(plugin.name)) continue;
    const scores: NodeScore[] = nodes.map((ni) => ({ name: ni.name, score: plugin.score(state, pod, ni) }));
    plugin.normalize?.(scores, state, pod);
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i].score;
      if (!Number.isFinite(s) || s < MIN_NODE_SCORE || s > MAX_NODE_SCORE) {
        return {
          error: true,
          message: `plugin ${plugin.name} returned an invalid score ${s} for node ${scores[i].name}, it should be in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`,
          plugin: plugin.name,
        };
      }
      perPlugin[i].set(plugin.name, s);
      totals[i] += s * weight;
    }
  }
  return nodes.map((ni, i) => ({ name: ni.name, totalScore: totals[i], scores: perPlugin[i] }));
}

/** The best-scored node; ties are broken by `random` over the tied nodes sorted by name. */
export function selectHost(scores: readonly NodePluginScores[], random: () => number): string {
  let best = -Infinity;
  for (const s of scores) best = Math.max(best, s.totalScore);
  const tied = scores
    .filter((s) => s.totalScore === best)
    .map((s) => s.name)
    .sort(compareStrings);
  const i = Math.min(tied.length - 1, Math.max(0, Math.floor(random() * tied.length)));
  return tied[i];
}
