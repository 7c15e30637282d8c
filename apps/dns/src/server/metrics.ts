// Prometheus metrics of the dns process, named and labelled as CoreDNS's
// (so dashboards and alerts written for CoreDNS read them): requests by
// type and transport, responses by rcode, request duration and sizes.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Query types CoreDNS reports by name; the rest are "other". */
const NAMED_TYPES = new Set(['A', 'AAAA', 'CNAME', 'SRV', 'PTR', 'TXT', 'SOA', 'NS', 'MX', 'ANY', 'HTTPS', 'SVCB', 'DS', 'DNSKEY', 'NAPTR', 'IXFR', 'AXFR']);

export function metricType(type: string): string {
  return NAMED_TYPES.has(type) ? type : 'other';
}

export class DnsMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'server' | 'zone' | 'proto' | 'family' | 'type'>;
  readonly responses: Counter<'server' | 'zone' | 'rcode'>;
  readonly duration: Histogram<'server' | 'zone' | 'type'>;
  readonly requestSize: Histogram<'server' | 'zone' | 'proto'>;
  readonly responseSize: Histogram<'server' | 'zone' | 'proto'>;
  readonly truncated: Counter<'server'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const sizes = [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16000, 32000, 48000, 64000];
    this.requests = new Counter({ name: 'coredns_dns_requests_total', help: 'Counter of DNS requests made per zone, protocol, family and type.', labelNames: ['server', 'zone', 'proto', 'family', 'type'], registers });
    this.responses = new Counter({ name: 'coredns_dns_responses_total', help: 'Counter of response status codes.', labelNames: ['server', 'zone', 'rcode'], registers });
    this.duration = new Histogram({
      name: 'coredns_dns_request_duration_seconds',
      help: 'Histogram of the time (in seconds) each request took.',
      labelNames: ['server', 'zone', 'type'],
      buckets: [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192],
      registers,
    });
    this.requestSize = new Histogram({ name: 'coredns_dns_request_size_bytes', help: 'Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.', labelNames: ['server', 'zone', 'proto'], buckets: sizes, registers });
    this.responseSize = new Histogram({ name: 'coredns_dns_response_size_bytes', help: 'Size of the returned response in bytes.', labelNames: ['server', 'zone', 'proto'], buckets: sizes, registers });
    this.truncated = new Counter({ name: 'k8ts_dns_truncated_responses_total', help: 'UDP responses truncated (TC set) because they exceeded the client buffer.', labelNames: ['server'], registers });
  }
}
