// TaintToleration filter: every NoSchedule/NoExecute taint of the node must
// be tolerated by the pod. The first untolerated one (in node order) is named
// in the reason, formatted as upstream: `{key: value}`.

import type { Pod, Taint } from '@k8ts/api';
import { findMatchingUntoleratedTaint, isDoNotScheduleTaint } from '../../framework/taints';
import { CycleState, FilterPlugin, NodeInfo, Status, success, unschedulableAndUnresolvable } from '../../framework/types';

export const name = 'TaintToleration';

export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key ?? ''}: ${taint.value ?? ''}}`;
}

export class TaintToleration implements FilterPlugin {
  readonly name = name;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const taint = findMatchingUntoleratedTaint(nodeInfo.node.spec?.taints, pod.spec?.tolerations, isDoNotScheduleTaint);
    return taint ? unschedulableAndUnresolvable(untoleratedTaintReason(taint)) : success();
  }
}
