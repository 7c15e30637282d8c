// EndpointsChangeTracker (upstream pkg/proxy endpointschangetracker +
// endpointslicecache): informer handlers record EndpointSlice changes; the
// tracker keeps the applied slices per Service and the pending ones, and at
// checkout turns each Service with pending slices into one
// (previous, current) pair of endpoint maps. Pairs that changed nothing are
// dropped. It also remembers when each change was triggered (the slice's
// endpoints.kubernetes.io/last-change-trigger-time annotation, or when the
// event arrived) for the network programming latency metric.
import type { EndpointSlice } from '@k8ts/api';
import { sameJSON } from './same-json';
import { servicePortNameString, type Protocol } from './service-port';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

/** One endpoint of one service port (upstream BaseEndpointInfo). */
export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName: string;
  /** On one of this host's nodes. */
  isLocal: boolean;
  /** "namespace/name" of the Pod behind the endpoint (targetRef), when there is one. */
  podRef?: string;
}

export function endpointString(e: { ip: string; port: number }): string {
  return `${e.ip}:${e.port}`;
}

interface SliceData {
  ports: { name: string; port: number; protocol: Protocol }[];
  endpoints: { ip: string; ready: boolean; serving: boolean; terminating: boolean; nodeName: string; podRef?: string }[];
}

export interface EndpointsChange {
  service: string;
  previous: Map<string, EndpointInfo[]>;
  current: Map<string, EndpointInfo[]>;
}

export interface EndpointsChangeTrackerOptions {
  /** Names of this host's nodes. */
  nodeNames: string[];
  /** Trigger times before this (epoch ms) are not reported (the proxy was not running). */
  startTime?: number;
}

function sliceData(slice: EndpointSlice): SliceData {
  const ports: SliceData['ports'] = [];
  for (const p of slice.ports ?? []) {
    const protocol = (p.protocol ?? 'TCP') as string;
    if ((protocol !== 'TCP' && protocol !== 'UDP') || !p.port) continue;
    ports.push({ name: p.name ?? '', port: p.port, protocol });
  }
  const endpoints: SliceData['endpoints'] = [];
  if ((slice.addressType ?? 'IPv4') === 'IPv4') {
    for (const e of slice.endpoints ?? []) {
      const ip = e.addresses?.[0];
      if (!ip) continue;
      // Unknown readiness counts as ready; serving defaults to ready (upstream).
      const ready = e.conditions?.ready ?? true;
      const ref = e.targetRef;
      const podRef = ref?.kind === 'Pod' && ref.name ? `${ref.namespace || slice.metadata?.namespace || ''}/${ref.name}` : undefined;
      endpoints.push({ ip, ready, serving: e.conditions?.serving ?? ready, terminating: e.conditions?.terminating ?? false, nodeName: e.nodeName ?? '', ...(podRef ? { podRef } : {}) });
    }
  }
  return { ports, endpoints };
}

