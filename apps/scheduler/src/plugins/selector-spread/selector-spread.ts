// SelectorSpread score (upstream's SelectorSpread plugin, which upstream has
// since replaced by PodTopologySpread's default constraints): spread the pods
// of one Service / ReplicaSet over nodes and zones.
//
// The selectors that group the pod (from the Services, ReplicaSets… that
// select it) come from `selectorsFor`, injected by the caller (the informer
// wiring will back it with listers). As upstream's DefaultSelector, they are
// merged into one selector (all requirements ANDed). A node's raw score is
// the number of its pods in the pod's namespace, not being deleted, that
// match; normalization turns fewer matching pods into a higher score:
// 100 * (max - count) / max. When nodes carry zone labels, the zone's count
// is blended in with weight 2/3, as upstream. Pods no selector groups Skip.

import type { Node, Pod } from '@k8ts/api';
import { Selector, selectorFromRequirements } from '@k8ts/apimachinery';
import {
  CycleState,
  MAX_NODE_SCORE,
  NodeInfo,
  NodeScore,
  PreScorePlugin,
  ScorePlugin,
  Status,
  skip,
  stateKey,
  success,
} from '../../framework/types';

export const name = 'SelectorSpread';

/** Weight of the zone spread relative to the node spread (upstream zoneWeighting). */
export const ZONE_WEIGHTING = 2 / 3;

export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_TOPOLOGY_REGION = 'topology.kubernetes.io/region';
const LABEL_FAILURE_DOMAIN_BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const LABEL_FAILURE_DOMAIN_BETA_REGION = 'failure-domain.beta.kubernetes.io/region';

/** Selectors of the controllers/Services that group `pod` with its siblings. */
export type SelectorsFor = (pod: Pod) => readonly Selector[];

interface PreScoreState {
  readonly selector: Selector;
  /** Node name → zone key, for the nodes being scored. */
  readonly zones: ReadonlyMap<string, string>;
}

const PRE_SCORE_KEY = stateKey<PreScoreState>('PreScore' + name);

/** region + zone of a node ("" when it has neither), as upstream's GetZoneKey. */
export function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const zone = labels[LABEL_TOPOLOGY_ZONE] ?? labels[LABEL_FAILURE_DOMAIN_BETA_ZONE] ?? '';
  const region = labels[LABEL_TOPOLOGY_REGION] ?? labels[LABEL_FAILURE_DOMAIN_BETA_REGION] ?? '';
  if (!zone && !region) return '';
  return `${region}:\x00:${zone}`;
}

/** Pods on the node in `namespace`, not being deleted, that `selector` matches. */
export function countMatchingPods(namespace: string, selector: Selector, nodeInfo: NodeInfo): number {
  if (selector.empty()) return 0;
  let n = 0;
  for (const { pod } of nodeInfo.pods) {
    if ((pod.metadata?.namespace ?? '') !== namespace || pod.metadata?.deletionTimestamp) continue;
    if (selector.matches(pod.metadata?.labels ?? {})) n++;
  }
  return n;
}

export class SelectorSpread implements PreScorePlugin, ScorePlugin {
  readonly name = name;

  constructor(private readonly selectorsFor: SelectorsFor) {}

  /** The selectors merged into one (requirements ANDed), as upstream's DefaultSelector. */
  private selectorFor(pod: Pod): Selector {
    return selectorFromRequirements(this.selectorsFor(pod).flatMap((s) => s.requirements()));
  }

  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    const selector = this.selectorFor(pod);
    if (selector.empty()) return skip();
    const zones = new Map<string, string>();
    for (const ni of nodes) zones.set(ni.name, zoneKey(ni.node));
    state.write(PRE_SCORE_KEY, { selector, zones });
    return success();
  }

  /** Raw score: matching pods on the node (lower is better). */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const selector = state.read(PRE_SCORE_KEY)?.selector ?? this.selectorFor(pod);
    return countMatchingPods(pod.metadata?.namespace ?? '', selector, nodeInfo);
  }

  normalize(scores: NodeScore[], state: CycleState): void {
    const zones = state.read(PRE_SCORE_KEY)?.zones ?? new Map<string, string>();
    const countsByZone = new Map<string, number>();
    let maxByNode = 0;
    for (const s of scores) {
      maxByNode = Math.max(maxByNode, s.score);
      const zone = zones.get(s.name) ?? '';
      if (zone) countsByZone.set(zone, (countsByZone.get(zone) ?? 0) + s.score);
    }
    let maxByZone = 0;
    for (const c of countsByZone.values()) maxByZone = Math.max(maxByZone, c);
    const haveZones = countsByZone.size > 0;

    for (const s of scores) {
      let f = MAX_NODE_SCORE;
      if (maxByNode > 0) f = MAX_NODE_SCORE * ((maxByNode - s.score) / maxByNode);
      const zone = haveZones ? (zones.get(s.name) ?? '') : '';
      if (zone) {
        let zoneScore = MAX_NODE_SCORE;
        if (maxByZone > 0) zoneScore = MAX_NODE_SCORE * ((maxByZone - (countsByZone.get(zone) ?? 0)) / maxByZone);
        f = f * (1 - ZONE_WEIGHTING) + ZONE_WEIGHTING * zoneScore;
      }
      s.score = Math.trunc(f);
    }
  }
}
