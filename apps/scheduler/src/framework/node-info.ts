// NodeInfo: a node plus the pods assigned to it and what they use (upstream
// framework.NodeInfo), and Snapshot: the nodes one scheduling attempt sees.
// The later scheduler cache keeps NodeInfos up to date with addPod/removePod
// (assumed pods included); here they are built from plain objects.

import type { Node, Pod } from '@k8ts/api';
import { HostPortInfo, podHostPorts } from './host-ports';
import { Allocatable, Resource, addResource, emptyResource, nodeAllocatable, podRequests } from './resources';

/** A pod on a node with its requests computed once. */
export interface PodInfo {
  readonly pod: Pod;
  /** Effective requests (filtering: NodeResourcesFit). */
  readonly requests: Resource;
  /** Requests with upstream's defaults for unset cpu/memory (scoring: LeastAllocated). */
  readonly nonZeroRequests: Resource;
}

export function newPodInfo(pod: Pod): PodInfo {
  return { pod, requests: podRequests(pod), nonZeroRequests: podRequests(pod, { nonMissingDefaults: true }) };
}

function samePod(a: Pod, b: Pod): boolean {
  const ua = a.metadata?.uid;
  const ub = b.metadata?.uid;
  if (ua && ub) return ua === ub;
  return a.metadata?.namespace === b.metadata?.namespace && a.metadata?.name === b.metadata?.name;
}

export class NodeInfo {
  readonly allocatable: Allocatable;
  /** Sum of the effective requests of `pods`. */
  readonly requested: Resource = emptyResource();
  /** Sum of the requests of `pods` with defaults for unset cpu/memory (only cpu and memory are kept). */
  readonly nonZeroRequested: Resource = emptyResource();
  readonly usedPorts = new HostPortInfo();
  private readonly podInfos: PodInfo[] = [];

  constructor(readonly node: Node) {
    this.allocatable = nodeAllocatable(node);
  }

  get name(): string {
    return this.node.metadata?.name ?? '';
  }

  get pods(): readonly PodInfo[] {
    return this.podInfos;
  }

  addPod(pod: Pod): void {
    this.addPodInfo(newPodInfo(pod));
  }

  addPodInfo(pi: PodInfo): void {
    this.podInfos.push(pi);
    this.account(pi, 1);
  }

  /** Remove a pod (matched by uid, else namespace/name). Returns whether it was there. */
  removePod(pod: Pod): boolean {
    const i = this.podInfos.findIndex((pi) => samePod(pi.pod, pod));
    if (i < 0) return false;
    const [pi] = this.podInfos.splice(i, 1);
    this.account(pi, -1);
    return true;
  }

  clone(): NodeInfo {
    const c = new NodeInfo(this.node);
    for (const pi of this.podInfos) c.addPodInfo(pi);
    return c;
  }

  private account(pi: PodInfo, sign: 1 | -1): void {
    addResource(this.requested, pi.requests, sign);
    this.nonZeroRequested.milliCPU += sign * pi.nonZeroRequests.milliCPU;
    this.nonZeroRequested.memory += sign * pi.nonZeroRequests.memory;
    for (const p of podHostPorts(pi.pod)) {
      if (sign > 0) this.usedPorts.add(p.hostIP, p.protocol, p.hostPort);
      else this.usedPorts.remove(p.hostIP, p.protocol, p.hostPort);
    }
  }
}

/** A NodeInfo for `node` with `pods` assigned to it. */
export function newNodeInfo(node: Node, pods: readonly Pod[] = []): NodeInfo {
  const ni = new NodeInfo(node);
  for (const p of pods) ni.addPod(p);
  return ni;
}

/** The cluster as one scheduling attempt sees it. */
export interface Snapshot {
  readonly nodeInfos: readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
}

export function snapshotFromNodeInfos(nodeInfos: readonly NodeInfo[]): Snapshot {
  const byName = new Map(nodeInfos.map((ni) => [ni.name, ni]));
  return { nodeInfos, get: (name) => byName.get(name) };
}

function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Build a snapshot from nodes and pods. Pods are assigned by spec.nodeName;
 * unassigned pods, pods on unknown nodes and terminal pods (Succeeded/Failed,
 * which upstream's scheduler never caches) are left out.
 */
export function newSnapshot(nodes: readonly Node[], pods: readonly Pod[] = []): Snapshot {
  const infos = nodes.map((n) => new NodeInfo(n));
  const byName = new Map(infos.map((ni) => [ni.name, ni]));
  for (const p of pods) {
    const nodeName = p.spec?.nodeName;
    if (!nodeName || isTerminal(p)) continue;
    byName.get(nodeName)?.addPod(p);
  }
  return { nodeInfos: infos, get: (name) => byName.get(name) };
}
