// Pod IPs from the node's podCIDR (127.244.N.0/24 by default). Like a CNI
// host-local IPAM: the network and broadcast addresses and the first host
// (.1, "gateway") are never handed out; an assignment is stable per pod UID
// and persisted to a JSON state file (written atomically), so a restarted
// kubelet gives running pods back the same IPs.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ipToNumber, numberToIp as ipToString, parseCidr as parseIPv4Cidr } from '@k8ts/apimachinery';

export class IpamExhaustedError extends Error {
  constructor(readonly cidr: string) {
    super(`no free pod IP left in ${cidr}`);
    this.name = 'IpamExhaustedError';
  }
}

interface StateFile {
  cidr: string;
  /** podUid → IP */
  allocations: Record<string, string>;
}

/** Parses "a.b.c.d/len" into a network address (uint32) and prefix length; pod ranges need prefix <= 30. */
export function parseCidr(cidr: string): { network: number; prefix: number } {
  const c = parseIPv4Cidr(cidr.trim());
  if (c.prefix > 30) throw new Error(`invalid IPv4 CIDR ${JSON.stringify(cidr)} (prefix must be <= 30)`);
  return { network: c.base, prefix: c.prefix };
}

export class PodIPAllocator {
  private readonly byUid = new Map<string, string>();
  private readonly used = new Set<number>();
  /** First and last allocatable addresses (inclusive). */
  private readonly first: number;
  private readonly last: number;
  /** Next candidate, so released IPs are not reused right away (like host-local). */
  private cursor: number;

  constructor(
    readonly cidr: string,
    private readonly stateFile: string,
  ) {
    const { network, prefix } = parseCidr(cidr);
    const size = 2 ** (32 - prefix);
    this.first = network + 2; // skip network (.0) and gateway (.1)
    this.last = network + size - 2; // skip broadcast
    this.cursor = this.first;
    this.load();
  }

  /** The pod's IP: the one it already has, or the next free one (persisted). */
  allocate(podUid: string): string {
    const existing = this.byUid.get(podUid);
    if (existing) return existing;
    const count = this.last - this.first + 1;
    for (let i = 0; i < count; i++) {
      const candidate = this.first + ((this.cursor - this.first + i) % count);
      if (this.used.has(candidate)) continue;
      const ip = ipToString(candidate);
      this.byUid.set(podUid, ip);
      this.used.add(candidate);
      this.cursor = candidate + 1 > this.last ? this.first : candidate + 1;
      this.save();
      return ip;
    }
    throw new IpamExhaustedError(this.cidr);
  }

  /** Frees the pod's IP (no-op for an unknown uid). */
  release(podUid: string): void {
    const ip = this.byUid.get(podUid);
    if (ip === undefined) return;
    this.byUid.delete(podUid);
    this.used.delete(ipToNumber(ip));
    this.save();
  }

  /** The IP of a pod, if it has one. */
  get(podUid: string): string | undefined {
    return this.byUid.get(podUid);
  }

  /** A copy of every assignment: podUid → IP. */
  allocated(): Map<string, string> {
    return new Map(this.byUid);
  }

  private inRange(n: number): boolean {
    return n >= this.first && n <= this.last;
  }

  private load(): void {
    let raw: string;
    try {
      raw = readFileSync(this.stateFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let state: Partial<StateFile>;
    try {
      state = JSON.parse(raw) as Partial<StateFile>;
    } catch {
      return; // a corrupt file is treated as empty; it is rewritten on the next change
    }
    for (const [uid, ip] of Object.entries(state.allocations ?? {})) {
      let n: number;
      try {
        n = ipToNumber(ip);
      } catch {
        continue;
      }
      // Assignments outside this CIDR (the podCIDR changed) are dropped.
      if (!this.inRange(n) || this.used.has(n)) continue;
      this.byUid.set(uid, ip);
      this.used.add(n);
      if (n + 1 > this.cursor) this.cursor = n + 1 > this.last ? this.first : n + 1;
    }
  }

  private save(): void {
    const state: StateFile = { cidr: this.cidr, allocations: Object.fromEntries(this.byUid) };
    mkdirSync(dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
    renameSync(tmp, this.stateFile);
  }
}
