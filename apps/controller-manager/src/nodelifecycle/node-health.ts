// Node health as the controller sees it (upstream tryUpdateNodeHealth): the
// controller's own clock decides when it last heard from a node — when the
// Ready condition's heartbeat or the node Lease's renewTime changed — so
// skew between kubelet and controller clocks does not matter. A node not
// heard from for the grace period gets Ready, MemoryPressure, DiskPressure
// and PIDPressure set to Unknown.
import { timeFromDate, type Lease, type Node, type NodeCondition } from '@k8ts/api';
import { MESSAGE_NEVER_POSTED, MESSAGE_STOPPED_POSTING, MONITORED_CONDITIONS, REASON_NODE_STATUS_NEVER_UPDATED, REASON_NODE_STATUS_UNKNOWN } from './well-known';

export interface NodeHealth {
  /** Controller time (ms) it last heard from the node. */
  probeTimestamp: number;
  /** Controller time (ms) the Ready status last changed. */
  readyTransitionTimestamp: number;
  /** The Ready condition last seen. */
  readyCondition: NodeCondition | undefined;
  /** The Lease renewTime last seen. */
  leaseRenewTime: string | undefined;
}

export interface HealthResult {
  health: NodeHealth;
  /** The Ready condition as the node showed it. */
  observedReady: NodeCondition | undefined;
  /** The Ready condition after this step (Unknown when the grace period ran out). */
  currentReady: NodeCondition | undefined;
  /** New status.conditions to write, when the grace period ran out and something changed. */
  conditions?: NodeCondition[];
}

export function readyConditionOf(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/**
 * One health step for a node at controller time nowMs. prev is what the
 * controller remembered from the last step (undefined for a node it sees
 * for the first time).
 */
export function updateNodeHealth(prev: NodeHealth | undefined, node: Node, lease: Lease | undefined, nowMs: number, gracePeriodMs: number): HealthResult {
  const observedReady = readyConditionOf(node);
  let health: NodeHealth;
  if (!prev) {
    health = { probeTimestamp: nowMs, readyTransitionTimestamp: nowMs, readyCondition: observedReady, leaseRenewTime: undefined };
  } else if (!prev.readyCondition && observedReady) {
    health = { ...prev, probeTimestamp: nowMs, readyTransitionTimestamp: nowMs, readyCondition: observedReady };
  } else if (observedReady && prev.readyCondition && observedReady.lastHeartbeatTime !== prev.readyCondition.lastHeartbeatTime) {
    const transitioned = observedReady.status !== prev.readyCondition.status;
    health = { ...prev, probeTimestamp: nowMs, readyTransitionTimestamp: transitioned ? nowMs : prev.readyTransitionTimestamp, readyCondition: observedReady };
  } else {
    health = { ...prev, readyCondition: observedReady };
  }
  const renewTime = lease?.spec?.renewTime;
  if (renewTime && (health.leaseRenewTime === undefined || Date.parse(renewTime) > Date.parse(health.leaseRenewTime))) {
    health = { ...health, leaseRenewTime: renewTime, probeTimestamp: nowMs };
  }
  if (nowMs <= health.probeTimestamp + gracePeriodMs) return { health, observedReady, currentReady: observedReady };

  // Not heard from for the grace period: every monitored condition becomes Unknown.
  const now = timeFromDate(nowMs);
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of MONITORED_CONDITIONS) {
    const existing = conditions.find((c) => c.type === type);
    if (!existing) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: REASON_NODE_STATUS_NEVER_UPDATED,
        message: MESSAGE_NEVER_POSTED,
        lastHeartbeatTime: node.metadata?.creationTimestamp,
        lastTransitionTime: now,
      });
      changed = true;
    } else if (existing.status !== 'Unknown') {
      Object.assign(existing, { status: 'Unknown', reason: REASON_NODE_STATUS_UNKNOWN, message: MESSAGE_STOPPED_POSTING, lastTransitionTime: now });
      changed = true;
    }
  }
  const currentReady = conditions.find((c) => c.type === 'Ready');
  if (!changed) return { health, observedReady, currentReady };
  const statusChanged = currentReady?.status !== observedReady?.status;
  // Remember the condition we wrote, so our own write is not taken for a heartbeat.
  health = { ...health, readyCondition: currentReady, readyTransitionTimestamp: statusChanged ? nowMs : health.readyTransitionTimestamp };
  return { health, observedReady, currentReady, conditions };
}
