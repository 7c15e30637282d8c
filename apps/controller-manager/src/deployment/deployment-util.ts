// Deployment helpers (upstream pkg/controller/deployment/util): revisions and
// the annotations the controller keeps on ReplicaSets, maxSurge /
// maxUnavailable resolution, ReplicaSet sorting and counting, and the new /
// old ReplicaSet split.
import { intOrPercentValue, type Deployment, type ReplicaSet } from '@k8ts/api';
import { equalIgnoreHash } from './pod-template-hash';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** Longest revision-history annotation (characters). */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** Deployment annotations never copied onto its ReplicaSets. */
const SKIPPED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

export function replicas(obj: Deployment | ReplicaSet | undefined): number {
  return obj?.spec?.replicas ?? 0;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/**
 * maxSurge (rounded up) and maxUnavailable (rounded down) as numbers of
 * pods for `desired` replicas; when both come out 0, maxUnavailable is 1 so
 * the rollout can progress (upstream ResolveFenceposts).
 */
export function resolveFenceposts(d: Deployment, desired: number): { maxSurge: number; maxUnavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  const maxSurge = intOrPercentValue(ru?.maxSurge, desired, true);
  let maxUnavailable = intOrPercentValue(ru?.maxUnavailable, desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  return resolveFenceposts(d, replicas(d)).maxSurge;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || replicas(d) === 0) return 0;
  return Math.min(resolveFenceposts(d, replicas(d)).maxUnavailable, replicas(d));
}

// --- revisions ---

export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> | undefined } | undefined }): number {
  const v = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** Sets the Deployment's revision annotation; true when it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const meta = (d.metadata ??= {});
  if (meta.annotations?.[REVISION_ANNOTATION] === revision) return false;
  meta.annotations = { ...(meta.annotations ?? {}), [REVISION_ANNOTATION]: revision };
  return true;
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations;
  return a?.[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a?.[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** Sets desired-replicas and max-replicas on rs (a copy); true when either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const meta = (rs.metadata ??= {});
  const a = (meta.annotations = { ...(meta.annotations ?? {}) });
  let changed = false;
  for (const [k, v] of [
    [DESIRED_REPLICAS_ANNOTATION, String(desired)],
    [MAX_REPLICAS_ANNOTATION, String(max)],
  ]) {
    if (a[k] !== v) {
      a[k] = v;
      changed = true;
    }
  }
  return changed;
}

/** Copies the Deployment's annotations (but the controller's own) onto rs; true when any changed. */
export function copyDeploymentAnnotationsToReplicaSet(d: Deployment, rs: ReplicaSet): boolean {
  const meta = (rs.metadata ??= {});
  const a = (meta.annotations = { ...(meta.annotations ?? {}) });
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * Annotations of the new ReplicaSet (upstream SetNewReplicaSetAnnotations):
 * the Deployment's own, the revision (raised to newRevision, the old one
 * appended to revision-history when an old ReplicaSet becomes new again),
 * and for a ReplicaSet being created the replicas annotations. rs is a copy.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean, historyLimitChars = MAX_REV_HISTORY_LENGTH_IN_CHARS): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const a = (rs.metadata as { annotations: Record<string, string> }).annotations;
  const oldRevision = a[REVISION_ANNOTATION];
  if (oldRevision !== undefined && oldRevision !== '' && !/^\d+$/.test(oldRevision)) return false;
  if (!/^\d+$/.test(newRevision)) return false;
  const oldInt = oldRevision ? Number(oldRevision) : 0;
  if (oldInt < Number(newRevision)) {
    a[REVISION_ANNOTATION] = newRevision;
    changed = true;
    if (oldRevision !== undefined && oldRevision !== '') {
      const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
      if (history === '') a[REVISION_HISTORY_ANNOTATION] = oldRevision;
      else {
        const old = history.split(',');
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > historyLimitChars && start < old.length) {
          total -= (old[start] as string).length + 1;
          start++;
        }
        if (total <= historyLimitChars) a[REVISION_HISTORY_ANNOTATION] = [...old.slice(start), oldRevision].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) changed = true;
  return changed;
}

// --- sorting and counting ---

function created(rs: ReplicaSet): number {
  const t = Date.parse(rs.metadata?.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

function byName(a: ReplicaSet, b: ReplicaSet): number {
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Oldest first; ties by name. */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || byName(a, b);
}

/** Larger first; ties: older first. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return replicas(b) - replicas(a) || byCreationTimestamp(a, b);
}

/** Larger first; ties: newer first. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return replicas(b) - replicas(a) || byCreationTimestamp(b, a);
}

/** Lower revision first; ties by creation. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || byCreationTimestamp(a, b);
}

export function sumReplicas(rss: (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + replicas(rs), 0);
}

export function sumStatus(rss: (ReplicaSet | undefined)[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return rss.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);
}

export function activeReplicaSets(rss: (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && replicas(rs) > 0);
}

/** The ReplicaSet whose template is the Deployment's (the oldest such), if any. */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Old ReplicaSets: every one but the new (all), and those with replicas (withPods). */
export function findOldReplicaSets(d: Deployment, rss: ReplicaSet[]): { withPods: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rss);
  const all = rss.filter((rs) => !newRS || rs.metadata?.uid !== newRS.metadata?.uid);
  return { withPods: all.filter((rs) => replicas(rs) !== 0), all };
}

/**
 * One ReplicaSet that should get every replica: the only active one, or,
 * when none is active, the new one or else the newest old one; undefined
 * when several are active (upstream FindActiveOrLatest).
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sorted = [...oldRSs].sort(byCreationTimestamp).reverse();
  const all = newRS ? [newRS, ...sorted] : sorted;
  const active = activeReplicaSets(all);
  if (active.length === 0) return newRS ?? sorted[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** The new ReplicaSet has every replica, annotated so, and all available (upstream IsSaturated). */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  return replicas(rs) === replicas(d) && desired === replicas(d) && (rs.status?.availableReplicas ?? 0) === replicas(d);
}

/** Replicas of the new ReplicaSet allowed now (upstream NewRSNewReplicas). */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicas(d);
  const surge = intOrPercentValue(d.spec?.strategy?.rollingUpdate?.maxSurge, replicas(d), true);
  const current = sumReplicas(allRSs);
  const maxTotal = replicas(d) + surge;
  if (current >= maxTotal) return replicas(newRS);
  const up = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
  return replicas(newRS) + up;
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** rs's share of a proportional scale (upstream getReplicaSetFraction). */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (replicas(d) === 0) return -replicas(rs);
  const deploymentReplicas = replicas(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return roundHalfAway((replicas(rs) * deploymentReplicas) / annotated) - replicas(rs);
}

/** How many replicas rs gains (or loses) of toAdd, given `added` so far (upstream GetReplicaSetProportion). */
export function replicaSetProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || replicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
