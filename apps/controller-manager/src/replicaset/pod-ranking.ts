// Which surplus pods a ReplicaSet deletes first (upstream getPodsToDelete and
// ActivePodsWithRanks). Earlier in the order = deleted first:
//  1. unassigned before assigned (no spec.nodeName);
//  2. Pending before Unknown before Running;
//  3. not ready before ready;
//  4. lower controller.kubernetes.io/pod-deletion-cost first;
//  5. pods doubled up on a node (more related pods there) first;
//  6. both ready: ready for less time first, compared on a log2 scale of the
//     time since (LogarithmicScaleDown), ties broken by uid;
//  7. more container restarts first;
//  8. newer first (creationTimestamp, again on the log2 scale).
import type { Pod } from '@k8ts/api';
import { isPodActive, isPodReady, maxContainerRestarts, podReadySince } from './pod-helpers';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(pod: Pod): number {
  return PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 0;
}

function deletionCost(pod: Pod): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

function time(v: string | Date | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** floor(log2(now - t)) in nanoseconds, -1 when t is not in the past. */
function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/**
 * Negative when `a` goes first by time: the more recent one first; undefined
 * when no decision. An absent time counts as most recent.
 */
function compareTimes(a: number | undefined, b: number | undefined, now: number | undefined, uidA: string, uidB: string): number | undefined {
  if (a === b) return undefined;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (now === undefined) return a > b ? -1 : 1;
  const diff = logRank(a, now) - logRank(b, now);
  if (diff === 0) return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
  return diff;
}

export interface RankedPod {
  pod: Pod;
  /** Related active pods on the same node (doubled-up pods go first). */
  rank: number;
}

/** Compares two ranked pods: negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: RankedPod, b: RankedPod, now?: Date): number {
  const pa = a.pod;
  const pb = b.pod;
  const assignedA = !!pa.spec?.nodeName;
  const assignedB = !!pb.spec?.nodeName;
  if (assignedA !== assignedB) return assignedA ? 1 : -1;
  const phase = phaseOrdinal(pa) - phaseOrdinal(pb);
  if (phase !== 0) return phase;
  const readyA = isPodReady(pa);
  const readyB = isPodReady(pb);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const cost = deletionCost(pa) - deletionCost(pb);
  if (cost !== 0) return cost;
  if (a.rank !== b.rank) return b.rank - a.rank;
  const uidA = pa.metadata?.uid ?? '';
  const uidB = pb.metadata?.uid ?? '';
  const nowMs = now?.getTime();
  if (readyA && readyB) {
    const byReady = compareTimes(podReadySince(pa)?.getTime(), podReadySince(pb)?.getTime(), nowMs, uidA, uidB);
    if (byReady !== undefined) return byReady;
  }
  const restarts = maxContainerRestarts(pb) - maxContainerRestarts(pa);
  if (restarts !== 0) return restarts;
  const byAge = compareTimes(time(pa.metadata?.creationTimestamp), time(pb.metadata?.creationTimestamp), nowMs, uidA, uidB);
  return byAge ?? 0;
}

/** Each pod with the number of active related pods on its node (upstream getPodsRankedByRelatedPodsOnSameNode). */
export function rankByRelatedPodsOnSameNode(pods: Pod[], related: Pod[]): RankedPod[] {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node && isPodActive(p)) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  return pods.map((pod) => ({ pod, rank: pod.spec?.nodeName ? (perNode.get(pod.spec.nodeName) ?? 0) : 0 }));
}

/** The `diff` pods to delete from `pods`, best candidates first. */
export function getPodsToDelete(pods: Pod[], related: Pod[], diff: number, now?: Date): Pod[] {
  if (diff >= pods.length) return [...pods];
  const ranked = rankByRelatedPodsOnSameNode(pods, related);
  ranked.sort((a, b) => compareForDeletion(a, b, now));
  return ranked.slice(0, diff).map((r) => r.pod);
}
