// ReplicaSet validation: spec on create and update (selector immutable in
// apps/v1) and the replica counts of a status write.
import type { ReplicaSet, ReplicaSetStatus } from '@k8ts/api';
import { type FieldError, type FieldPath, invalid, path, validateImmutableField, validateNonnegativeField } from '@k8ts/apimachinery';
import { CANNOT_EXCEED_REPLICAS, validateReplicatedSpec } from '../podtemplate/replicated';

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  return validateReplicatedSpec(rs.spec, path('spec'), 'ReplicaSet');
}

export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [
    ...validateReplicaSet(rs),
    ...validateImmutableField(rs.spec?.selector, old.spec?.selector, path('spec', 'selector')),
  ];
}

export function validateReplicaSetStatus(status: ReplicaSetStatus | undefined, p: FieldPath): FieldError[] {
  const s = status ?? {};
  const replicas = s.replicas ?? 0;
  const fullyLabeled = s.fullyLabeledReplicas ?? 0;
  const ready = s.readyReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const errs: FieldError[] = [
    ...validateNonnegativeField(replicas, p.child('replicas')),
    ...validateNonnegativeField(fullyLabeled, p.child('fullyLabeledReplicas')),
    ...validateNonnegativeField(ready, p.child('readyReplicas')),
    ...validateNonnegativeField(available, p.child('availableReplicas')),
    ...validateNonnegativeField(s.observedGeneration ?? 0, p.child('observedGeneration')),
  ];
  if (s.terminatingReplicas !== undefined) errs.push(...validateNonnegativeField(s.terminatingReplicas, p.child('terminatingReplicas')));
  if (fullyLabeled > replicas) errs.push(invalid(p.child('fullyLabeledReplicas'), fullyLabeled, CANNOT_EXCEED_REPLICAS));
  if (ready > replicas) errs.push(invalid(p.child('readyReplicas'), ready, CANNOT_EXCEED_REPLICAS));
  if (available > replicas) errs.push(invalid(p.child('availableReplicas'), available, CANNOT_EXCEED_REPLICAS));
  if (available > ready) errs.push(invalid(p.child('availableReplicas'), available, 'cannot be greater than readyReplicas'));
  return errs;
}