function triggerTimeOf(slice: EndpointSlice): number | undefined {
  const v = slice.metadata?.annotations?.[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

export class EndpointsChangeTracker {
  private readonly nodeNames: Set<string>;
  private readonly startTime: number;
  /** service → slice name → slice, as last checked out. */
  private readonly applied = new Map<string, Map<string, SliceData>>();
  /** service → slice name → new slice (null: removed), not yet checked out. */
  private readonly pendingSlices = new Map<string, Map<string, SliceData | null>>();
  private readonly triggerTimes = new Map<string, number[]>();

  constructor(opts: EndpointsChangeTrackerOptions) {
    this.nodeNames = new Set(opts.nodeNames);
    this.startTime = opts.startTime ?? 0;
  }

  /**
   * Records an added/updated slice, or a removed one (removeSlice). A slice
   * without the kubernetes.io/service-name label is ignored. `receivedAt`
   * (epoch ms, omitted for the initial list) stands in for the trigger time
   * when the slice has no last-change-trigger-time annotation. Returns true
   * when the Service has pending changes afterwards.
   */
  endpointSliceUpdate(slice: EndpointSlice, removeSlice: boolean, receivedAt?: number): boolean {
    const meta = slice.metadata ?? {};
    const svcName = meta.labels?.[SERVICE_NAME_LABEL];
    if (!svcName || !meta.name) return false;
    const service = `${meta.namespace ?? 'default'}/${svcName}`;
    let pending = this.pendingSlices.get(service);
    if (!pending) this.pendingSlices.set(service, (pending = new Map()));
    const data = removeSlice ? null : sliceData(slice);
    const applied = this.applied.get(service)?.get(meta.name) ?? null;
    if (sameJSON(data, applied)) pending.delete(meta.name);
    else pending.set(meta.name, data);
    if (pending.size === 0) {
      this.pendingSlices.delete(service);
      return false;
    }
    const t = removeSlice ? receivedAt : (triggerTimeOf(slice) ?? receivedAt);
    if (t !== undefined && t >= this.startTime) {
      const times = this.triggerTimes.get(service) ?? [];
      times.push(t);
      this.triggerTimes.set(service, times);
    }
    return true;
  }

  /** Number of Services with pending slice changes. */
  pending(): number {
    return this.pendingSlices.size;
  }

  /** The pending changes as (previous, current) endpoint maps per Service; pending slices become applied. */
  checkoutChanges(): EndpointsChange[] {
    const out: EndpointsChange[] = [];
    for (const [service, pending] of this.pendingSlices) {
      const before = this.applied.get(service) ?? new Map<string, SliceData>();
      const after = new Map(before);
      for (const [name, data] of pending) {
        if (data) after.set(name, data);
        else after.delete(name);
      }
      if (after.size > 0) this.applied.set(service, after);
      else this.applied.delete(service);
      const previous = this.endpointsMapOf(service, before);
      const current = this.endpointsMapOf(service, after);
      if (!sameJSON(previous, current)) out.push({ service, previous, current });
    }
    this.pendingSlices.clear();
    return out;
  }

  /** Trigger times recorded since the last call, per Service. */
  checkoutTriggerTimes(): Map<string, number[]> {
    const out = new Map(this.triggerTimes);
    this.triggerTimes.clear();
    return out;
  }

  private endpointsMapOf(service: string, slices: Map<string, SliceData>): Map<string, EndpointInfo[]> {
    const [namespace, name] = service.split('/') as [string, string];
    const byPort = new Map<string, Map<string, EndpointInfo>>();
    // Slices in name order, so a duplicated endpoint resolves the same way every time.
    for (const sliceName of [...slices.keys()].sort()) {
      const data = slices.get(sliceName) as SliceData;
      for (const p of data.ports) {
        const key = servicePortNameString({ namespace, name, port: p.name, protocol: p.protocol });
        let eps = byPort.get(key);
        if (!eps) byPort.set(key, (eps = new Map()));
        for (const e of data.endpoints) {
          const info: EndpointInfo = {
            ip: e.ip,
            port: p.port,
            ready: e.ready,
            serving: e.serving,
            terminating: e.terminating,
            nodeName: e.nodeName,
            isLocal: this.nodeNames.has(e.nodeName),
            ...(e.podRef ? { podRef: e.podRef } : {}),
          };
          const id = endpointString(info);
          const seen = eps.get(id);
          // An endpoint listed twice (slices mid-move): the ready copy wins.
          if (!seen || (!seen.ready && info.ready)) eps.set(id, info);
        }
      }
    }
    const out = new Map<string, EndpointInfo[]>();
    for (const [key, eps] of byPort) {
      if (eps.size > 0) out.set(key, [...eps.values()].sort((a, b) => (endpointString(a) < endpointString(b) ? -1 : 1)));
    }
    return out;
  }
}

/** Endpoints of every service port (upstream EndpointsMap). */
export class EndpointsMap {
  readonly endpoints = new Map<string, EndpointInfo[]>();

  apply(changes: EndpointsChange[]): void {
    for (const c of changes) {
      for (const k of c.previous.keys()) this.endpoints.delete(k);
      for (const [k, v] of c.current) this.endpoints.set(k, v);
    }
  }
}
