import type { Answer } from 'dns-packet';
import { FakeView, slice, svc } from '../testing/fake-view';
import { resolve, type Resolution } from './resolve';

const ZONE = 'cluster.local';
const opts = { zone: ZONE, ttl: 5, dnsIP: '127.96.0.10', serial: 42 };

const view = new FakeView(
  [
    svc({ name: 'web', clusterIP: '127.96.0.20', ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }, { port: 9000 }] }),
    svc({ name: 'db', clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
    svc({ name: 'empty', clusterIP: 'None' }),
    svc({ name: 'ext', externalName: 'example.com' }),
    svc({ name: 'alias', externalName: 'web.default.svc.cluster.local' }),
    svc({ name: 'dangling', externalName: 'nope.default.svc.cluster.local' }),
    svc({ name: 'api', namespace: 'team-a', clusterIP: '127.96.0.30', ports: [{ name: 'grpc', port: 6000 }] }),
    svc({ name: 'v6', clusterIP: 'fd00::10' }),
  ],
  [
    slice({
      name: 'db-abc',
      service: 'db',
      endpoints: [{ ip: '127.244.1.5', hostname: 'db-0' }, { ip: '127.244.1.6' }, { ip: '127.244.1.7', ready: false }],
      ports: [{ name: 'pg', port: 15432 }],
    }),
    // The same endpoint in a second slice (controller moving it): answered once.
    slice({ name: 'db-def', service: 'db', endpoints: [{ ip: '127.244.1.5', hostname: 'db-0' }], ports: [{ name: 'pg', port: 15432 }] }),
    slice({ name: 'web-abc', service: 'web', endpoints: [{ ip: '127.244.2.9' }], ports: [{ name: 'http', port: 8080 }] }),
  ],
);

function show(records: Answer[]): string[] {
  return records.map((r) => {
    if (r.type === 'OPT') return 'OPT';
    const d = r.data as unknown;
    if (r.type === 'SRV') {
      const s = r.data;
      return `${r.name} SRV ${s.priority} ${s.weight} ${s.port} ${s.target}`;
    }
    if (r.type === 'SOA') return `${r.name} SOA ${r.data.mname} ${r.data.rname}`;
    if (r.type === 'TXT') return `${r.name} TXT ${JSON.stringify(d)}`;
    return `${r.name} ${r.type} ${String(d)}`;
  });
}

function summary(res: Resolution) {
  return { rcode: res.rcode, answers: show(res.answers), authority: show(res.authorities).map((a) => a.split(' ').slice(0, 2).join(' ')), additionals: show(res.additionals) };
}

