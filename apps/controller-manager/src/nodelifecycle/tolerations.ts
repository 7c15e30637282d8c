// Taint eviction arithmetic (upstream NoExecuteTaintManager): which
// NoExecute taints a pod tolerates, and for how long.
//
// k8ts's apiserver has no DefaultTolerationSeconds admission plugin, so a
// pod that does not tolerate not-ready / unreachable NoExecute itself is
// treated as if it carried the tolerations that plugin would have added
// (tolerationSeconds = --default-{not-ready,unreachable}-toleration-seconds).
import type { Pod, Taint, Toleration } from '@k8ts/api';
import { EFFECT_NO_EXECUTE, TAINT_NOT_READY, TAINT_UNREACHABLE } from './well-known';

/** Upstream Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator || 'Equal';
  if (op === 'Exists') return true;
  if (!t.key) return false;
  return (t.value ?? '') === (taint.value ?? '');
}

export interface DefaultTolerationSeconds {
  notReady: number;
  unreachable: number;
}

/** The pod's tolerations plus the defaults the apiserver would have added. */
export function effectiveTolerations(pod: Pod, defaults: DefaultTolerationSeconds): Toleration[] {
  const own = pod.spec?.tolerations ?? [];
  const out = [...own];
  for (const [key, seconds] of [
    [TAINT_NOT_READY, defaults.notReady],
    [TAINT_UNREACHABLE, defaults.unreachable],
  ] as const) {
    const probe: Taint = { key, effect: EFFECT_NO_EXECUTE };
    if (!own.some((t) => toleratesTaint(t, probe))) out.push({ key, operator: 'Exists', effect: EFFECT_NO_EXECUTE, tolerationSeconds: seconds });
  }
  return out;
}

export type EvictionDecision =
  /** No NoExecute taint, or every one tolerated forever. */
  | { action: 'keep' }
  /** A taint is not tolerated, or the shortest toleration ran out. */
  | { action: 'evict'; taint: Taint }
  /** Tolerated until atMs. */
  | { action: 'wait'; atMs: number };

/**
 * What to do with a pod on a node with these NoExecute taints at nowMs. The
 * toleration clock of a taint starts at its timeAdded (now when unset); with
 * several taints the shortest toleration counts.
 */
export function evictionDecision(pod: Pod, taints: readonly Taint[], nowMs: number, defaults: DefaultTolerationSeconds): EvictionDecision {
  const noExecute = taints.filter((t) => t.effect === EFFECT_NO_EXECUTE);
  if (noExecute.length === 0) return { action: 'keep' };
  const tolerations = effectiveTolerations(pod, defaults);
  let earliest: { atMs: number; taint: Taint } | undefined;
  for (const taint of noExecute) {
    const matching = tolerations.filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return { action: 'evict', taint };
    // Several tolerations of one taint: the longest wins (no seconds = forever).
    if (matching.some((t) => t.tolerationSeconds === undefined)) continue;
    const seconds = Math.max(...matching.map((t) => Math.max(0, t.tolerationSeconds ?? 0)));
    const start = taint.timeAdded ? Date.parse(taint.timeAdded) : nowMs;
    const atMs = (Number.isNaN(start) ? nowMs : start) + seconds * 1000;
    if (!earliest || atMs < earliest.atMs) earliest = { atMs, taint };
  }
  if (!earliest) return { action: 'keep' };
  if (earliest.atMs <= nowMs) return { action: 'evict', taint: earliest.taint };
  return { action: 'wait', atMs: earliest.atMs };
}
