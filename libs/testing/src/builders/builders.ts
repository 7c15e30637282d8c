// Object builders for tests: newPod({ ready: true }) and friends. Each returns
// a fresh, plain object that is valid for the apiserver unless you ask for
// otherwise; pass overrides for what the test cares about.
import { intOrString, type Namespace, type Node, type Pod, type Service, type ServicePort } from '@k8ts/api';

export interface PodOptions {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  image?: string;
  command?: string[];
  nodeName?: string;
  /** Marks the pod Running with Ready=True (status as a kubelet would write it). */
  ready?: boolean;
  podIP?: string;
  cpu?: string;
  memory?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  terminating?: boolean;
}

export function newPod(o: PodOptions = {}): Pod {
  const resources = o.cpu || o.memory ? { requests: { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) } } : undefined;
  const pod: Pod = {
    metadata: { name: o.name ?? 'pod-1', namespace: o.namespace ?? 'default', labels: o.labels ?? { app: 'web' } },
    spec: {
      containers: [
        {
          name: 'app',
          image: o.image ?? 'k8ts/echo',
          ...(o.command ? { command: o.command } : {}),
          ...(o.ports ? { ports: o.ports.map((p) => ({ protocol: 'TCP', ...p })) } : {}),
          ...(resources ? { resources } : {}),
        },
      ],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
    },
  };
  if (o.ready !== undefined || o.podIP) {
    const ready = o.ready ? 'True' : 'False';
    pod.status = {
      phase: 'Running',
      podIP: o.podIP,
      podIPs: o.podIP ? [{ ip: o.podIP }] : [],
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: ready },
        { type: 'Ready', status: ready },
      ],
    };
  }
  if (o.terminating && pod.metadata) pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  return pod;
}

export interface ServiceOptions {
  name?: string;
  namespace?: string;
  selector?: Record<string, string>;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  ports?: (Partial<Omit<ServicePort, 'targetPort'>> & { targetPort?: number | string })[];
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
}

export function newService(o: ServiceOptions = {}): Service {
  const ports = (o.ports ?? [{ port: 80, targetPort: 8080 }]).map((p) => ({
    ...p,
    protocol: p.protocol ?? 'TCP',
    targetPort: p.targetPort === undefined ? undefined : intOrString(p.targetPort),
  }));
  return {
    metadata: { name: o.name ?? 'web', namespace: o.namespace ?? 'default' },
    spec: {
      type: o.type ?? 'ClusterIP',
      selector: o.selector ?? { app: 'web' },
      ports,
      ...(o.clusterIP ? { clusterIP: o.clusterIP } : {}),
      ...(o.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
    },
  };
}

export interface NodeOptions {
  name?: string;
  ip?: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  ready?: boolean;
  podCIDR?: string;
}

export function newNode(o: NodeOptions = {}): Node {
  const name = o.name ?? 'node-1';
  const capacity = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...o.labels } },
    spec: o.podCIDR ? { podCIDR: o.podCIDR, podCIDRs: [o.podCIDR] } : {},
    status: {
      capacity,
      allocatable: { ...capacity },
      addresses: [
        { type: 'InternalIP', address: o.ip ?? '127.10.0.1' },
        { type: 'Hostname', address: name },
      ],
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', reason: o.ready === false ? 'KubeletNotReady' : 'KubeletReady' }],
    },
  };
}

export function newNamespace(name = 'team-a', labels: Record<string, string> = {}): Namespace {
  return { metadata: { name, labels } };
}
