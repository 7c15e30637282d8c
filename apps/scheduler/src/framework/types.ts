// Scheduling framework contracts: plugin statuses, per-cycle state and the
// plugin interfaces (the subset of upstream kube-scheduler's framework that
// k8ts needs). Plugins return Status values and never throw.

import type { Pod } from '@k8ts/api';
import type { NodeInfo } from './node-info';

export type { NodeInfo, Snapshot } from './node-info';
export { newNodeInfo, newSnapshot, snapshotFromNodeInfos } from './node-info';

/** Highest score a plugin may give a node (after normalization). */
export const MAX_NODE_SCORE = 100;
/** Lowest score a plugin may give a node (after normalization). */
export const MIN_NODE_SCORE = 0;

/**
 * Outcome of a plugin call, as upstream's framework.Code:
 * - Success: the node fits / the step passed;
 * - Unschedulable: the pod does not fit now, but might after preemption;
 * - UnschedulableAndUnresolvable: the pod does not fit and preemption cannot help;
 * - Error: an internal error; the scheduling attempt is aborted;
 * - Skip: only from preFilter/preScore: the plugin has nothing to do for this
 *   pod, so its filter/score is not run (upstream `Skip`).
 */
export type StatusCode = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip';

export interface Status {
  readonly code: StatusCode;
  /** Human-readable reasons; they key the "0/N nodes are available" histogram. */
  readonly reasons: readonly string[];
  /** The plugin that produced the status (set by the framework). */
  readonly plugin?: string;
}

const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: Object.freeze([]) as readonly string[] });
const SKIP: Status = Object.freeze({ code: 'Skip', reasons: Object.freeze([]) as readonly string[] });

export function success(): Status {
  return SUCCESS;
}

export function skip(): Status {
  return SKIP;
}

export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons };
}

export function unschedulableAndUnresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}

export function errorStatus(message: string): Status {
  return { code: 'Error', reasons: [message] };
}

export function isSuccess(s: Status): boolean {
  return s.code === 'Success';
}

/** Unschedulable or UnschedulableAndUnresolvable. */
export function isRejected(s: Status): boolean {
  return s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';
}

/** The status with `plugin` set (statuses are immutable values). */
export function withPlugin(s: Status, plugin: string): Status {
  return s.plugin === plugin ? s : { ...s, plugin };
}

/** Reasons joined as upstream's Status.Message(). */
export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}

/** A typed key into CycleState. The type parameter is only for the compiler. */
export interface StateKey<T> {
  readonly name: string;
  /** Phantom field: never set, only carries T. */
  readonly __type?: T;
}

export function stateKey<T>(name: string): StateKey<T> {
  return { name };
}

/**
 * Data shared by the plugins during one scheduling attempt of one pod
 * (upstream CycleState): preFilter/preScore write what filter/score read.
 */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Filter plugins whose preFilter returned Skip. */
  readonly skipFilterPlugins = new Set<string>();
  /** Score plugins whose preScore returned Skip. */
  readonly skipScorePlugins = new Set<string>();

  read<T>(key: StateKey<T>): T | undefined {
    return this.data.get(key.name) as T | undefined;
  }

  write<T>(key: StateKey<T>, value: T): void {
    this.data.set(key.name, value);
  }

  delete(key: StateKey<unknown>): void {
    this.data.delete(key.name);
  }

  /** A shallow copy (values are shared, as upstream's Clone of immutable state). */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v);
    for (const p of this.skipFilterPlugins) c.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) c.skipScorePlugins.add(p);
    return c;
  }
}

export interface Plugin {
  readonly name: string;
}

/**
 * Runs once per scheduling attempt before any filter. It may precompute
 * state, Skip (the plugin's filter is then not run), or reject the pod for
 * every node at once.
 */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status;
}

/** Decides whether the pod can run on one node. */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
}

/** Runs once before scoring with the feasible nodes; may Skip the plugin's score. */
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status;
}

/** A node's score from one plugin. */
export interface NodeScore {
  readonly name: string;
  score: number;
}

/**
 * Ranks feasible nodes. `score` returns 0..100, or any non-negative raw value
 * when `normalize` is defined; `normalize` rewrites the scores in place so
 * that every score ends in 0..100.
 */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number;
  normalize?(scores: NodeScore[], state: CycleState, pod: Pod): void;
}

export function isPreFilterPlugin(p: Plugin): p is PreFilterPlugin {
  return typeof (p as Partial<PreFilterPlugin>).preFilter === 'function';
}

export function isPreScorePlugin(p: Plugin): p is PreScorePlugin {
  return typeof (p as Partial<PreScorePlugin>).preScore === 'function';
}
