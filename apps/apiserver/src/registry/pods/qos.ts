// A pod's quality-of-service class, derived from the cpu and memory
// requests and limits of its containers (or of the pod, when set there).
import type { PodSpec, ResourceRequirements } from '@k8ts/api';
import { type Quantity, parseQuantity } from '@k8ts/apimachinery';
import { QOS_RESOURCES } from '../podtemplate/resources';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

function positive(list: Record<string, string | undefined> | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, value] of Object.entries(list ?? {})) {
    if (!QOS_RESOURCES.has(name) || value === undefined) continue;
    let q: Quantity;
    try {
      q = parseQuantity(value);
    } catch {
      continue; // validation reports malformed quantities
    }
    if (q.sign() > 0) out.set(name, q);
  }
  return out;
}

function addInto(total: Map<string, Quantity>, more: Map<string, Quantity>): void {
  for (const [name, q] of more) {
    const prev = total.get(name);
    total.set(name, prev ? prev.add(q) : q);
  }
}

/**
 * Guaranteed when every container limits both cpu and memory and requests
 * equal limits; BestEffort when nothing is requested or limited; else Burstable.
 */
export function computePodQOS(spec: PodSpec | undefined): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const consider = (r: ResourceRequirements | undefined) => {
    addInto(requests, positive(r?.requests));
    const lim = positive(r?.limits);
    addInto(limits, lim);
    if (![...QOS_RESOURCES].every((name) => lim.has(name))) guaranteed = false;
  };
  const podLevel = spec?.resources;
  if (podLevel && (Object.keys(podLevel.requests ?? {}).length > 0 || Object.keys(podLevel.limits ?? {}).length > 0)) {
    consider(podLevel);
  } else {
    for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) consider(c.resources);
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && requests.size === limits.size) {
    const matching = [...requests].every(([name, req]) => limits.get(name)?.cmp(req) === 0);
    if (matching) return 'Guaranteed';
  }
  return 'Burstable';
}
