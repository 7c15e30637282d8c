// DnsHandler: one DNS message in, one out. Decodes the query (dns-packet),
// resolves its question against the cluster view, encodes the response, and
// truncates UDP responses that exceed the client's buffer (512 bytes, or
// its EDNS0 size): as many answers as fit, TC set, so the client retries
// over TCP. Counts every request in the CoreDNS-style metrics and wraps it
// in a `dns query` span (a no-op span when tracing is off).
import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Packet } from 'dns-packet';
import type { ClusterView } from '../resolve/cluster-view';
import { canonicalName, labelsInZone, REVERSE_V4_ZONE, REVERSE_V6_ZONE } from '../resolve/names';
import { resolve, type Rcode, type Resolution, type ResolveOptions } from '../resolve/resolve';
import { metricType, type DnsMetrics } from './metrics';

export type Transport = 'udp' | 'tcp';

const RCODES: Record<Rcode, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
const QR = 0x8000;
const OPCODE_MASK = 0x7800;
const RD = 0x0100;

/** Smallest UDP payload every client takes (RFC 1035). */
export const MIN_UDP_SIZE = 512;
/** Largest TCP message (2-byte length prefix). */
const MAX_TCP_SIZE = 65535;
/** The EDNS0 buffer size this server advertises and caps client sizes at. */
export const MAX_UDP_SIZE = 4096;

export interface HandlerOptions extends ResolveOptions {
  /** "dns://<bind>:<port>", the metrics' server label. */
  server: string;
  metrics?: DnsMetrics;
  tracer?: Tracer;
  /** False until the caches have synced: queries get SERVFAIL (retry) rather than a cached NXDOMAIN. */
  isReady?(): boolean;
}

export class DnsHandler {
  private readonly tracer: Tracer;

  constructor(
    private readonly view: ClusterView,
    private readonly opts: HandlerOptions,
  ) {
    this.tracer = opts.tracer ?? trace.getTracer('dns');
  }

  /** The response to one message, or undefined when it gets none (garbage, or a response). */
  handle(msg: Buffer, proto: Transport, family: 4 | 6 = 4): Buffer | undefined {
    const started = performance.now();
    if (msg.length < 12) return undefined;
    let query: DecodedPacket;
    try {
      query = packet.decode(msg);
    } catch {
      if (msg.readUInt16BE(2) & QR) return undefined;
      return this.finish(errorHeader(msg, 'FORMERR'), 'FORMERR', '.', 'other', proto, started);
    }
    if (query.type === 'response') return undefined;
    const opt = (query.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
    const question = query.questions?.[0];
    const qtype = question ? metricType(question.type) : 'other';
    const zone = question ? this.zoneLabel(question.name) : '.';
    this.opts.metrics?.requests.inc({ server: this.opts.server, zone, proto, family: String(family), type: qtype });
    this.opts.metrics?.requestSize.observe({ server: this.opts.server, zone, proto }, msg.length);

    const flags = query.flags ?? 0;
    if ((flags & OPCODE_MASK) !== 0) return this.finish(this.reply(query, opt, empty('NOTIMP'), proto), 'NOTIMP', zone, qtype, proto, started);
    if (!question || (query.questions ?? []).length !== 1) return this.finish(this.reply(query, opt, empty('FORMERR'), proto), 'FORMERR', zone, qtype, proto, started);
    // EDNS versions above 0 get BADVERS (extended rcode 16: 1 in the OPT record, 0 in the header).
    if (opt && opt.ednsVersion > 0) return this.finish(this.reply(query, opt, empty('NOERROR'), proto, 1), 'BADVERS', zone, qtype, proto, started);

    const span = this.tracer.startSpan('dns query', { kind: SpanKind.SERVER });
    let result: Resolution;
    try {
      result = this.opts.isReady && !this.opts.isReady() ? empty('SERVFAIL') : resolve(question, this.view, this.opts);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      result = empty('SERVFAIL');
    }
    if (span.isRecording()) {
      span.setAttributes({
        'dns.question.name': question.name,
        'dns.question.type': question.type,
        'dns.response.rcode': result.rcode,
        'dns.answers': result.answers.length,
        'network.transport': proto,
      });
    }
    span.end();
    return this.finish(this.reply(query, opt, result, proto), result.rcode, zone, qtype, proto, started);
  }

  private zoneLabel(name: string): string {
    const n = canonicalName(name);
    for (const z of [this.opts.zone, REVERSE_V4_ZONE, REVERSE_V6_ZONE]) if (labelsInZone(n, z)) return `${z}.`;
    return '.';
  }

  private finish(out: Buffer, rcode: Rcode | 'BADVERS', zone: string, qtype: string, proto: Transport, started: number): Buffer {
    const m = this.opts.metrics;
    if (m) {
      m.responses.inc({ server: this.opts.server, zone, rcode });
      m.responseSize.observe({ server: this.opts.server, zone, proto }, out.length);
      m.duration.observe({ server: this.opts.server, zone, type: qtype }, (performance.now() - started) / 1000);
    }
    return out;
  }

  private reply(query: DecodedPacket, opt: OptAnswer | undefined, result: Resolution, proto: Transport, extendedRcode = 0): Buffer {
    let flags = ((query.flags ?? 0) & (RD | OPCODE_MASK)) | RCODES[result.rcode];
    if (result.authoritative) flags |= packet.AUTHORITATIVE_ANSWER;
    const additionals: Answer[] = [...result.additionals];
    const ednsOpt: OptAnswer | undefined = opt
      ? { type: 'OPT', name: '.', udpPayloadSize: MAX_UDP_SIZE, extendedRcode, ednsVersion: 0, flags: 0, flag_do: false, options: [] }
      : undefined;
    const response: Packet = {
      type: 'response',
      id: query.id,
      flags,
      questions: query.questions,
      answers: result.answers,
      authorities: result.authorities,
      additionals: ednsOpt ? [...additionals, ednsOpt] : additionals,
    };
    const full = packet.encode(response);
    if (proto === 'tcp') return full.length <= MAX_TCP_SIZE ? full : truncate(response, ednsOpt, MAX_TCP_SIZE, this.opts);
    const limit = Math.min(MAX_UDP_SIZE, Math.max(MIN_UDP_SIZE, opt?.udpPayloadSize ?? MIN_UDP_SIZE));
    if (full.length <= limit) return full;
    return truncate(response, ednsOpt, limit, this.opts);
  }
}

/** As many answers as fit in `limit` bytes, no authority or additional records, TC set. */
function truncate(response: Packet, opt: OptAnswer | undefined, limit: number, opts: HandlerOptions): Buffer {
  opts.metrics?.truncated.inc({ server: opts.server });
  const answers = response.answers ?? [];
  const build = (n: number): Buffer =>
    packet.encode({ ...response, flags: (response.flags ?? 0) | packet.TRUNCATED_RESPONSE, answers: answers.slice(0, n), authorities: [], additionals: opt ? [opt] : [] });
  let lo = 0;
  let hi = answers.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (build(mid).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  return build(lo);
}

function empty(rcode: Rcode): Resolution {
  return { rcode, authoritative: false, answers: [], authorities: [], additionals: [] };
}

/** A bare response header (no sections) for a message that did not decode. */
function errorHeader(msg: Buffer, rcode: Rcode): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(msg.readUInt16BE(0), 0);
  out.writeUInt16BE(QR | (msg.readUInt16BE(2) & (OPCODE_MASK | RD)) | RCODES[rcode], 2);
  return out;
}