describe('resolve', () => {
  it.each([
    {
      desc: 'ClusterIP Service: A',
      q: ['web.default.svc.cluster.local', 'A'],
      want: { rcode: 'NOERROR', answers: ['web.default.svc.cluster.local A 127.96.0.20'], authority: [], additionals: [] },
    },
    { desc: 'case-insensitive, answered in the case asked', q: ['WeB.Default.SVC.cluster.LOCAL', 'A'], want: { rcode: 'NOERROR', answers: ['WeB.Default.SVC.cluster.LOCAL A 127.96.0.20'] } },
    { desc: 'other namespace', q: ['api.team-a.svc.cluster.local', 'A'], want: { answers: ['api.team-a.svc.cluster.local A 127.96.0.30'] } },
    { desc: 'IPv6 ClusterIP: AAAA', q: ['v6.default.svc.cluster.local', 'AAAA'], want: { rcode: 'NOERROR', answers: ['v6.default.svc.cluster.local AAAA fd00::10'] } },
    { desc: 'ClusterIP Service: AAAA is NODATA', q: ['web.default.svc.cluster.local', 'AAAA'], want: { rcode: 'NOERROR', answers: [], authority: ['cluster.local SOA'] } },
    {
      desc: 'ClusterIP SRV of a named port, target the service, A in additional',
      q: ['_http._tcp.web.default.svc.cluster.local', 'SRV'],
      want: {
        rcode: 'NOERROR',
        answers: ['_http._tcp.web.default.svc.cluster.local SRV 0 100 80 web.default.svc.cluster.local'],
        additionals: ['web.default.svc.cluster.local A 127.96.0.20'],
      },
    },
    { desc: 'SRV of a UDP port', q: ['_dns._udp.web.default.svc.cluster.local', 'SRV'], want: { answers: ['_dns._udp.web.default.svc.cluster.local SRV 0 100 53 web.default.svc.cluster.local'] } },
    { desc: 'SRV with the wrong protocol is NXDOMAIN', q: ['_http._udp.web.default.svc.cluster.local', 'SRV'], want: { rcode: 'NXDOMAIN', answers: [], authority: ['cluster.local SOA'] } },
    { desc: 'SRV of an unknown port is NXDOMAIN', q: ['_nope._tcp.web.default.svc.cluster.local', 'SRV'], want: { rcode: 'NXDOMAIN' } },
    { desc: '_tcp.<svc> is an empty non-terminal: NODATA', q: ['_tcp.web.default.svc.cluster.local', 'SRV'], want: { rcode: 'NOERROR', answers: [] } },
    {
      desc: 'SRV at the bare service name lists its named ports',
      q: ['web.default.svc.cluster.local', 'SRV'],
      want: {
        answers: ['web.default.svc.cluster.local SRV 0 50 80 web.default.svc.cluster.local', 'web.default.svc.cluster.local SRV 0 50 53 web.default.svc.cluster.local'],
        additionals: ['web.default.svc.cluster.local A 127.96.0.20'],
      },
    },
    {
      desc: 'headless: one A per ready endpoint, deduplicated across slices',
      q: ['db.default.svc.cluster.local', 'A'],
      want: { rcode: 'NOERROR', answers: ['db.default.svc.cluster.local A 127.244.1.5', 'db.default.svc.cluster.local A 127.244.1.6'] },
    },
    { desc: 'headless endpoint hostname', q: ['db-0.db.default.svc.cluster.local', 'A'], want: { rcode: 'NOERROR', answers: ['db-0.db.default.svc.cluster.local A 127.244.1.5'] } },
    { desc: 'headless endpoint without hostname: dashed IP', q: ['127-244-1-6.db.default.svc.cluster.local', 'A'], want: { answers: ['127-244-1-6.db.default.svc.cluster.local A 127.244.1.6'] } },
    { desc: 'headless: not-ready endpoint has no name', q: ['127-244-1-7.db.default.svc.cluster.local', 'A'], want: { rcode: 'NXDOMAIN' } },
    { desc: 'hostname under a ClusterIP Service is NXDOMAIN', q: ['x.web.default.svc.cluster.local', 'A'], want: { rcode: 'NXDOMAIN' } },
    {
      desc: 'headless SRV: one per ready endpoint, endpoint port, hostname targets',
      q: ['_pg._tcp.db.default.svc.cluster.local', 'SRV'],
      want: {
        answers: [
          '_pg._tcp.db.default.svc.cluster.local SRV 0 50 15432 db-0.db.default.svc.cluster.local',
          '_pg._tcp.db.default.svc.cluster.local SRV 0 50 15432 127-244-1-6.db.default.svc.cluster.local',
        ],
        additionals: ['db-0.db.default.svc.cluster.local A 127.244.1.5', '127-244-1-6.db.default.svc.cluster.local A 127.244.1.6'],
      },
    },
    { desc: 'headless without endpoints: NODATA', q: ['empty.default.svc.cluster.local', 'A'], want: { rcode: 'NOERROR', answers: [], authority: ['cluster.local SOA'] } },
    { desc: 'ExternalName: CNAME for A', q: ['ext.default.svc.cluster.local', 'A'], want: { rcode: 'NOERROR', answers: ['ext.default.svc.cluster.local CNAME example.com'] } },
    { desc: 'ExternalName: CNAME for CNAME', q: ['ext.default.svc.cluster.local', 'CNAME'], want: { answers: ['ext.default.svc.cluster.local CNAME example.com'] } },
    {
      desc: 'ExternalName to an in-zone name is followed',
      q: ['alias.default.svc.cluster.local', 'A'],
      want: { rcode: 'NOERROR', answers: ['alias.default.svc.cluster.local CNAME web.default.svc.cluster.local', 'web.default.svc.cluster.local A 127.96.0.20'] },
    },
    {
      desc: 'ExternalName to a missing in-zone name: NXDOMAIN with the CNAME',
      q: ['dangling.default.svc.cluster.local', 'A'],
      want: { rcode: 'NXDOMAIN', answers: ['dangling.default.svc.cluster.local CNAME nope.default.svc.cluster.local'] },
    },
    { desc: 'PTR of a ClusterIP', q: ['20.0.96.127.in-addr.arpa', 'PTR'], want: { rcode: 'NOERROR', answers: ['20.0.96.127.in-addr.arpa PTR web.default.svc.cluster.local'] } },
    { desc: 'PTR of a headless endpoint with hostname', q: ['5.1.244.127.in-addr.arpa', 'PTR'], want: { answers: ['5.1.244.127.in-addr.arpa PTR db-0.db.default.svc.cluster.local'] } },
    { desc: 'PTR of a headless endpoint without hostname', q: ['6.1.244.127.in-addr.arpa', 'PTR'], want: { answers: ['6.1.244.127.in-addr.arpa PTR 127-244-1-6.db.default.svc.cluster.local'] } },
    { desc: 'PTR of a ClusterIP Service endpoint: pod form', q: ['9.2.244.127.in-addr.arpa', 'PTR'], want: { answers: ['9.2.244.127.in-addr.arpa PTR 127-244-2-9.default.pod.cluster.local'] } },
    {
      desc: 'PTR of an IPv6 ClusterIP',
      q: ['0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa', 'PTR'],
      want: { answers: ['0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa PTR v6.default.svc.cluster.local'] },
    },
    { desc: 'PTR of an unknown IP: NXDOMAIN', q: ['1.1.1.1.in-addr.arpa', 'PTR'], want: { rcode: 'NXDOMAIN', authority: ['in-addr.arpa SOA'] } },
    { desc: 'partial reverse name: NODATA', q: ['96.127.in-addr.arpa', 'PTR'], want: { rcode: 'NOERROR', answers: [] } },
    { desc: 'pod A record', q: ['127-244-1-9.default.pod.cluster.local', 'A'], want: { rcode: 'NOERROR', answers: ['127-244-1-9.default.pod.cluster.local A 127.244.1.9'] } },
    { desc: 'pod name that is no IP: NXDOMAIN', q: ['web-1.default.pod.cluster.local', 'A'], want: { rcode: 'NXDOMAIN' } },
    { desc: 'dns-version TXT', q: ['dns-version.cluster.local', 'TXT'], want: { rcode: 'NOERROR', answers: ['dns-version.cluster.local TXT ["1.1.0"]'] } },
    { desc: 'apex SOA', q: ['cluster.local', 'SOA'], want: { rcode: 'NOERROR', answers: ['cluster.local SOA ns.dns.cluster.local hostmaster.cluster.local'] } },
    { desc: 'apex NS', q: ['cluster.local', 'NS'], want: { answers: ['cluster.local NS ns.dns.cluster.local'] } },
    { desc: 'the NS target has an address', q: ['ns.dns.cluster.local', 'A'], want: { answers: ['ns.dns.cluster.local A 127.96.0.10'] } },
    { desc: 'apex A: NODATA', q: ['cluster.local', 'A'], want: { rcode: 'NOERROR', answers: [], authority: ['cluster.local SOA'] } },
    { desc: 'unknown service: NXDOMAIN with SOA', q: ['nope.default.svc.cluster.local', 'A'], want: { rcode: 'NXDOMAIN', answers: [], authority: ['cluster.local SOA'] } },
    { desc: 'namespace with services: NODATA', q: ['default.svc.cluster.local', 'A'], want: { rcode: 'NOERROR', answers: [] } },
    { desc: 'namespace without services: NXDOMAIN', q: ['ghost.svc.cluster.local', 'A'], want: { rcode: 'NXDOMAIN' } },
    { desc: 'svc.<zone>: NODATA', q: ['svc.cluster.local', 'A'], want: { rcode: 'NOERROR', answers: [] } },
    { desc: 'unknown name in the zone: NXDOMAIN', q: ['foo.cluster.local', 'A'], want: { rcode: 'NXDOMAIN' } },
    { desc: 'too deep under svc: NXDOMAIN', q: ['a.b.web.default.svc.cluster.local', 'A'], want: { rcode: 'NXDOMAIN' } },
    { desc: 'outside the zone: REFUSED', q: ['example.com', 'A'], want: { rcode: 'REFUSED', answers: [], authority: [] } },
    { desc: 'suffix lookalike: REFUSED', q: ['notcluster.local', 'A'], want: { rcode: 'REFUSED' } },
    { desc: 'zone transfer: REFUSED', q: ['cluster.local', 'AXFR'], want: { rcode: 'REFUSED', answers: [] } },
    { desc: 'ANY: every record at the name', q: ['web.default.svc.cluster.local', 'ANY'], want: { answers: expect.arrayContaining(['web.default.svc.cluster.local A 127.96.0.20']) } },
  ])('$desc', ({ q, want }) => {
    const res = resolve({ name: q[0], type: q[1] }, view, opts);
    expect(summary(res)).toMatchObject(want);
    expect(res.authoritative).toBe(res.rcode !== 'REFUSED');
  });

  it('TTL and SOA fields come from the options', () => {
    const res = resolve({ name: 'nope.default.svc.cluster.local', type: 'A' }, view, { ...opts, ttl: 30 });
    expect(res.authorities[0]).toMatchObject({ ttl: 30, data: { serial: 42, minimum: 30, refresh: 7200, retry: 1800, expire: 86400 } });
    expect(resolve({ name: 'web.default.svc.cluster.local', type: 'A' }, view, { ...opts, ttl: 30 }).answers[0]).toMatchObject({ ttl: 30 });
  });

  it('another cluster domain', () => {
    const res = resolve({ name: 'web.default.svc.k8ts.test', type: 'A' }, view, { ...opts, zone: 'k8ts.test' });
    expect(show(res.answers)).toEqual(['web.default.svc.k8ts.test A 127.96.0.20']);
    expect(resolve({ name: 'web.default.svc.cluster.local', type: 'A' }, view, { ...opts, zone: 'k8ts.test' }).rcode).toBe('REFUSED');
  });

  it('CH class is refused', () => {
    expect(resolve({ name: 'version.bind', type: 'TXT', class: 'CH' }, view, opts).rcode).toBe('REFUSED');
  });
});
