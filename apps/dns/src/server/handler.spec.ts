import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import * as packet from 'dns-packet';
import { FakeView, slice, svc } from '../testing/fake-view';
import { DnsHandler, MIN_UDP_SIZE } from './handler';
import { DnsMetrics } from './metrics';

type Decoded = packet.DecodedPacket & { rcode: string };

const view = new FakeView(
  [svc({ name: 'web', clusterIP: '127.96.0.20' }), svc({ name: 'big', clusterIP: 'None' })],
  [slice({ name: 'big-1', service: 'big', endpoints: Array.from({ length: 40 }, (_, i) => ({ ip: `127.244.3.${i + 1}` })) })],
);
const base = { zone: 'cluster.local', ttl: 5, dnsIP: '127.96.0.10', server: 'dns://test' };

function query(name: string, type: packet.RecordType = 'A', extra: Partial<packet.Packet> = {}): Buffer {
  return packet.encode({ type: 'query', id: 99, flags: packet.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }], ...extra });
}

function decode(buf: Buffer | undefined): Decoded {
  if (!buf) throw new Error('no response');
  return packet.decode(buf) as Decoded;
}

describe('DnsHandler', () => {
  let tracing: TestTracing;
  beforeAll(() => {
    tracing = startTestTracing({ serviceName: 'dns' });
  });
  afterAll(async () => {
    await tracing.shutdown();
  });
  beforeEach(() => tracing.reset());

  it('one "dns query" span per query, with name, type and rcode', () => {
    const h = new DnsHandler(view, base);
    h.handle(query('web.default.svc.cluster.local'), 'udp');
    h.handle(query('nope.default.svc.cluster.local', 'AAAA'), 'tcp');
    expect(tracing.spans().map((s) => [s.name, s.attributes['dns.question.name'], s.attributes['dns.question.type'], s.attributes['dns.response.rcode'], s.attributes['network.transport']])).toEqual([
      ['dns query', 'web.default.svc.cluster.local', 'A', 'NOERROR', 'udp'],
      ['dns query', 'nope.default.svc.cluster.local', 'AAAA', 'NXDOMAIN', 'tcp'],
    ]);
  });

  it.each([
    { desc: 'answer: id, QR, AA, RD echoed, RA clear', msg: () => query('web.default.svc.cluster.local'), want: { id: 99, flag_qr: true, flag_aa: true, flag_rd: true, flag_ra: false, rcode: 'NOERROR' } },
    { desc: 'REFUSED outside the zone, not authoritative', msg: () => query('example.com'), want: { rcode: 'REFUSED', flag_aa: false } },
    {
      desc: 'two questions: FORMERR',
      msg: () =>
        packet.encode({
          type: 'query',
          id: 5,
          questions: [
            { name: 'a.cluster.local', type: 'A', class: 'IN' },
            { name: 'b.cluster.local', type: 'A', class: 'IN' },
          ],
        }),
      want: { id: 5, rcode: 'FORMERR' },
    },
    { desc: 'no question: FORMERR', msg: () => packet.encode({ type: 'query', id: 6, questions: [] }), want: { id: 6, rcode: 'FORMERR' } },
  ])('$desc', ({ msg, want }) => {
    expect(decode(new DnsHandler(view, base).handle(msg(), 'udp'))).toMatchObject(want);
  });

  it('EDNS version 1: BADVERS in the OPT record, no answer', () => {
    const msg = query('web.default.svc.cluster.local', 'A', {
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 1, flags: 0, flag_do: false, options: [] }],
    });
    const res = decode(new DnsHandler(view, base).handle(msg, 'udp'));
    const opt = res.additionals?.find((a): a is packet.OptAnswer => a.type === 'OPT');
    expect(res.answers).toEqual([]);
    expect(opt?.extendedRcode).toBe(1);
    expect(opt?.ednsVersion).toBe(0);
  });

  it('SERVFAIL until the caches synced, then answers', () => {
    let ready = false;
    const h = new DnsHandler(view, { ...base, isReady: () => ready });
    expect(decode(h.handle(query('web.default.svc.cluster.local'), 'udp')).rcode).toBe('SERVFAIL');
    ready = true;
    expect(decode(h.handle(query('web.default.svc.cluster.local'), 'udp')).rcode).toBe('NOERROR');
  });

  it.each([
    { desc: 'UDP without EDNS: cut to 512 bytes, TC', proto: 'udp' as const, edns: undefined, tc: true, maxBytes: MIN_UDP_SIZE },
    { desc: 'UDP with EDNS 1232: cut to 1232, TC', proto: 'udp' as const, edns: 1232, tc: true, maxBytes: 1232 },
    { desc: 'UDP with EDNS 4096: fits, no TC', proto: 'udp' as const, edns: 4096, tc: false, maxBytes: 4096 },
    { desc: 'UDP with EDNS below 512: 512 still applies', proto: 'udp' as const, edns: 100, tc: true, maxBytes: MIN_UDP_SIZE },
    { desc: 'TCP: complete', proto: 'tcp' as const, edns: undefined, tc: false, maxBytes: 65535 },
  ])('40 endpoints: $desc', ({ proto, edns, tc, maxBytes }) => {
    const metrics = new DnsMetrics({ defaultMetrics: false });
    const extra: Partial<packet.Packet> = edns
      ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: edns, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] }
      : {};
    const out = new DnsHandler(view, { ...base, metrics }).handle(query('big.default.svc.cluster.local', 'A', extra), proto);
    const res = decode(out);
    expect(res.flag_tc).toBe(tc);
    expect(out?.length).toBeLessThanOrEqual(maxBytes);
    if (!tc) expect(res.answers?.filter((a) => a.type === 'A')).toHaveLength(40);
    else expect(res.answers?.length).toBeGreaterThan(0);
    expect(res.additionals?.some((a) => a.type === 'OPT')).toBe(edns !== undefined);
  });

  it('counts requests by proto and type, responses by rcode', async () => {
    const metrics = new DnsMetrics({ defaultMetrics: false });
    const h = new DnsHandler(view, { ...base, metrics });
    h.handle(query('web.default.svc.cluster.local'), 'udp');
    h.handle(query('web.default.svc.cluster.local', 'SRV'), 'tcp');
    h.handle(query('nope.default.svc.cluster.local', 'TYPE65' as packet.RecordType), 'udp');
    const text = await metrics.registry.metrics();
    expect(text).toContain('coredns_dns_requests_total{server="dns://test",zone="cluster.local.",proto="udp",family="4",type="A"} 1');
    expect(text).toContain('coredns_dns_requests_total{server="dns://test",zone="cluster.local.",proto="tcp",family="4",type="SRV"} 1');
    expect(text).toContain('coredns_dns_responses_total{server="dns://test",zone="cluster.local.",rcode="NXDOMAIN"} 1');
    expect(text).toContain('coredns_dns_request_duration_seconds_count{server="dns://test",zone="cluster.local.",type="A"} 1');
  });
});
