// Resource arithmetic for scheduling: what a pod requests, what a node can
// allocate. Quantities are strings in the API; here they become plain numbers
// (millicores for cpu, bytes/units for the rest), as upstream's
// framework.Resource.

import type { Container, Node, Pod } from '@k8ts/api';
import { parseQuantity } from '@k8ts/apimachinery';

export const RESOURCE_CPU = 'cpu';
export const RESOURCE_MEMORY = 'memory';
export const RESOURCE_EPHEMERAL_STORAGE = 'ephemeral-storage';
export const RESOURCE_PODS = 'pods';

/** Default cpu request (millicores) assumed for scoring when a container sets none (upstream DefaultMilliCPURequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** Default memory request (bytes) assumed for scoring when a container sets none (upstream DefaultMemoryRequest). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

type ResourceList = { readonly [name: string]: string | undefined } | undefined;

/** An amount of every schedulable resource. `scalar` holds extended resources (e.g. example.com/gpu, hugepages-2Mi). */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  scalar: Map<string, number>;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() };
}

export function cloneResource(r: Resource): Resource {
  return { milliCPU: r.milliCPU, memory: r.memory, ephemeralStorage: r.ephemeralStorage, scalar: new Map(r.scalar) };
}

/** a += sign * b, in place. */
export function addResource(a: Resource, b: Resource, sign: 1 | -1 = 1): Resource {
  a.milliCPU += sign * b.milliCPU;
  a.memory += sign * b.memory;
  a.ephemeralStorage += sign * b.ephemeralStorage;
  for (const [k, v] of b.scalar) a.scalar.set(k, (a.scalar.get(k) ?? 0) + sign * v);
  return a;
}

/** a = max(a, b) per resource, in place. */
export function maxResource(a: Resource, b: Resource): Resource {
  a.milliCPU = Math.max(a.milliCPU, b.milliCPU);
  a.memory = Math.max(a.memory, b.memory);
  a.ephemeralStorage = Math.max(a.ephemeralStorage, b.ephemeralStorage);
  for (const [k, v] of b.scalar) a.scalar.set(k, Math.max(a.scalar.get(k) ?? 0, v));
  return a;
}

/**
 * Integer value of a quantity string: millicores for cpu, the rounded-up
 * value otherwise. Unparseable strings count as 0 (the apiserver validates
 * quantities, so this only guards against garbage in tests or old objects).
 */
export function quantityToNumber(name: string, q: string | undefined): number {
  if (q === undefined || q === '') return 0;
  try {
    const parsed = parseQuantity(q);
    return name === RESOURCE_CPU ? parsed.milliValue() : parsed.value();
  } catch {
    return 0;
  }
}

/** A ResourceList (`{cpu: "100m", memory: "1Gi"}`) as a Resource. `pods` is ignored. */
export function resourceFromList(list: ResourceList): Resource {
  const r = emptyResource();
  if (!list) return r;
  for (const [name, q] of Object.entries(list)) {
    if (q === undefined) continue;
    const v = quantityToNumber(name, q);
    switch (name) {
      case RESOURCE_CPU:
        r.milliCPU = v;
        break;
      case RESOURCE_MEMORY:
        r.memory = v;
        break;
      case RESOURCE_EPHEMERAL_STORAGE:
        r.ephemeralStorage = v;
        break;
      case RESOURCE_PODS:
        break;
      default:
        r.scalar.set(name, v);
    }
  }
  return r;
}

export interface PodRequestOptions {
  /**
   * Assume the upstream defaults (100m cpu, 200Mi memory) for containers
   * that set no cpu/memory request: used for spreading by score plugins
   * (upstream NonMissingContainerRequests / NonZeroRequested).
   */
  nonMissingDefaults?: boolean;
}

function containerRequests(c: Container, opts: PodRequestOptions): Resource {
  const requests = c.resources?.requests;
  const r = resourceFromList(requests);
  if (opts.nonMissingDefaults) {
    if (requests?.[RESOURCE_CPU] === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (requests?.[RESOURCE_MEMORY] === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

function isRestartableInitContainer(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * The effective request of a pod, following upstream's resource helper
 * PodRequests:
 * - the sum of the app containers;
 * - sidecars (init containers with restartPolicy Always) run for the whole
 *   pod life, so they add to that sum;
 * - a regular init container runs alone (next to the sidecars started before
 *   it), so the pod needs at least max over init containers of
 *   (its request + the sidecars before it);
 * - pod-level `spec.resources.requests` for cpu/memory, when set, replace the
 *   container aggregate for that resource (PodLevelResources);
 * - `spec.overhead` is added on top.
 */
export function podRequests(pod: Pod, opts: PodRequestOptions = {}): Resource {
  const spec = pod.spec ?? {};
  const reqs = emptyResource();
  for (const c of spec.containers ?? []) addResource(reqs, containerRequests(c, opts));

  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of spec.initContainers ?? []) {
    const cr = containerRequests(c, opts);
    if (isRestartableInitContainer(c)) {
      addResource(reqs, cr);
      addResource(sidecars, cr);
      maxResource(initMax, sidecars);
    } else {
      maxResource(initMax, addResource(cr, sidecars));
    }
  }
  maxResource(reqs, initMax);

  const podLevel = spec.resources?.requests;
  if (podLevel?.[RESOURCE_CPU] !== undefined) reqs.milliCPU = quantityToNumber(RESOURCE_CPU, podLevel[RESOURCE_CPU]);
  if (podLevel?.[RESOURCE_MEMORY] !== undefined) reqs.memory = quantityToNumber(RESOURCE_MEMORY, podLevel[RESOURCE_MEMORY]);

  if (spec.overhead) addResource(reqs, resourceFromList(spec.overhead));
  return reqs;
}

/** What a node offers to pods: `status.allocatable` (as upstream, capacity is not consulted). */
export interface Allocatable extends Resource {
  allowedPodNumber: number;
}

export function nodeAllocatable(node: Node): Allocatable {
  const list = node.status?.allocatable;
  return { ...resourceFromList(list), allowedPodNumber: quantityToNumber(RESOURCE_PODS, list?.[RESOURCE_PODS]) };
}

/** The amount of one named resource in `r` (millicores for cpu). */
export function resourceAmount(r: Resource, name: string): number {
  switch (name) {
    case RESOURCE_CPU:
      return r.milliCPU;
    case RESOURCE_MEMORY:
      return r.memory;
    case RESOURCE_EPHEMERAL_STORAGE:
      return r.ephemeralStorage;
    default:
      return r.scalar.get(name) ?? 0;
  }
}

/** A resource considered by the resource score plugins, with its weight. */
export interface ResourceSpec {
  readonly name: string;
  readonly weight: number;
}

/** cpu and memory, weight 1 each: upstream's default for NodeResourcesFit scoring and BalancedAllocation. */
export const DEFAULT_SCORED_RESOURCES: readonly ResourceSpec[] = Object.freeze([
  { name: RESOURCE_CPU, weight: 1 },
  { name: RESOURCE_MEMORY, weight: 1 },
]);
