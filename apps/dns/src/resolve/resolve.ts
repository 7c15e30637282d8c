// resolve(): the answer to one DNS question, computed from a read-only view
// of the cluster, following the Kubernetes DNS-based service discovery
// specification (schema 1.1.0). Pure: no I/O, no clock.
//
// Names served (all case-insensitive):
//   <zone>                                  SOA, NS (ns.dns.<zone>)
//   ns.dns.<zone>                           A/AAAA of the DNS service IP
//   dns-version.<zone>                      TXT "1.1.0"
//   <svc>.<ns>.svc.<zone>                   ClusterIP: A/AAAA of its ClusterIPs;
//                                           headless: A/AAAA of every ready endpoint;
//                                           ExternalName: CNAME; SRV of its named ports
//   <host>.<svc>.<ns>.svc.<zone>            headless: A/AAAA of the endpoint with that
//                                           hostname (or dashed IP)
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV (ClusterIP: one, target the service;
//                                           headless: one per ready endpoint)
//   <a-b-c-d>.<ns>.pod.<zone>               A (any well-formed IP, CoreDNS "pods insecure")
//   <d.c.b.a>.in-addr.arpa, ip6.arpa        PTR of ClusterIPs and endpoint addresses
// A name that exists without records of the asked type gets NODATA (NOERROR,
// no answers, SOA in authority); a name that does not exist, NXDOMAIN with
// the SOA. Names outside the zones are REFUSED: this server does not recurse
// (no upstream forwarding; pods resolve external names through their
// node's resolver). Zone transfers are REFUSED too.
import type { Answer, SrvAnswer, StringAnswer } from 'dns-packet';
import type { ClusterView } from './cluster-view';
import { clusterIPs, isExternalName, isHeadless, servicePorts, sliceEndpoints, slicePorts } from './endpoints';
import { canonicalName, dashedIP, isV6, labelsInZone, parseDashedIP, parseReverseLabels, REVERSE_V4_ZONE, REVERSE_V6_ZONE } from './names';

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

/** Schema version of the specification this server implements (TXT dns-version.<zone>). */
export const DNS_SCHEMA_VERSION = '1.1.0';

export interface DnsQuestion {
  name: string;
  type: string;
  class?: string;
}

export interface Resolution {
  rcode: Rcode;
  /** Set when the name is in one of our zones. */
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export interface ResolveOptions {
  /** The cluster domain, canonical (cluster.local). */
  zone: string;
  /** TTL of every record. */
  ttl: number;
  /** The kube-dns Service IP (ns.dns.<zone>). */
  dnsIP: string;
  /** SOA serial (default 1). */
  serial?: number;
}

/** Records at one owner name; undefined means the name does not exist. */
type Node = { records: Answer[] };

interface Ctx {
  view: ClusterView;
  opts: ResolveOptions;
}

const MAX_CNAME_CHAIN = 8;
const ZONE_TRANSFERS = new Set(['AXFR', 'IXFR']);

export function resolve(question: DnsQuestion, view: ClusterView, opts: ResolveOptions): Resolution {
  const qclass = question.class ?? 'IN';
  const name = canonicalName(question.name);
  const zone = zoneOf(name, opts.zone);
  // Outside our zones (no recursion), other classes, and zone transfers are refused.
  if (!zone || (qclass !== 'IN' && qclass !== 'ANY') || ZONE_TRANSFERS.has(question.type)) return { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [], additionals: [] };
  const ctx: Ctx = { view, opts };
  const qtype = question.type;

  const answers: Answer[] = [];
  let owner = name;
  let current = lookup(ctx, owner, zone);
  for (let hops = 0; current && hops < MAX_CNAME_CHAIN; hops++) {
    const cname = current.records.find((r): r is StringAnswer => r.type === 'CNAME');
    const wanted = qtype === 'ANY' ? current.records : current.records.filter((r) => r.type === qtype);
    if (wanted.length > 0 || !cname || qtype === 'CNAME') {
      answers.push(...wanted);
      break;
    }
    // Follow the alias while it stays in a zone of ours.
    answers.push(cname);
    owner = canonicalName(cname.data);
    const targetZone = zoneOf(owner, opts.zone);
    if (!targetZone) break;
    current = lookup(ctx, owner, targetZone);
    if (!current) return negative(ctx, 'NXDOMAIN', targetZone, answers);
  }
  if (!current) return negative(ctx, 'NXDOMAIN', zone, answers);
  // Answers to the question itself carry the name as asked (0x20 case randomization).
  for (const a of answers) if (a.name === name) a.name = question.name.replace(/\.$/, '');
  if (answers.length === 0) return negative(ctx, 'NOERROR', zone, []);
  return { rcode: 'NOERROR', authoritative: true, answers, authorities: [], additionals: additionalsFor(ctx, answers) };
}

function zoneOf(name: string, clusterZone: string): string | undefined {
  for (const z of [clusterZone, REVERSE_V4_ZONE, REVERSE_V6_ZONE]) if (labelsInZone(name, z)) return z;
  return undefined;
}

function negative(ctx: Ctx, rcode: Rcode, zone: string, answers: Answer[]): Resolution {
  return { rcode, authoritative: true, answers, authorities: [soa(ctx, zone)], additionals: [] };
}

function soa(ctx: Ctx, zone: string): Answer {
  const { opts } = ctx;
  return {
    type: 'SOA',
    name: zone,
    ttl: opts.ttl,
    class: 'IN',
    data: {
      mname: `ns.dns.${opts.zone}`,
      rname: `hostmaster.${opts.zone}`,
      serial: opts.serial ?? 1,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: opts.ttl,
    },
  };
}

function rec(ctx: Ctx, name: string, type: 'A' | 'AAAA' | 'CNAME' | 'PTR' | 'NS', data: string): Answer {
  return { type, name, ttl: ctx.opts.ttl, class: 'IN', data };
}

function addressRec(ctx: Ctx, name: string, ip: string): Answer {
  return rec(ctx, name, isV6(ip) ? 'AAAA' : 'A', ip);
}

function srv(ctx: Ctx, name: string, port: number, target: string): SrvAnswer {
  return { type: 'SRV', name, ttl: ctx.opts.ttl, class: 'IN', data: { priority: 0, weight: 0, port, target } };
}

/** SRV weights split 100 between the records of one owner, as CoreDNS does. */
function weigh(records: Answer[]): Answer[] {
  const srvs = records.filter((r): r is SrvAnswer => r.type === 'SRV');
  const byOwner = new Map<string, SrvAnswer[]>();
  for (const r of srvs) byOwner.set(r.name, [...(byOwner.get(r.name) ?? []), r]);
  for (const group of byOwner.values()) for (const r of group) r.data.weight = Math.max(1, Math.floor(100 / group.length));
  return records;
}

/** Every record at a name of one of our zones, or undefined when the name does not exist. */
function lookup(ctx: Ctx, name: string, zone: string): Node | undefined {
  const labels = labelsInZone(name, zone) as string[];
  if (zone !== ctx.opts.zone) return lookupReverse(ctx, name, labels, zone);
  const { opts } = ctx;
  if (labels.length === 0) return { records: [soa(ctx, zone), rec(ctx, zone, 'NS', `ns.dns.${zone}`)] };
  const top = labels[labels.length - 1];
  const rest = labels.slice(0, -1);
  if (labels.length === 1 && top === 'dns-version') return { records: [{ type: 'TXT', name, ttl: opts.ttl, class: 'IN', data: [DNS_SCHEMA_VERSION] }] };
  if (top === 'dns') {
    if (rest.length === 0) return { records: [] };
    if (rest.length === 1 && rest[0] === 'ns') return { records: [addressRec(ctx, name, opts.dnsIP)] };
    return undefined;
  }
  if (top === 'svc') return lookupService(ctx, name, rest);
  if (top === 'pod') return lookupPod(ctx, name, rest);
  return undefined;
}

function lookupPod(ctx: Ctx, name: string, labels: string[]): Node | undefined {
  // pod.<zone> and <ns>.pod.<zone> are empty non-terminals.
  if (labels.length <= 1) return { records: [] };
  if (labels.length !== 2) return undefined;
  const ip = parseDashedIP(labels[0]);
  return ip ? { records: [addressRec(ctx, name, ip)] } : undefined;
}

function lookupService(ctx: Ctx, name: string, labels: string[]): Node | undefined {
  const { view, opts } = ctx;
  if (labels.length === 0) return { records: [] };
  const namespace = labels[labels.length - 1];
  if (labels.length === 1) return view.hasServicesIn(namespace) ? { records: [] } : undefined;
  const svcName = labels[labels.length - 2];
  const service = view.service(namespace, svcName);
  if (!service) return undefined;
  const svcFqdn = `${svcName}.${namespace}.svc.${opts.zone}`;
  const inner = labels.slice(0, -2);
  if (isExternalName(service)) {
    if (inner.length > 0) return undefined;
    const target = canonicalName(service.spec?.externalName ?? '');
    return target ? { records: [rec(ctx, name, 'CNAME', target)] } : { records: [] };
  }
  const headless = isHeadless(service);
  const slices = headless ? view.slicesOf(namespace, svcName) : [];
  const endpoints = headless ? sliceEndpoints(slices, { readyOnly: true }) : [];
  const ports = headless ? slicePorts(slices) : servicePorts(service);

  // SRV records of a port at `owner`.
  const srvsFor = (owner: string, port: { port: number }) =>
    headless ? endpoints.map((ep) => srv(ctx, owner, port.port, `${ep.hostname}.${svcFqdn}`)) : [srv(ctx, owner, port.port, svcFqdn)];

  if (inner.length === 0) {
    const addresses = headless ? endpoints.map((ep) => addressRec(ctx, name, ep.ip)) : clusterIPs(service).map((ip) => addressRec(ctx, name, ip));
    return { records: weigh([...addresses, ...ports.flatMap((p) => srvsFor(name, p))]) };
  }
  if (inner.length === 1) {
    const label = inner[0];
    if (label.startsWith('_')) {
      // _<proto>.<svc>... : an empty non-terminal above the SRV owners.
      return ports.some((p) => `_${p.protocol}` === label) ? { records: [] } : undefined;
    }
    if (!headless) return undefined;
    const matches = endpoints.filter((ep) => ep.hostname === label);
    return matches.length ? { records: matches.map((ep) => addressRec(ctx, name, ep.ip)) } : undefined;
  }
  if (inner.length === 2 && inner[0].startsWith('_') && inner[1].startsWith('_')) {
    const portName = inner[0].slice(1);
    const protocol = inner[1].slice(1);
    const matching = ports.filter((p) => p.name === portName && p.protocol === protocol);
    if (matching.length === 0) return undefined;
    return { records: weigh(matching.flatMap((p) => srvsFor(name, p))) };
  }
  return undefined;
}

function lookupReverse(ctx: Ctx, name: string, labels: string[], zone: string): Node | undefined {
  const { view, opts } = ctx;
  if (labels.length === 0) return { records: [soa(ctx, zone), rec(ctx, zone, 'NS', `ns.dns.${opts.zone}`)] };
  const ip = parseReverseLabels(labels, zone);
  // A partial reverse name (10.in-addr.arpa) may lead to addresses: do not deny it.
  if (!ip) return (zone === REVERSE_V4_ZONE ? labels.length < 4 : labels.length < 32) ? { records: [] } : undefined;
  const targets = new Set<string>();
  for (const svc of view.servicesByClusterIP(ip)) {
    if (isExternalName(svc) || isHeadless(svc)) continue;
    targets.add(`${svc.metadata?.name}.${svc.metadata?.namespace}.svc.${opts.zone}`);
  }
  for (const slice of view.slicesByAddress(ip)) {
    const namespace = slice.metadata?.namespace ?? '';
    const svcName = slice.metadata?.labels?.['kubernetes.io/service-name'];
    const svc = svcName ? view.service(namespace, svcName) : undefined;
    if (svc && isHeadless(svc)) {
      for (const ep of sliceEndpoints([slice], { readyOnly: true })) if (ep.ip === ip) targets.add(`${ep.hostname}.${svcName}.${namespace}.svc.${opts.zone}`);
    } else {
      targets.add(`${dashedIP(ip)}.${namespace}.pod.${opts.zone}`);
    }
  }
  if (targets.size === 0) return undefined;
  return { records: [...targets].map((t) => rec(ctx, name, 'PTR', t)) };
}

/** A/AAAA records of in-zone SRV targets (the additional section). */
function additionalsFor(ctx: Ctx, answers: Answer[]): Answer[] {
  const out: Answer[] = [];
  const seen = new Set<string>();
  for (const a of answers) {
    if (a.type !== 'SRV') continue;
    const target = canonicalName(a.data.target);
    if (seen.has(target)) continue;
    seen.add(target);
    const zone = zoneOf(target, ctx.opts.zone);
    if (zone !== ctx.opts.zone) continue;
    const node = lookup(ctx, target, zone);
    for (const r of node?.records ?? []) if (r.type === 'A' || r.type === 'AAAA') out.push(r);
  }
  return out;
}
