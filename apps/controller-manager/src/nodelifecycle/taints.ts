// The taints a node's conditions call for (upstream processTaintBaseEviction
// for NoExecute and doNoScheduleTaintingPass for NoSchedule), and the
// node's taint list with exactly those of ours in it.
import { timeFromDate, type Node, type Taint } from '@k8ts/api';
import { readyConditionOf } from './node-health';
import {
  EFFECT_NO_EXECUTE,
  EFFECT_NO_SCHEDULE,
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
} from './well-known';

/** Every taint this controller owns (key + effect); others are never touched. */
const OWNED: ReadonlyArray<readonly [string, string]> = [
  [TAINT_NOT_READY, EFFECT_NO_EXECUTE],
  [TAINT_UNREACHABLE, EFFECT_NO_EXECUTE],
  [TAINT_NOT_READY, EFFECT_NO_SCHEDULE],
  [TAINT_UNREACHABLE, EFFECT_NO_SCHEDULE],
  [TAINT_MEMORY_PRESSURE, EFFECT_NO_SCHEDULE],
  [TAINT_DISK_PRESSURE, EFFECT_NO_SCHEDULE],
  [TAINT_PID_PRESSURE, EFFECT_NO_SCHEDULE],
  [TAINT_NETWORK_UNAVAILABLE, EFFECT_NO_SCHEDULE],
  [TAINT_UNSCHEDULABLE, EFFECT_NO_SCHEDULE],
];

const CONDITION_TAINTS: Record<string, string> = {
  MemoryPressure: TAINT_MEMORY_PRESSURE,
  DiskPressure: TAINT_DISK_PRESSURE,
  PIDPressure: TAINT_PID_PRESSURE,
  NetworkUnavailable: TAINT_NETWORK_UNAVAILABLE,
};

function owned(t: Taint): boolean {
  return OWNED.some(([key, effect]) => t.key === key && t.effect === effect);
}

function same(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

/** The taints (key + effect) the node's status and spec call for, among the ones we own. */
export function wantedTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  const ready = readyConditionOf(node)?.status;
  if (ready === 'False') out.push({ key: TAINT_NOT_READY, effect: EFFECT_NO_EXECUTE }, { key: TAINT_NOT_READY, effect: EFFECT_NO_SCHEDULE });
  if (ready === 'Unknown') out.push({ key: TAINT_UNREACHABLE, effect: EFFECT_NO_EXECUTE }, { key: TAINT_UNREACHABLE, effect: EFFECT_NO_SCHEDULE });
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type ?? ''];
    if (key && c.status === 'True') out.push({ key, effect: EFFECT_NO_SCHEDULE });
  }
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: EFFECT_NO_SCHEDULE });
  return out;
}

/**
 * How NoExecute taints are handled in a disruption (see disruption.ts):
 *  - apply: as the conditions call for (Normal);
 *  - hold: no new ones, existing ones stay until the node is Ready (PartialDisruption);
 *  - lift: none at all, existing ones removed (FullDisruption).
 */
export type NoExecuteMode = 'apply' | 'hold' | 'lift';

/**
 * The node's new taint list (others' taints kept, ours added or removed), or
 * undefined when nothing changes. NoExecute taints get timeAdded = now;
 * a node with no Ready condition yet is left as it is.
 */
export function reconcileTaints(node: Node, nowMs: number, noExecute: NoExecuteMode = 'apply'): Taint[] | undefined {
  if (!readyConditionOf(node)) return undefined;
  const current = node.spec?.taints ?? [];
  let wanted = wantedTaints(node);
  if (noExecute === 'lift') wanted = wanted.filter((t) => t.effect !== EFFECT_NO_EXECUTE);
  if (noExecute === 'hold') {
    // No new NoExecute taints; the ones already there stay (swaps included, as upstream's rate limiter holds them).
    wanted = wanted.filter((t) => t.effect !== EFFECT_NO_EXECUTE || current.some((c) => same(c, t)));
    for (const c of current) if (c.effect === EFFECT_NO_EXECUTE && owned(c) && !wanted.some((w) => same(w, c)) && readyConditionOf(node)?.status !== 'True') wanted.push(c);
  }
  const keep = current.filter((t) => !owned(t) || wanted.some((w) => same(w, t)));
  const add = wanted.filter((w) => !current.some((t) => same(w, t)));
  if (keep.length === current.length && add.length === 0) return undefined;
  const stamp = timeFromDate(nowMs);
  return [...keep, ...add.map((t) => (t.effect === EFFECT_NO_EXECUTE ? { ...t, timeAdded: stamp } : t))];
}

export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === EFFECT_NO_EXECUTE);
}
