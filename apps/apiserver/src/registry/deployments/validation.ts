// Deployment validation: the replicated spec shared with ReplicaSets, the
// rollout strategy and its limits, and status writes.
import { type Deployment, type DeploymentStatus, type DeploymentStrategy, type IntOrString, intOrStringValue } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
  isValidPercent,
  notSupported,
  path,
  required,
  validateImmutableField,
  validateNonnegativeField,
} from '@k8ts/apimachinery';
import { CANNOT_EXCEED_REPLICAS, validateReplicatedSpec } from '../podtemplate/replicated';

/** The percentage held by a valid "N%" value, else undefined. */
function percentOf(v: number | string): number | undefined {
  return typeof v === 'string' && isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : undefined;
}

/** The number an int-or-percent stands for when comparing with 0 (an invalid string counts as 0). */
function magnitude(v: number | string): number {
  if (typeof v === 'number') return v;
  const pct = percentOf(v);
  if (pct !== undefined) return pct;
  return /^-?\d+$/.test(v) ? Number(v) : 0;
}

/** A non-negative integer or a percentage string. */
export function validatePositiveIntOrPercent(value: IntOrString | undefined, p: FieldPath): FieldError[] {
  const v = intOrStringValue(value) ?? 0;
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(p, v, m));
  return validateNonnegativeField(v, p);
}

function validateRollingUpdate(ru: NonNullable<DeploymentStrategy['rollingUpdate']>, p: FieldPath): FieldError[] {
  const maxUnavailable = intOrStringValue(ru.maxUnavailable) ?? 0;
  const maxSurge = intOrStringValue(ru.maxSurge) ?? 0;
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')),
  ];
  if (magnitude(maxUnavailable) === 0 && magnitude(maxSurge) === 0) {
    errs.push(invalid(p.child('maxUnavailable'), maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  const pct = percentOf(maxUnavailable);
  if (pct !== undefined && pct > 100) errs.push(invalid(p.child('maxUnavailable'), maxUnavailable, 'must not be greater than 100%'));
  return errs;
}

export function validateDeploymentStrategy(strategy: DeploymentStrategy | undefined, p: FieldPath): FieldError[] {
  const type = strategy?.type ?? '';
  if (type === 'Recreate') {
    return strategy?.rollingUpdate ? [forbidden(p.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type === 'RollingUpdate') {
    if (!strategy?.rollingUpdate) return [required(p.child('rollingUpdate'), 'this should be defaulted and never be nil')];
    return validateRollingUpdate(strategy.rollingUpdate, p.child('rollingUpdate'));
  }
  return [notSupported(p, type, ['Recreate', 'RollingUpdate'])];
}

export function validateDeployment(d: Deployment): FieldError[] {
  const p = path('spec');
  const spec = d.spec ?? {};
  const errs = validateReplicatedSpec(spec, p, 'Deployment');
  errs.push(...validateDeploymentStrategy(spec.strategy, p.child('strategy')));
  if (spec.revisionHistoryLimit !== undefined) errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, p.child('revisionHistoryLimit')));
  const deadline = spec.progressDeadlineSeconds;
  if (deadline !== undefined) {
    errs.push(...validateNonnegativeField(deadline, p.child('progressDeadlineSeconds')));
    if (deadline <= (spec.minReadySeconds ?? 0)) errs.push(invalid(p.child('progressDeadlineSeconds'), deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [...validateDeployment(d), ...validateImmutableField(d.spec?.selector, old.spec?.selector, path('spec', 'selector'))];
}

export function validateDeploymentStatus(status: DeploymentStatus | undefined, p: FieldPath): FieldError[] {
  const s = status ?? {};
  const replicas = s.replicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  const ready = s.readyReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const errs: FieldError[] = [
    ...validateNonnegativeField(s.observedGeneration ?? 0, p.child('observedGeneration')),
    ...validateNonnegativeField(replicas, p.child('replicas')),
    ...validateNonnegativeField(updated, p.child('updatedReplicas')),
    ...validateNonnegativeField(ready, p.child('readyReplicas')),
    ...validateNonnegativeField(available, p.child('availableReplicas')),
    ...validateNonnegativeField(s.unavailableReplicas ?? 0, p.child('unavailableReplicas')),
  ];
  if (s.collisionCount !== undefined) errs.push(...validateNonnegativeField(s.collisionCount, p.child('collisionCount')));
  if (s.terminatingReplicas !== undefined) errs.push(...validateNonnegativeField(s.terminatingReplicas, p.child('terminatingReplicas')));
  if (updated > replicas) errs.push(invalid(p.child('updatedReplicas'), updated, CANNOT_EXCEED_REPLICAS));
  if (ready > replicas) errs.push(invalid(p.child('readyReplicas'), ready, CANNOT_EXCEED_REPLICAS));
  if (available > replicas) errs.push(invalid(p.child('availableReplicas'), available, CANNOT_EXCEED_REPLICAS));
  if (available > ready) errs.push(invalid(p.child('availableReplicas'), available, 'cannot be greater than readyReplicas'));
  return errs;
}

export function validateDeploymentStatusUpdate(d: Deployment, old: Deployment): FieldError[] {
  const p = path('status');
  const errs = validateDeploymentStatus(d.status, p);
  const next = d.status?.collisionCount;
  const prev = old.status?.collisionCount;
  if (prev !== undefined && (next === undefined || next < prev)) errs.push(invalid(p.child('collisionCount'), next ?? 0, 'cannot be decremented'));
  return errs;
}
