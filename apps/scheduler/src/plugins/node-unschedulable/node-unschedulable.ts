// NodeUnschedulable filter: a cordoned node (spec.unschedulable) takes only
// pods that tolerate node.kubernetes.io/unschedulable:NoSchedule.

import type { Pod } from '@k8ts/api';
import {
  CycleState,
  FilterPlugin,
  NodeInfo,
  Status,
  success,
  unschedulableAndUnresolvable,
} from '../../framework/types';
import { TAINT_EFFECT_NO_SCHEDULE, TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../framework/taints';

export const name = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export class NodeUnschedulable implements FilterPlugin {
  readonly name = name;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.node.spec?.unschedulable) return success();
    const tolerated = tolerationsTolerateTaint(pod.spec?.tolerations, {
      key: TAINT_NODE_UNSCHEDULABLE,
      effect: TAINT_EFFECT_NO_SCHEDULE,
    });
    return tolerated ? success() : unschedulableAndUnresolvable(ERR_REASON_UNSCHEDULABLE);
  }
}
