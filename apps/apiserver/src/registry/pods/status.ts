// Helpers for pod status conditions.
import type { PodCondition, PodStatus } from '@k8ts/api';

export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];
export const CONDITION_STATUSES = ['True', 'False', 'Unknown'];
/** Condition types the system sets; other types must be qualified names. */
export const SYSTEM_POD_CONDITIONS: ReadonlySet<string> = new Set(['PodScheduled', 'Ready', 'Initialized']);

export function getPodCondition(status: PodStatus | undefined, type: string): PodCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Adds `condition`, or replaces the condition of the same type. The
 * transition time is `now` unless the status did not change, in which case
 * the previous transition time is kept. Returns true when anything changed.
 */
export function updatePodCondition(status: PodStatus, condition: PodCondition, now: string): boolean {
  const conditions = (status.conditions ??= []);
  const i = conditions.findIndex((c) => c.type === condition.type);
  const next: PodCondition = { ...condition, lastTransitionTime: now };
  if (i < 0) {
    conditions.push(next);
    return true;
  }
  const old = conditions[i];
  if (old.status === next.status) next.lastTransitionTime = old.lastTransitionTime;
  const same =
    old.status === next.status &&
    (old.reason ?? '') === (next.reason ?? '') &&
    (old.message ?? '') === (next.message ?? '') &&
    old.lastProbeTime === next.lastProbeTime &&
    old.lastTransitionTime === next.lastTransitionTime;
  conditions[i] = next;
  return !same;
}

/** Succeeded and Failed pods never run again. */
export function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}
