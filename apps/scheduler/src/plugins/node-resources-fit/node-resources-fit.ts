// NodeResourcesFit filter: the pod's effective requests (see podRequests:
// containers, sidecars, init-container max rule, pod-level requests,
// overhead) must fit in the node's allocatable minus what its pods already
// request, and the node must have room for one more pod. Every shortfall is
// reported, as upstream does, so one node can count under several reasons.

import type { Pod } from '@k8ts/api';
import { Resource, podRequests } from '../../framework/resources';
import {
  CycleState,
  FilterPlugin,
  NodeInfo,
  PreFilterPlugin,
  Status,
  stateKey,
  success,
  unschedulable,
} from '../../framework/types';

export const name = 'NodeResourcesFit';
export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';
export const ERR_REASON_INSUFFICIENT_CPU = 'Insufficient cpu';
export const ERR_REASON_INSUFFICIENT_MEMORY = 'Insufficient memory';
export const ERR_REASON_INSUFFICIENT_EPHEMERAL_STORAGE = 'Insufficient ephemeral-storage';

const PRE_FILTER_KEY = stateKey<Resource>('PreFilter' + name);

/** Why a pod does not fit a node, in upstream's order (pods, cpu, memory, ephemeral-storage, extended resources by name). */
export function insufficientResources(request: Resource, nodeInfo: NodeInfo): string[] {
  const reasons: string[] = [];
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (nodeInfo.pods.length + 1 > alloc.allowedPodNumber) reasons.push(ERR_REASON_TOO_MANY_PODS);

  const wantsScalar = [...request.scalar.values()].some((v) => v !== 0);
  if (request.milliCPU === 0 && request.memory === 0 && request.ephemeralStorage === 0 && !wantsScalar) return reasons;

  if (request.milliCPU > 0 && request.milliCPU > alloc.milliCPU - used.milliCPU) reasons.push(ERR_REASON_INSUFFICIENT_CPU);
  if (request.memory > 0 && request.memory > alloc.memory - used.memory) reasons.push(ERR_REASON_INSUFFICIENT_MEMORY);
  if (request.ephemeralStorage > 0 && request.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    reasons.push(ERR_REASON_INSUFFICIENT_EPHEMERAL_STORAGE);
  }
  for (const rName of [...request.scalar.keys()].sort()) {
    const want = request.scalar.get(rName) ?? 0;
    if (want === 0) continue;
    if (want > (alloc.scalar.get(rName) ?? 0) - (used.scalar.get(rName) ?? 0)) reasons.push(`Insufficient ${rName}`);
  }
  return reasons;
}

export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin {
  readonly name = name;

  preFilter(state: CycleState, pod: Pod): Status {
    state.write(PRE_FILTER_KEY, podRequests(pod));
    return success();
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const request = state.read(PRE_FILTER_KEY) ?? podRequests(pod);
    const reasons = insufficientResources(request, nodeInfo);
    return reasons.length ? unschedulable(...reasons) : success();
  }
}
