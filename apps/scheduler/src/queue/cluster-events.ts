// Cluster events that can make an unschedulable pod schedulable, and which
// filter plugins care about which of them (upstream's ClusterEvent and each
// plugin's EventsToRegister, without queueing hints). The scheduling queue
// moves a parked pod only for an event that one of the plugins that rejected
// it registered for.

import type { Node, Pod } from '@k8ts/api';
import type { ScheduleFailure } from '../framework/schedule-one';

/** What changed in a node update, in terms a filter can care about (upstream ActionType Update*). */
export type NodeChange =
  /** status.allocatable changed (upstream UpdateNodeAllocatable). */
  | 'Allocatable'
  /** metadata.labels changed (UpdateNodeLabel). */
  | 'Label'
  /** spec.taints changed (UpdateNodeTaint). */
  | 'Taint'
  /** spec.unschedulable went from true to false (upstream counts it as UpdateNodeTaint). */
  | 'Unschedulable'
  /** the status of some condition (Ready…) changed (UpdateNodeCondition). */
  | 'Condition';

export type ClusterEvent =
  | { readonly type: 'NodeAdd' }
  | { readonly type: 'NodeUpdate'; readonly changes: readonly NodeChange[] }
  /** A pod assigned to a node was deleted (its resources and ports are free again). */
  | { readonly type: 'AssignedPodDelete' }
  /** The pod sat in unschedulablePods longer than podMaxInUnschedulablePods (moves every pod). */
  | { readonly type: 'UnschedulableTimeout' }
  /** Move regardless of the rejecting plugins. */
  | { readonly type: 'ForceActivate' };

export const NODE_ADD: ClusterEvent = Object.freeze({ type: 'NodeAdd' });
export const ASSIGNED_POD_DELETE: ClusterEvent = Object.freeze({ type: 'AssignedPodDelete' });
export const UNSCHEDULABLE_TIMEOUT: ClusterEvent = Object.freeze({ type: 'UnschedulableTimeout' });
export const FORCE_ACTIVATE: ClusterEvent = Object.freeze({ type: 'ForceActivate' });

/** What a plugin can register for: a node add, a kind of node update, or an assigned pod's deletion. */
export type EventInterest = 'NodeAdd' | `NodeUpdate:${NodeChange}` | 'AssignedPodDelete';

/** Plugin name → the events after which a pod it rejected may fit. */
export type PluginEventMap = Readonly<Record<string, readonly EventInterest[]>>;

/**
 * The events the default filters register for (after upstream's
 * EventsToRegister of the equivalent plugins). A plugin missing from the map
 * is taken to care about every event.
 */
export const DEFAULT_PLUGIN_EVENTS: PluginEventMap = Object.freeze({
  NodeUnschedulable: ['NodeAdd', 'NodeUpdate:Unschedulable', 'NodeUpdate:Taint'],
  NodeName: ['NodeAdd'],
  // k8ts' readiness filter reads the Ready condition and readiness taints.
  NodeReady: ['NodeAdd', 'NodeUpdate:Condition', 'NodeUpdate:Taint'],
  TaintToleration: ['NodeAdd', 'NodeUpdate:Taint'],
  NodeAffinity: ['NodeAdd', 'NodeUpdate:Label'],
  NodePorts: ['NodeAdd', 'AssignedPodDelete'],
  NodeResourcesFit: ['NodeAdd', 'NodeUpdate:Allocatable', 'AssignedPodDelete'],
});

/** A label for metrics and logs, as upstream's event labels. */
export function eventLabel(event: ClusterEvent): string {
  if (event.type !== 'NodeUpdate') return event.type;
  return event.changes.length === 1 ? `Node${event.changes[0]}Change` : 'NodeUpdate';
}

/** Whether a pod rejected by `rejectors` may fit after `event`. */
export function eventMayHelp(event: ClusterEvent, rejectors: ReadonlySet<string>, pluginEvents: PluginEventMap): boolean {
  if (event.type === 'UnschedulableTimeout' || event.type === 'ForceActivate') return true;
  // Rejected without a plugin to blame (no nodes at all, say): any change may help.
  if (rejectors.size === 0) return true;
  const interests: EventInterest[] =
    event.type === 'NodeUpdate' ? event.changes.map((c): EventInterest => `NodeUpdate:${c}`) : [event.type];
  for (const plugin of rejectors) {
    const registered = pluginEvents[plugin];
    if (!registered) return true;
    if (interests.some((i) => registered.includes(i))) return true;
  }
  return false;
}

type StringMap = { readonly [key: string]: string | undefined } | undefined;

function sameStringMap(a: StringMap, b: StringMap): boolean {
  const x = a ?? {};
  const y = b ?? {};
  const kx = Object.keys(x);
  if (kx.length !== Object.keys(y).length) return false;
  return kx.every((k) => Object.prototype.hasOwnProperty.call(y, k) && x[k] === y[k]);
}

function taintsKey(node: Node): string {
  return JSON.stringify((node.spec?.taints ?? []).map((t) => [t.key ?? '', t.value ?? '', t.effect ?? '']));
}

function conditionStatuses(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of node.status?.conditions ?? []) if (c.type) out[c.type] = c.status ?? '';
  return out;
}

/** The scheduling-relevant changes between two versions of a node (empty when none). */
export function nodeChanges(oldNode: Node, newNode: Node): NodeChange[] {
  const changes: NodeChange[] = [];
  if (!sameStringMap(oldNode.status?.allocatable, newNode.status?.allocatable)) changes.push('Allocatable');
  if (!sameStringMap(oldNode.metadata?.labels, newNode.metadata?.labels)) changes.push('Label');
  if (taintsKey(oldNode) !== taintsKey(newNode)) changes.push('Taint');
  if (oldNode.spec?.unschedulable && !newNode.spec?.unschedulable) changes.push('Unschedulable');
  if (!sameStringMap(conditionStatuses(oldNode), conditionStatuses(newNode))) changes.push('Condition');
  return changes;
}

/**
 * The event for a node update, or undefined when nothing a filter looks at
 * changed (then no pod needs to move).
 */
export function nodeUpdateEvent(oldNode: Node, newNode: Node): ClusterEvent | undefined {
  const changes = nodeChanges(oldNode, newNode);
  return changes.length ? { type: 'NodeUpdate', changes } : undefined;
}

/** The event for a deleted pod: AssignedPodDelete if it was on a node, else none. */
export function podDeleteEvent(pod: Pod): ClusterEvent | undefined {
  return pod.spec?.nodeName ? ASSIGNED_POD_DELETE : undefined;
}

/** The plugins that rejected the pod in a failed attempt (upstream UnschedulablePlugins). */
export function rejectorPlugins(failure: ScheduleFailure): Set<string> {
  const out = new Set<string>();
  if (failure.preFilterStatus?.plugin) out.add(failure.preFilterStatus.plugin);
  for (const s of failure.nodeStatuses.values()) if (s.plugin) out.add(s.plugin);
  return out;
}
