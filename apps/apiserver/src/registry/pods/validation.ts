// Pod validation on create, on update (spec is mostly immutable) and on
// status updates.
import type { Container, Pod, PodSpec, Toleration } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  inclusiveRangeError,
  invalid,
  path,
  required,
} from '@k8ts/apimachinery';
import { differingPaths, semanticallyEqual } from '../podtemplate/field-helpers';
import { MIRROR_POD_ANNOTATION, validatePodSpec, validatePodSpecificAnnotations } from '../podtemplate/validation';
import { validateTolerations } from '../podtemplate/scheduling';

const MAX_INT32 = 2147483647;

/** What a pod update may change, listed in the Forbidden message. */
export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateImages(containers: readonly Container[] | undefined, p: FieldPath): FieldError[] {
  return (containers ?? []).flatMap((c, i) => {
    const image = c.image ?? '';
    return image !== image.trim() ? [invalid(p.index(i).child('image'), image, 'must not have leading or trailing whitespace')] : [];
  });
}

/** A new pod: its spec, plus the checks that apply to pods but not to templates. */
export function validatePod(pod: Pod): FieldError[] {
  const spec = path('spec');
  return [
    ...validatePodSpecificAnnotations(pod.metadata?.annotations, pod.spec, path('metadata', 'annotations')),
    ...validatePodSpec(pod.spec, spec, { resourceIsPod: true }),
    ...validateImages(pod.spec?.containers, spec.child('containers')),
    ...validateImages(pod.spec?.initContainers, spec.child('initContainers')),
  ];
}

function validateMirrorAnnotationUnchanged(pod: Pod, old: Pod): FieldError[] {
  const before = old.metadata?.annotations?.[MIRROR_POD_ANNOTATION];
  const after = pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION];
  if (before === after) return [];
  const p = path('metadata', 'annotations').key(MIRROR_POD_ANNOTATION);
  if (before === undefined) return [forbidden(p, 'may not add mirror pod annotation')];
  return [forbidden(p, 'may not remove or update mirror pod annotation')];
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return semanticallyEqual({ ...a, tolerationSeconds: undefined }, { ...b, tolerationSeconds: undefined });
}

/** Every existing toleration must still be there (only its tolerationSeconds may change). */
function validateOnlyAddedTolerations(next: readonly Toleration[], prev: readonly Toleration[], p: FieldPath): FieldError[] {
  if (prev.some((old) => !next.some((t) => sameToleration(old, t)))) {
    return [forbidden(p, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, p);
}

function validateActiveDeadlineUpdate(next: number | undefined, prev: number | undefined, p: FieldPath): FieldError[] {
  if (next === undefined) return prev === undefined ? [] : [invalid(p, null, 'must not update from a positive integer to nil value')];
  if (next < 0 || next > MAX_INT32) return [invalid(p, next, inclusiveRangeError(0, MAX_INT32))];
  if (prev !== undefined && next > prev) return [invalid(p, next, 'must be less than or equal to previous value')];
  return [];
}

/** The old spec with the fields an update may change taken from the new one. */
function withUpdatableFields(next: PodSpec, prev: PodSpec): PodSpec {
  const merged: PodSpec = structuredClone(next);
  merged.containers = next.containers?.map((c, i) => ({ ...c, image: prev.containers?.[i]?.image }));
  merged.initContainers = next.initContainers?.map((c, i) => ({ ...c, image: prev.initContainers?.[i]?.image }));
  merged.activeDeadlineSeconds = prev.activeDeadlineSeconds;
  merged.tolerations = prev.tolerations;
  merged.schedulingGates = prev.schedulingGates;
  const oldGrace = prev.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && next.terminationGracePeriodSeconds === 1) merged.terminationGracePeriodSeconds = oldGrace;
  return merged;
}

/** An update of a pod's metadata and spec (status is carried over by the strategy). */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const spec = path('spec');
  const next = pod.spec ?? {};
  const prev = old.spec ?? {};
  const errs = [...validatePod(pod), ...validateMirrorAnnotationUnchanged(pod, old)];
  for (const field of ['containers', 'initContainers'] as const) {
    const p = spec.child(field);
    if ((next[field] ?? []).length !== (prev[field] ?? []).length) {
      return [...errs, forbidden(p, 'pod updates may not add or remove containers')];
    }
    (next[field] ?? []).forEach((c, i) => {
      if (!c.image) errs.push(required(p.index(i).child('image')));
    });
  }
  const deadlineErrs = validateActiveDeadlineUpdate(next.activeDeadlineSeconds, prev.activeDeadlineSeconds, spec.child('activeDeadlineSeconds'));
  if (deadlineErrs.length > 0) return [...errs, ...deadlineErrs];
  errs.push(...validateOnlyAddedTolerations(next.tolerations ?? [], prev.tolerations ?? [], spec.child('tolerations')));
  const oldGates = new Set((prev.schedulingGates ?? []).map((g) => g.name));
  (next.schedulingGates ?? []).forEach((g, i) => {
    if (!oldGates.has(g.name)) {
      errs.push(forbidden(spec.child('schedulingGates').index(i).child('name'), `only deletion is allowed, but found new scheduling gate '${g.name ?? ''}'`));
    }
  });
  const merged = withUpdatableFields(next, prev);
  if (!semanticallyEqual(merged, prev)) {
    const changed = differingPaths(prev, merged, 'spec').join(', ');
    errs.push(forbidden(spec, `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\nchanged: ${changed}`));
  }
  return errs;
}
