// NodeReady filter (k8ts-specific; upstream has no such plugin).
//
// Upstream keeps pods off nodes that are not ready through taints: the node
// lifecycle controller (and the kubelet at registration) puts
// node.kubernetes.io/not-ready or node.kubernetes.io/unreachable on the node
// (NoSchedule, then NoExecute), and the TaintToleration filter rejects pods
// that do not tolerate them. k8ts also reads the Ready condition itself, so a
// node stops receiving pods as soon as its status says so, without waiting for
// the controller to taint it. It keeps the taint semantics: the condition is
// turned into the taint the controller would add (Ready=False or no Ready
// condition yet → not-ready, Ready=Unknown → unreachable), and a pod that
// tolerates that taint (DaemonSet-style pods) still fits.

import type { Node, Pod, Taint } from '@k8ts/api';
import {
  TAINT_EFFECT_NO_SCHEDULE,
  TAINT_NODE_NOT_READY,
  TAINT_NODE_UNREACHABLE,
  findMatchingUntoleratedTaint,
  isDoNotScheduleTaint,
  tolerationsTolerateTaint,
} from '../../framework/taints';
import { CycleState, FilterPlugin, NodeInfo, Status, success, unschedulableAndUnresolvable } from '../../framework/types';

export const name = 'NodeReady';
export const ERR_REASON_NOT_READY = 'node(s) were not ready';

/** The readiness taint the node lifecycle controller would set for the node's Ready condition, if any. */
export function impliedReadinessTaint(node: Node): Taint | undefined {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  switch (ready?.status) {
    case 'True':
      return undefined;
    case 'Unknown':
      return { key: TAINT_NODE_UNREACHABLE, effect: TAINT_EFFECT_NO_SCHEDULE };
    default:
      return { key: TAINT_NODE_NOT_READY, effect: TAINT_EFFECT_NO_SCHEDULE };
  }
}

function isReadinessTaint(t: Taint): boolean {
  return (t.key === TAINT_NODE_NOT_READY || t.key === TAINT_NODE_UNREACHABLE) && isDoNotScheduleTaint(t);
}

export class NodeReady implements FilterPlugin {
  readonly name = name;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const tolerations = pod.spec?.tolerations;
    const implied = impliedReadinessTaint(nodeInfo.node);
    if (implied && !tolerationsTolerateTaint(tolerations, implied)) return unschedulableAndUnresolvable(ERR_REASON_NOT_READY);
    if (findMatchingUntoleratedTaint(nodeInfo.node.spec?.taints, tolerations, isReadinessTaint)) {
      return unschedulableAndUnresolvable(ERR_REASON_NOT_READY);
    }
    return success();
  }
}
