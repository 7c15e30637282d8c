// The pods resource: defaults, create/update preparation, validation,
// field selectors and graceful deletion (upstream pkg/registry/core/pod).
import type { Pod } from '@k8ts/api';
import { type FieldError, forbidden, path } from '@k8ts/apimachinery';
import type { FieldSet, Strategy } from '../generic/strategy';
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../podtemplate/defaults';
import { semanticallyEqual } from '../podtemplate/field-helpers';
import { isBindingWrite } from './binding-context';
import { setPodDefaults } from './defaults';
import { computePodQOS } from './qos';
import { isTerminalPhase } from './status';
import { validatePodStatusUpdate } from './status-validation';
import { validatePod, validatePodUpdate } from './validation';

/** Selectable fields of a pod; every key is present ('' when unset). */
export function podFields(pod: Pod): FieldSet {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  return {
    'spec.nodeName': spec.nodeName ?? '',
    'spec.restartPolicy': spec.restartPolicy ?? '',
    'spec.schedulerName': spec.schedulerName ?? '',
    'spec.serviceAccountName': spec.serviceAccountName ?? '',
    'spec.hostNetwork': String(spec.hostNetwork ?? false),
    'status.phase': status.phase ?? '',
    'status.podIP': status.podIPs?.[0]?.ip ?? status.podIP ?? '',
    'status.nominatedNodeName': status.nominatedNodeName ?? '',
  };
}

/**
 * The grace period of a pod delete: unscheduled and finished pods go at
 * once; otherwise the requested period, else the pod's own, else 30s. A
 * negative period becomes 1 second.
 */
export function podGracePeriodSeconds(pod: Pod, requested: number | undefined): number {
  let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  if (!pod.spec?.nodeName || isTerminalPhase(pod.status?.phase)) period = 0;
  return period < 0 ? 1 : period;
}

/** A binding write may only set spec.nodeName (status and annotations are the binding's own). */
function validateBindingWrite(pod: Pod, old: Pod): FieldError[] {
  const { nodeName: _next, ...rest } = pod.spec ?? {};
  const { nodeName: _prev, ...oldRest } = old.spec ?? {};
  return semanticallyEqual(rest, oldRest) ? [] : [forbidden(path('spec'), 'a binding may only set spec.nodeName')];
}

/** True when only the status changed: a write through pods/status. */
function isStatusWrite(pod: Pod, old: Pod): boolean {
  return semanticallyEqual(pod.spec, old.spec) && !semanticallyEqual(pod.status, old.status);
}

export const podStrategy: Strategy<Pod> = {
  resource: 'pods',
  group: '',
  kind: 'Pod',
  namespaced: true,
  hasGeneration: false,
  hasStatus: true,

  defaults: setPodDefaults,

  prepareForCreate(pod) {
    // QoS is computed on the defaulted pod (limits fill in missing requests).
    setPodDefaults(pod);
    pod.status = { phase: 'Pending', qosClass: computePodQOS(pod.spec) };
    if (pod.spec?.schedulingGates?.length) {
      pod.status.conditions = [
        { type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' },
      ];
    }
  },

  prepareForUpdate(pod, old, subresource) {
    if (isBindingWrite()) return;
    if (subresource === 'status') {
      pod.spec = old.spec;
      // The QoS class is fixed at creation; old kubelets may send it empty.
      if (pod.status && !pod.status.qosClass) pod.status.qosClass = old.status?.qosClass;
    } else {
      pod.status = old.status;
    }
  },

  validate: validatePod,

  validateUpdate(pod, old) {
    if (isBindingWrite()) return validateBindingWrite(pod, old);
    // The store does not say which subresource is being written; a write
    // that leaves the spec alone and changes the status is a status write.
    if (isStatusWrite(pod, old)) return validatePodStatusUpdate(pod, old);
    return validatePodUpdate(pod, old);
  },

  fields: podFields,
  gracePeriodSeconds: podGracePeriodSeconds,
};
