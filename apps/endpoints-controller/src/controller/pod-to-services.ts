// Which Services a pod event concerns (upstream k8s.io/endpointslice/util
// GetPodServiceMemberships / GetServicesToUpdateOnPodChange /
// podEndpointsChanged).
import { makeKey, type Pod, type Service } from '@k8ts/api';
import { labelsEqual } from '@k8ts/apimachinery';
import { semanticallyEqual } from '../common/semantic-equal';
import { isPodReady, podIPs } from '../common/pod-helpers';
import { managesEndpoints, serviceSelector } from '../common/service-helpers';

/** How a pod update may affect endpoints. */
export interface PodChange {
  /** Something an endpoint of the pod shows (or whether it has one) changed. */
  podChanged: boolean;
  /** The labels changed, so the Services selecting the pod may have changed. */
  labelsChanged: boolean;
}

function containerPorts(pod: Pod): unknown {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => [c.name, c.restartPolicy, c.ports]);
}

/**
 * Compares two versions of a pod for what endpoints depend on: IPs,
 * readiness, deletionTimestamp, phase, hostname/subdomain, node, container
 * ports (podChanged) and labels (labelsChanged).
 *
 * Upstream counts a hostname/subdomain change as a label change; here it is
 * a pod change, so that Services selecting both the old and the new labels
 * still refresh the endpoint's hostname.
 */
export function podEndpointsChanged(oldPod: Pod, newPod: Pod): PodChange {
  const labelsChanged = !labelsEqual(oldPod.metadata?.labels, newPod.metadata?.labels);
  const podChanged =
    (oldPod.metadata?.deletionTimestamp ?? '') !== (newPod.metadata?.deletionTimestamp ?? '') ||
    isPodReady(oldPod) !== isPodReady(newPod) ||
    !semanticallyEqual(podIPs(oldPod), podIPs(newPod)) ||
    (oldPod.status?.phase ?? '') !== (newPod.status?.phase ?? '') ||
    (oldPod.spec?.hostname ?? '') !== (newPod.spec?.hostname ?? '') ||
    (oldPod.spec?.subdomain ?? '') !== (newPod.spec?.subdomain ?? '') ||
    (oldPod.spec?.nodeName ?? '') !== (newPod.spec?.nodeName ?? '') ||
    !semanticallyEqual(containerPorts(oldPod), containerPorts(newPod));
  return { podChanged, labelsChanged };
}

/** Whether a pod update can change any Service's endpoints. */
export function podChanged(oldPod: Pod, newPod: Pod): boolean {
  const c = podEndpointsChanged(oldPod, newPod);
  return c.podChanged || c.labelsChanged;
}

/**
 * Keys ("namespace/name") of the Services in the pod's namespace whose
 * selector matches the labels. Services without a selector select nothing.
 */
export function servicesSelecting(namespace: string, labels: Record<string, string> | undefined, services: Iterable<Service>): Set<string> {
  const keys = new Set<string>();
  for (const svc of services) {
    if ((svc.metadata?.namespace ?? '') !== namespace || !managesEndpoints(svc)) continue;
    if (serviceSelector(svc).matches(labels ?? {})) keys.add(makeKey(namespace, svc.metadata?.name ?? ''));
  }
  return keys;
}

/**
 * The Services to resync for a pod event: an add (oldPod undefined) or a
 * delete (newPod undefined) concerns the Services selecting the pod; an
 * update concerns
 *  - nothing when it is a resync (same resourceVersion) or changes nothing
 *    endpoints show;
 *  - the Services selecting the pod, when only the pod changed;
 *  - when the labels changed: the Services selecting the old labels and
 *    those selecting the new ones (both), or, when nothing else changed,
 *    only those that gained or lost the pod.
 */
export function servicesForPodChange(oldPod: Pod | undefined, newPod: Pod | undefined, services: Iterable<Service>): Set<string> {
  const list = [...services];
  if (!oldPod && !newPod) return new Set();
  if (!oldPod || !newPod) {
    const pod = (newPod ?? oldPod) as Pod;
    return servicesSelecting(pod.metadata?.namespace ?? '', pod.metadata?.labels, list);
  }
  const rv = newPod.metadata?.resourceVersion;
  if (rv !== undefined && rv !== '' && rv === oldPod.metadata?.resourceVersion) return new Set();

  const change = podEndpointsChanged(oldPod, newPod);
  const namespace = newPod.metadata?.namespace ?? '';
  if (!change.podChanged && !change.labelsChanged) return new Set();
  const current = servicesSelecting(namespace, newPod.metadata?.labels, list);
  if (!change.labelsChanged) return current;

  const previous = servicesSelecting(namespace, oldPod.metadata?.labels, list);
  if (change.podChanged) return new Set([...current, ...previous]);
  const moved = new Set<string>();
  for (const k of current) if (!previous.has(k)) moved.add(k);
  for (const k of previous) if (!current.has(k)) moved.add(k);
  return moved;
}
