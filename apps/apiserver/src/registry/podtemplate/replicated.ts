// What ReplicaSets and Deployments share: a required, non-empty selector
// that matches the labels of a pod template whose pods always restart.
import type { LabelSelector, PodTemplateSpec } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  type Selector,
  forbidden,
  invalid,
  notSupported,
  required,
  selectorFromLabelSelector,
  validateLabelSelector,
  validateNonnegativeField,
} from '@k8ts/apimachinery';
import { validatePodTemplateSpec } from './validation';

/** The fields of ReplicaSetSpec and DeploymentSpec validated here. */
export interface ReplicatedSpec {
  replicas?: number | undefined;
  minReadySeconds?: number | undefined;
  selector?: LabelSelector | undefined;
  template?: PodTemplateSpec | undefined;
}

/** Template checks for a replicated workload (upstream ValidatePodTemplateSpecForReplicaSet). */
export function validateTemplateForSelector(template: PodTemplateSpec | undefined, selector: Selector, kind: string, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const labels = template?.metadata?.labels ?? {};
  if (!selector.empty() && !selector.matches(labels)) {
    errs.push(invalid(p.child('metadata', 'labels'), labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, p));
  const restartPolicy = template?.spec?.restartPolicy ?? '';
  if (restartPolicy !== 'Always') errs.push(notSupported(p.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (template?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden(p.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/**
 * replicas, selector and template of a ReplicaSet or Deployment spec.
 * `kind` names the resource in messages ("ReplicaSet", "Deployment").
 */
export function validateReplicatedSpec(spec: ReplicatedSpec | undefined, fldPath: FieldPath, kind: string): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(s.replicas ?? 0, fldPath.child('replicas')));
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, fldPath.child('minReadySeconds')));
  const selPath = fldPath.child('selector');
  if (!s.selector) {
    errs.push(required(selPath));
  } else {
    errs.push(...validateLabelSelector(s.selector, {}, selPath));
    if (Object.keys(s.selector.matchLabels ?? {}).length + (s.selector.matchExpressions ?? []).length === 0) {
      errs.push(invalid(selPath, s.selector, `empty selector is invalid for ${kind.toLowerCase()}`));
    }
  }
  let selector: Selector | undefined;
  try {
    selector = selectorFromLabelSelector(s.selector);
  } catch {
    errs.push(invalid(selPath, s.selector, 'invalid label selector'));
  }
  if (selector) errs.push(...validateTemplateForSelector(s.template, selector, kind, fldPath.child('template')));
  return errs;
}

export const CANNOT_EXCEED_REPLICAS = 'cannot be greater than status.replicas';
