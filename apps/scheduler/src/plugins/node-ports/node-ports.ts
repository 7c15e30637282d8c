// NodePorts filter: the pod's host ports must not clash with host ports
// already used on the node (same protocol and port, and the same hostIP or
// either side on the 0.0.0.0 wildcard).

import type { ContainerPort, Pod } from '@k8ts/api';
import { podHostPorts } from '../../framework/host-ports';
import {
  CycleState,
  FilterPlugin,
  NodeInfo,
  PreFilterPlugin,
  Status,
  skip,
  stateKey,
  success,
  unschedulable,
} from '../../framework/types';

export const name = 'NodePorts';
export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

const PRE_FILTER_KEY = stateKey<ContainerPort[]>('PreFilter' + name);

export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = name;

  /** Collects the pod's host ports once; Skips pods that use none. */
  preFilter(state: CycleState, pod: Pod): Status {
    const ports = podHostPorts(pod);
    if (ports.length === 0) return skip();
    state.write(PRE_FILTER_KEY, ports);
    return success();
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const wanted = state.read(PRE_FILTER_KEY) ?? podHostPorts(pod);
    const conflict = wanted.some((p) => nodeInfo.usedPorts.checkConflict(p.hostIP, p.protocol, p.hostPort));
    return conflict ? unschedulable(ERR_REASON_PORTS) : success();
  }
}
