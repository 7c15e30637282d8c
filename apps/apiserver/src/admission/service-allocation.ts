// Allocates ClusterIPs and NodePorts for Services, as upstream's service REST
// storage does: requested values are honoured or rejected (taken, out of
// range), missing ones are picked, and everything is released on delete, on
// a type change that no longer needs it, or when the write fails.
import type { Service, ServicePort } from '@k8ts/api';
import { type Cidr, cidrAddress, cidrContains, type FieldError, invalid, ipToNumber, newInvalid, parseCidr } from '@k8ts/apimachinery';
import { AlreadyAllocatedError, RangeAllocator, RangeFullError } from '../allocators/range-allocator';
import type { RawStorage } from '../storage/interface';
import type { AdmissionContext, AdmissionPlugin, KubeObject } from '../registry/generic/strategy';

export interface ServiceAllocationOptions {
  serviceCidr: string;
  /** "30000-32767" */
  nodePortRange: string;
}

interface Pending {
  allocated: string[];
  allocatedPorts: number[];
  releaseIps: string[];
  releasePorts: number[];
}

export class ServiceAllocation implements AdmissionPlugin {
  readonly name = 'ServiceAllocation';
  readonly cidr: Cidr;
  readonly ips: RangeAllocator;
  readonly ports: RangeAllocator;
  private readonly portMin: number;
  private readonly portMax: number;
  private readonly pending = new WeakMap<KubeObject, Pending>();

  constructor(storage: RawStorage, opts: ServiceAllocationOptions) {
    this.cidr = parseCidr(opts.serviceCidr);
    const [lo, hi] = opts.nodePortRange.split('-').map(Number);
    if (!lo || !hi || lo > hi) throw new Error(`invalid node port range: ${opts.nodePortRange}`);
    this.portMin = lo;
    this.portMax = hi;
    // Dynamic picks avoid the low band, where well-known IPs (the API
    // service, kube-dns at .10) and user-chosen ones usually live.
    const usable = this.cidr.size - 2;
    const staticBand = Math.min(Math.max(16, Math.floor(usable / 16)), 256);
    this.ips = new RangeAllocator(storage, {
      resource: 'serviceipallocations',
      min: 1,
      max: usable,
      dynamicFrom: staticBand + 1,
      format: (n) => cidrAddress(this.cidr, n),
      what: 'IP',
    });
    this.ports = new RangeAllocator(storage, {
      resource: 'servicenodeportallocations',
      min: lo,
      max: hi,
      format: String,
      what: 'port',
    });
  }

  /** The first service IP, which the `kubernetes` service gets. */
  get apiServiceIp(): string {
    return cidrAddress(this.cidr, 1);
  }

  async admit(ctx: AdmissionContext, obj: KubeObject, old: KubeObject | undefined): Promise<void> {
    if (ctx.resource !== 'services' || ctx.subresource !== '') return;
    if (ctx.operation === 'DELETE') return;
    const svc = obj as Service;
    const prev = ctx.operation === 'UPDATE' ? (old as Service) : undefined;
    const pending: Pending = { allocated: [], allocatedPorts: [], releaseIps: [], releasePorts: [] };
    this.pending.set(obj, pending);
    const owner = { owner: `${svc.metadata?.namespace}/${svc.metadata?.name}`, uid: svc.metadata?.uid };
    const errs: FieldError[] = [];
    try {
      await this.admitClusterIp(svc, prev, owner, pending, errs);
      await this.admitNodePorts(svc, prev, owner, pending, errs);
    } catch (err) {
      await this.rollback(pending);
      throw err;
    }
    if (errs.length > 0) {
      await this.rollback(pending);
      throw newInvalid({ group: '', kind: 'Service' }, svc.metadata?.name ?? '', errs);
    }
  }

  async committed(ctx: AdmissionContext, obj: KubeObject | undefined, old: KubeObject | undefined, ok: boolean): Promise<void> {
    if (ctx.resource !== 'services') return;
    if (ctx.operation === 'DELETE') {
      if (ok && old) await this.releaseAll(old as Service);
      return;
    }
    if (!obj) return;
    const pending = this.pending.get(obj);
    if (!pending) return;
    this.pending.delete(obj);
    if (!ok || ctx.dryRun) {
      await this.rollback(pending);
      return;
    }
    for (const ip of pending.releaseIps) await this.ips.release(ip);
    for (const p of pending.releasePorts) await this.ports.release(String(p));
  }

  async releaseAll(svc: Service): Promise<void> {
    for (const ip of svc.spec?.clusterIPs ?? [svc.spec?.clusterIP]) {
      if (ip && ip !== 'None' && this.inRange(ip)) await this.ips.release(ip);
    }
    for (const p of svc.spec?.ports ?? []) if (p.nodePort) await this.ports.release(String(p.nodePort));
  }

