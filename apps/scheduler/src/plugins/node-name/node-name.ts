// NodeName filter: a pod that already names its node (spec.nodeName) fits
// only that node.

import type { Pod } from '@k8ts/api';
import { CycleState, FilterPlugin, NodeInfo, Status, success, unschedulableAndUnresolvable } from '../../framework/types';

export const name = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export class NodeName implements FilterPlugin {
  readonly name = name;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const wanted = pod.spec?.nodeName;
    if (!wanted || wanted === nodeInfo.name) return success();
    return unschedulableAndUnresolvable(ERR_REASON_NODE_NAME);
  }
}
