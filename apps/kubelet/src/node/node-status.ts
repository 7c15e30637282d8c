// The Node object this kubelet registers and keeps up to date: addresses,
// capacity/allocatable, nodeInfo, the well-known labels, conditions (Ready
// plus the pressure conditions with upstream reasons) and the kubelet's
// daemon endpoint.
import { timeFromDate, type Node, type NodeCondition, type Taint } from '@k8ts/api';
import { arch, release } from 'node:os';

export const KUBELET_VERSION = 'v1.35.0-k8ts';
export const CONTAINER_RUNTIME_VERSION = 'k8ts-process://0.1';
export const OS_IMAGE = 'k8ts process runtime';

export interface NodeCapacity {
  /** Quantity, e.g. "4" or "3500m". */
  cpu: string;
  /** Quantity, e.g. "8Gi". */
  memory: string;
  pods: string;
}

export interface BuildNodeOptions {
  nodeName: string;
  nodeIP: string;
  podCIDR: string;
  capacity: NodeCapacity;
  /** Extra labels; the well-known ones (hostname, os, arch) are always set. */
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Kubelet API port published in status.daemonEndpoints (default 10250). */
  kubeletPort?: number;
  /** Heartbeat and transition time (epoch ms or Date). */
  now: number | Date;
}

/** Node.js process.arch → GOARCH names used by Kubernetes. */
export function goArch(nodeArch: string = arch()): string {
  switch (nodeArch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
      return '386';
    case 'arm64':
      return 'arm64';
    case 'arm':
      return 'arm';
    case 'ppc64':
      return 'ppc64le';
    case 's390x':
      return 's390x';
    case 'riscv64':
      return 'riscv64';
    case 'loong64':
      return 'loong64';
    default:
      return nodeArch;
  }
}

/** The conditions a healthy kubelet reports, in upstream order. */
export function healthyConditions(time: string): NodeCondition[] {
  const cond = (type: string, status: string, reason: string, message: string): NodeCondition => ({
    type,
    status,
    lastHeartbeatTime: time,
    lastTransitionTime: time,
    reason,
    message,
  });
  return [
    cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export function buildNode(opts: BuildNodeOptions): Node {
  const time = timeFromDate(opts.now);
  const capacity = { cpu: opts.capacity.cpu, memory: opts.capacity.memory, pods: opts.capacity.pods };
  const goarch = goArch();
  const node: Node = {
    metadata: {
      name: opts.nodeName,
      labels: {
        ...opts.labels,
        'kubernetes.io/hostname': opts.nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': goarch,
      },
    },
    spec: {
      podCIDR: opts.podCIDR,
      podCIDRs: [opts.podCIDR],
      ...(opts.taints && opts.taints.length > 0 ? { taints: opts.taints.map((t) => ({ ...t })) } : {}),
    },
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: healthyConditions(time),
      addresses: [
        { type: 'InternalIP', address: opts.nodeIP },
        { type: 'Hostname', address: opts.nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: opts.kubeletPort ?? 10250 } },
      nodeInfo: {
        kernelVersion: release(),
        osImage: OS_IMAGE,
        containerRuntimeVersion: CONTAINER_RUNTIME_VERSION,
        kubeletVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: goarch,
      },
    },
  };
  return node;
}

/**
 * True when `next` differs from `prev` in anything the kubelet reports
 * (status, labels, podCIDR, taints), ignoring condition heartbeat times.
 * Transition times count only through the status/reason they come with.
 */
export function nodeStatusChanged(prev: Node | undefined, next: Node): boolean {
  if (!prev) return true;
  const strip = (n: Node) => ({
    labels: n.metadata?.labels ?? {},
    podCIDR: n.spec?.podCIDR ?? '',
    podCIDRs: n.spec?.podCIDRs ?? [],
    taints: n.spec?.taints ?? [],
    status: {
      ...n.status,
      conditions: (n.status?.conditions ?? []).map(({ lastHeartbeatTime: _h, lastTransitionTime: _t, ...rest }) => rest),
    },
  });
  return !deepEqual(strip(prev), strip(next));
}

/**
 * Carries lastTransitionTime over from `prev` for conditions whose status did
 * not change, as upstream does (transition time moves only on a change).
 */
export function carryTransitionTimes(prev: Node | undefined, next: Node): Node {
  const old = new Map((prev?.status?.conditions ?? []).map((c) => [c.type, c]));
  const conditions = (next.status?.conditions ?? []).map((c) => {
    const o = old.get(c.type);
    return o && o.status === c.status && o.lastTransitionTime ? { ...c, lastTransitionTime: o.lastTransitionTime } : c;
  });
  return { ...next, status: { ...next.status, conditions } };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return (a === undefined || a === null) && (b === undefined || b === null);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}