  private inRange(ip: string): boolean {
    try {
      return cidrContains(this.cidr, ip);
    } catch {
      return false;
    }
  }

  private async rollback(p: Pending): Promise<void> {
    for (const ip of p.allocated) await this.ips.release(ip);
    for (const port of p.allocatedPorts) await this.ports.release(String(port));
    p.allocated = [];
    p.allocatedPorts = [];
  }

  private async admitClusterIp(svc: Service, prev: Service | undefined, owner: { owner: string }, pending: Pending, errs: FieldError[]) {
    const spec = (svc.spec ??= {});
    const wantsIp = spec.type !== 'ExternalName';
    const prevIp = prev?.spec?.clusterIP;
    if (!wantsIp) {
      if (prevIp && prevIp !== 'None') pending.releaseIps.push(prevIp);
      spec.clusterIP = undefined;
      spec.clusterIPs = [];
      return;
    }
    if (prev && prev.spec?.type !== 'ExternalName' && prevIp) {
      // clusterIP is immutable (the strategy validates); keep the allocation.
      spec.clusterIP = prevIp;
      spec.clusterIPs = prev.spec?.clusterIPs?.length ? [...prev.spec.clusterIPs] : [prevIp];
      return;
    }
    const requested = spec.clusterIP || spec.clusterIPs?.[0] || '';
    if (requested === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      return;
    }
    const path = 'spec.clusterIPs[0]';
    let ip: string;
    if (requested) {
      let n: number;
      try {
        n = ipToNumber(requested) - this.cidr.base;
      } catch {
        errs.push(invalid(path, requested, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
        return;
      }
      if (n <= 0 || n >= this.cidr.size - 1) {
        errs.push(invalid(path, requested, `failed to allocate IP ${requested}: provided IP is not in the valid range. The range of valid IPs is ${this.cidrString()}`));
        return;
      }
      try {
        ip = await this.ips.allocate(n, owner);
      } catch (err) {
        if (!(err instanceof AlreadyAllocatedError)) throw err;
        errs.push(invalid(path, requested, `failed to allocate IP ${requested}: provided IP is already allocated`));
        return;
      }
    } else {
      try {
        ip = await this.ips.allocateNext(owner);
      } catch (err) {
        if (!(err instanceof RangeFullError)) throw err;
        errs.push(invalid(path, '', `failed to allocate a serviceIP: range is full`));
        return;
      }
    }
    pending.allocated.push(ip);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    spec.ipFamilies = ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }

  private async admitNodePorts(svc: Service, prev: Service | undefined, owner: { owner: string }, pending: Pending, errs: FieldError[]) {
    const spec = svc.spec ?? {};
    const needs = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    const prevPorts = new Set((prev?.spec?.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p));
    const keep = new Set<number>();
    for (const [i, port] of (spec.ports ?? []).entries()) {
      if (!needs) {
        port.nodePort = undefined;
        continue;
      }
      const got = await this.nodePortFor(port, i, prevPorts, owner, pending, errs);
      if (got) keep.add(got);
    }
    for (const p of prevPorts) if (!keep.has(p)) pending.releasePorts.push(p);
  }

  private async nodePortFor(port: ServicePort, i: number, prevPorts: Set<number>, owner: { owner: string }, pending: Pending, errs: FieldError[]) {
    const path = `spec.ports[${i}].nodePort`;
    const wanted = port.nodePort;
    if (wanted && prevPorts.has(wanted)) return wanted;
    if (wanted && pending.allocatedPorts.includes(wanted)) return wanted;
    if (wanted) {
      if (wanted < this.portMin || wanted > this.portMax) {
        errs.push(invalid(path, wanted, `provided port is not in the valid range. The range of valid ports is ${this.portMin}-${this.portMax}`));
        return undefined;
      }
      try {
        await this.ports.allocate(wanted, owner);
      } catch (err) {
        if (!(err instanceof AlreadyAllocatedError)) throw err;
        errs.push(invalid(path, wanted, 'provided port is already allocated'));
        return undefined;
      }
      pending.allocatedPorts.push(wanted);
      return wanted;
    }
    try {
      const p = Number(await this.ports.allocateNext(owner));
      pending.allocatedPorts.push(p);
      port.nodePort = p;
      return p;
    } catch (err) {
      if (!(err instanceof RangeFullError)) throw err;
      errs.push(invalid(path, 0, 'failed to allocate a nodePort: range is full'));
      return undefined;
    }
  }

  private cidrString(): string {
    return `${cidrAddress(this.cidr, 0)}/${this.cidr.prefix}`;
  }
}
