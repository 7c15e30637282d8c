// PodSpec validation shared by pods and the pod templates of workloads
// (upstream ValidatePodSpec / ValidatePodTemplateSpec).
import type { PodSpec, PodTemplateSpec } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  inclusiveRangeError,
  invalid,
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidIP,
  nameIsDNSSubdomain,
  required,
  validateAnnotations,
  validateLabels,
  validateNonnegativeField,
  validateServiceAccountName,
} from '@k8ts/apimachinery';
import { validateContainers, validateInitContainers } from './containers';
import { invalidEach, validateEnum } from './field-helpers';
import { validateResourceRequirements } from './resources';
import {
  validateAffinity,
  validateDNSConfig,
  validateReadinessGates,
  validateSchedulingGates,
  validateTolerations,
  validateTopologySpreadConstraints,
} from './scheduling';
import { validateVolumes } from './volumes';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
export const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const MAX_INT32 = 2147483647;
/** Annotation the kubelet puts on mirror pods of static pods. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

export interface PodValidationOptions {
  /** The spec belongs to a Pod (not a template): host ports must then equal container ports under hostNetwork. */
  resourceIsPod?: boolean;
}

function validateHostNetworkPorts(spec: PodSpec, fldPath: FieldPath, opts: PodValidationOptions): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  (spec.containers ?? []).forEach((c, i) => {
    (c.ports ?? []).forEach((port, j) => {
      const hostPort = port.hostPort ?? 0;
      // Templates may leave hostPort 0: it is defaulted when the pod is created.
      if ((opts.resourceIsPod || hostPort !== 0) && hostPort !== (port.containerPort ?? 0)) {
        const p = fldPath.child('containers').index(i).child('ports').index(j).child('hostPort');
        errs.push(invalid(p, hostPort, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

function validateNames(spec: PodSpec, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const check = (value: string | undefined, field: string, fn: (v: string) => string[]) => {
    if (value) errs.push(...invalidEach(fldPath.child(field), value, fn(value)));
  };
  check(spec.serviceAccountName, 'serviceAccountName', (v) => validateServiceAccountName(v, false));
  check(spec.nodeName, 'nodeName', (v) => nameIsDNSSubdomain(v, false));
  check(spec.hostname, 'hostname', isDNS1123Label);
  check(spec.subdomain, 'subdomain', isDNS1123Label);
  check(spec.priorityClassName, 'priorityClassName', (v) => nameIsDNSSubdomain(v, false));
  if (spec.runtimeClassName !== undefined) {
    errs.push(...invalidEach(fldPath.child('runtimeClassName'), spec.runtimeClassName, nameIsDNSSubdomain(spec.runtimeClassName, false)));
  }
  return errs;
}

function validateHostAliases(spec: PodSpec, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (spec.hostAliases ?? []).forEach((a, i) => {
    const p = fldPath.child('hostAliases').index(i);
    errs.push(...isValidIP(p.child('ip'), a.ip ?? ''));
    (a.hostnames ?? []).forEach((h, j) => errs.push(...invalidEach(p.child('hostnames').index(j), h, isDNS1123Subdomain(h))));
  });
  return errs;
}

/** Validates a (defaulted) PodSpec. */
export function validatePodSpec(spec: PodSpec | undefined, fldPath: FieldPath, opts: PodValidationOptions = {}): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const grace = s.terminationGracePeriodSeconds;
  if (grace === undefined) errs.push(required(fldPath.child('terminationGracePeriodSeconds')));
  else errs.push(...validateNonnegativeField(grace, fldPath.child('terminationGracePeriodSeconds')));

  const volumes = validateVolumes(s.volumes, fldPath.child('volumes'));
  errs.push(...volumes.errs);
  errs.push(...validateContainers(s.containers, volumes.names, grace, fldPath.child('containers')));
  errs.push(...validateInitContainers(s.initContainers, s.containers, volumes.names, grace, fldPath.child('initContainers')));
  if (s.resources) errs.push(...validatePodLevelResources(s, fldPath.child('resources')));
  errs.push(...validateHostNetworkPorts(s, fldPath, opts));
  errs.push(...validateEnum(s.restartPolicy, RESTART_POLICIES, fldPath.child('restartPolicy')));
  errs.push(...validateEnum(s.dnsPolicy, DNS_POLICIES, fldPath.child('dnsPolicy')));
  errs.push(...validateLabels(s.nodeSelector, fldPath.child('nodeSelector')));
  errs.push(...validateAffinity(s.affinity, fldPath.child('affinity')));
  errs.push(...validateDNSConfig(s.dnsConfig, s.dnsPolicy, fldPath.child('dnsConfig')));
  errs.push(...validateReadinessGates(s.readinessGates, fldPath.child('readinessGates')));
  errs.push(...validateSchedulingGates(s.schedulingGates, fldPath.child('schedulingGates')));
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, fldPath.child('topologySpreadConstraints')));
  errs.push(...validateTolerations(s.tolerations, fldPath.child('tolerations')));
  errs.push(...validateNames(s, fldPath));
  errs.push(...validateHostAliases(s, fldPath));
  if (s.activeDeadlineSeconds !== undefined && (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > MAX_INT32)) {
    errs.push(invalid(fldPath.child('activeDeadlineSeconds'), s.activeDeadlineSeconds, inclusiveRangeError(1, MAX_INT32)));
  }
  if (s.preemptionPolicy !== undefined) {
    errs.push(...validateEnum(s.preemptionPolicy, ['PreemptLowerPriority', 'Never'], fldPath.child('preemptionPolicy')));
  }
  if (s.os) errs.push(...validateEnum(s.os.name, ['linux', 'windows'], fldPath.child('os', 'name')));
  return errs;
}

function validatePodLevelResources(spec: PodSpec, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resources?.claims?.length) errs.push(forbidden(p.child('claims'), 'claims cannot be set for Resources at pod-level'));
  errs.push(...validateResourceRequirements(spec.resources, p));
  return errs;
}

/** Pod annotations with meaning for the pod spec. */
export function validatePodSpecificAnnotations(annotations: Record<string, string> | undefined, spec: PodSpec | undefined, p: FieldPath): FieldError[] {
  const mirror = annotations?.[MIRROR_POD_ANNOTATION];
  if (mirror !== undefined && !spec?.nodeName) {
    return [invalid(p.key(MIRROR_POD_ANNOTATION), mirror, 'must set spec.nodeName if mirror pod annotation is set')];
  }
  return [];
}

/** A workload's pod template: its labels and annotations (at `<path>.labels`, as upstream) and its spec. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, fldPath: FieldPath, opts: PodValidationOptions = {}): FieldError[] {
  const meta = template?.metadata ?? {};
  return [
    ...validateLabels(meta.labels, fldPath.child('labels')),
    ...validateAnnotations(meta.annotations, fldPath.child('annotations')),
    ...validatePodSpecificAnnotations(meta.annotations, template?.spec, fldPath.child('annotations')),
    ...validatePodSpec(template?.spec, fldPath.child('spec'), opts),
  ];
}
