// Test builders for nodes and pods. Test-only: never import from production code.

import type { Affinity, Container, ContainerPort, Node, OwnerReference, Pod, Taint, Toleration } from '@k8ts/api';

export interface NodeOptions {
  name: string;
  /** Allocatable (and capacity) cpu, e.g. "4" or "500m". Default "4". */
  cpu?: string;
  /** Allocatable (and capacity) memory. Default "8Gi". */
  memory?: string;
  /** Allocatable (and capacity) pod count. Default "110". */
  pods?: string | number;
  /** Extra allocatable resources, e.g. {"example.com/gpu": "2"}. */
  extraResources?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  /** Ready condition: true → "True" (default), false → "False", or an explicit status ("Unknown"), or null for no condition. */
  ready?: boolean | string | null;
}

export function newNode(o: NodeOptions): Node {
  const resources: Record<string, string> = {
    cpu: o.cpu ?? '4',
    memory: o.memory ?? '8Gi',
    pods: String(o.pods ?? '110'),
    ...o.extraResources,
  };
  const ready = o.ready === undefined ? true : o.ready;
  return {
    metadata: { name: o.name, uid: `uid-node-${o.name}`, labels: { 'kubernetes.io/hostname': o.name, ...o.labels } },
    spec: { unschedulable: o.unschedulable || undefined, taints: o.taints },
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      conditions:
        ready === null ? [] : [{ type: 'Ready', status: ready === true ? 'True' : ready === false ? 'False' : ready }],
    },
  };
}

export type HostPortSpec = number | { hostPort: number; containerPort?: number; protocol?: string; hostIP?: string };

export interface OwnerRefOptions {
  kind: string;
  name: string;
  apiVersion?: string;
  uid?: string;
  controller?: boolean;
}

export interface PodOptions {
  name: string;
  namespace?: string;
  /** cpu request of the single container (none when omitted). */
  cpu?: string;
  /** memory request of the single container (none when omitted). */
  memory?: string;
  /** Extra requests of the single container, e.g. {"ephemeral-storage": "1Gi"}. */
  requests?: Record<string, string>;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  affinity?: Affinity;
  hostPorts?: HostPortSpec[];
  labels?: Record<string, string>;
  ownerRef?: OwnerRefOptions;
  /** Replace the generated container list. */
  containers?: Container[];
  initContainers?: Container[];
  overhead?: Record<string, string>;
  phase?: string;
  deletionTimestamp?: string;
}

function containerPort(p: HostPortSpec): ContainerPort {
  if (typeof p === 'number') return { containerPort: p, hostPort: p, protocol: 'TCP' };
  return { containerPort: p.containerPort ?? p.hostPort, hostPort: p.hostPort, protocol: p.protocol ?? 'TCP', hostIP: p.hostIP };
}

export function newPod(o: PodOptions): Pod {
  const namespace = o.namespace ?? 'default';
  const requests: Record<string, string> = { ...o.requests };
  if (o.cpu !== undefined) requests.cpu = o.cpu;
  if (o.memory !== undefined) requests.memory = o.memory;
  const container: Container = {
    name: 'main',
    image: 'k8ts/echo',
    resources: Object.keys(requests).length ? { requests } : {},
    ports: o.hostPorts?.map(containerPort),
  };
  const owner = o.ownerRef;
  return {
    metadata: {
      name: o.name,
      namespace,
      uid: `uid-pod-${namespace}-${o.name}`,
      labels: o.labels,
      deletionTimestamp: o.deletionTimestamp,
      ownerReferences: owner
        ? [
            {
              apiVersion: owner.apiVersion ?? 'apps/v1',
              kind: owner.kind,
              name: owner.name,
              uid: owner.uid ?? `uid-${owner.kind.toLowerCase()}-${owner.name}`,
              controller: owner.controller ?? true,
            } satisfies OwnerReference,
          ]
        : undefined,
    },
    spec: {
      containers: o.containers ?? [container],
      initContainers: o.initContainers,
      nodeName: o.nodeName,
      nodeSelector: o.nodeSelector,
      tolerations: o.tolerations,
      affinity: o.affinity,
      overhead: o.overhead,
      schedulerName: 'default-scheduler',
    },
    status: { phase: o.phase ?? (o.nodeName ? 'Running' : 'Pending') },
  };
}
