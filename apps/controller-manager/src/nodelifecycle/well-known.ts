// Taint keys, condition reasons and event reasons of the node lifecycle
// controller, as upstream names them.
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

export const EFFECT_NO_EXECUTE = 'NoExecute';
export const EFFECT_NO_SCHEDULE = 'NoSchedule';

/** Conditions the controller sets to Unknown when the kubelet goes quiet. */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export const REASON_NODE_STATUS_UNKNOWN = 'NodeStatusUnknown';
export const REASON_NODE_STATUS_NEVER_UPDATED = 'NodeStatusNeverUpdated';
export const MESSAGE_STOPPED_POSTING = 'Kubelet stopped posting node status.';
export const MESSAGE_NEVER_POSTED = 'Kubelet never posted node status.';

/** Namespace of the kubelets' heartbeat Leases (one per node, named after it). */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

// Events.
export const EVENT_REGISTERED_NODE = 'RegisteredNode';
export const EVENT_REMOVING_NODE = 'RemovingNode';
export const EVENT_NODE_NOT_READY = 'NodeNotReady';
export const EVENT_NODE_READY = 'NodeReady';
export const EVENT_TAINT_MANAGER_EVICTION = 'TaintManagerEviction';

/** Pod condition the taint manager adds before deleting a pod (upstream DisruptionTarget). */
export const CONDITION_DISRUPTION_TARGET = 'DisruptionTarget';
export const REASON_DELETION_BY_TAINT_MANAGER = 'DeletionByTaintManager';
