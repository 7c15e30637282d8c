// NodeAffinity filter: spec.nodeSelector and the required node affinity
// terms (ORed terms, ANDed expressions; In/NotIn/Exists/DoesNotExist/Gt/Lt on
// labels, metadata.name in matchFields) must match the node.

import type { Pod } from '@k8ts/api';
import { RequiredNodeAffinity } from '../../framework/node-selector';
import {
  CycleState,
  FilterPlugin,
  NodeInfo,
  PreFilterPlugin,
  Status,
  skip,
  stateKey,
  success,
  unschedulableAndUnresolvable,
} from '../../framework/types';

export const name = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

const PRE_FILTER_KEY = stateKey<RequiredNodeAffinity>('PreFilter' + name);

export class NodeAffinity implements PreFilterPlugin, FilterPlugin {
  readonly name = name;

  /** Compiles the pod's selectors once; Skips pods without any. */
  preFilter(state: CycleState, pod: Pod): Status {
    const required = new RequiredNodeAffinity(pod);
    if (required.empty) return skip();
    state.write(PRE_FILTER_KEY, required);
    return success();
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const required = state.read(PRE_FILTER_KEY) ?? new RequiredNodeAffinity(pod);
    return required.matches(nodeInfo.node) ? success() : unschedulableAndUnresolvable(ERR_REASON_POD);
  }
}
