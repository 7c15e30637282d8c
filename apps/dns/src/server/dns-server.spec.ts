import * as packet from 'dns-packet';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import { FakeView, slice, svc } from '../testing/fake-view';
import { DnsServer } from './dns-server';
import { DnsHandler, MIN_UDP_SIZE } from './handler';
import { DnsMetrics } from './metrics';

const HOST = '127.53.0.41';

/** dns-packet decodes the rcode name too; its types leave it out. */
type DecodedRcode = packet.DecodedPacket & { rcode: string };

function manyEndpoints(n: number) {
  return Array.from({ length: n }, (_, i) => ({ ip: `127.244.3.${i + 1}` }));
}

const view = new FakeView(
  [
    svc({ name: 'web', clusterIP: '127.96.0.20', ports: [{ name: 'http', port: 80 }] }),
    svc({ name: 'big', clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }),
    svc({ name: 'ext', externalName: 'example.com' }),
  ],
  [slice({ name: 'big-1', service: 'big', endpoints: manyEndpoints(60), ports: [{ name: 'http', port: 8080 }] })],
);

describe('DnsServer (real UDP and TCP sockets)', () => {
  const metrics = new DnsMetrics({ defaultMetrics: false });
  let server: DnsServer;
  let resolver: Resolver;

  beforeAll(async () => {
    const handler = new DnsHandler(view, { zone: 'cluster.local', ttl: 5, dnsIP: '127.96.0.10', server: 'dns://test', metrics });
    server = new DnsServer(handler, { host: HOST, port: 0 });
    await server.start();
    resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([`${HOST}:${server.port}`]);
  });

  afterAll(async () => {
    await server.stop();
  });

  async function counter(name: string, labels: Record<string, string>): Promise<number> {
    const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
    return Number(v?.value ?? 0);
  }

  function udpQuery(msg: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const sock = createSocket('udp4');
      const timer = setTimeout(() => {
        sock.close();
        reject(new Error('udp timeout'));
      }, 2000);
      sock.once('message', (m) => {
        clearTimeout(timer);
        sock.close();
        resolve(m);
      });
      sock.send(msg, server.port, HOST);
    });
  }

  function tcpQueries(msgs: Buffer[]): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      let pending = Buffer.alloc(0);
      const conn = connect(server.port, HOST, () => {
        // All queries in one write: the server must split the frames.
        conn.write(Buffer.concat(msgs.map((m) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]))));
      });
      conn.setTimeout(2000, () => {
        conn.destroy();
        reject(new Error('tcp timeout'));
      });
      conn.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          out.push(pending.subarray(2, 2 + pending.readUInt16BE(0)));
          pending = pending.subarray(2 + pending.readUInt16BE(0));
        }
        if (out.length === msgs.length) {
          conn.end();
          resolve(out);
        }
      });
      conn.on('error', reject);
    });
  }

  const query = (name: string, type: packet.RecordType, id = 7, extra: Partial<packet.Packet> = {}) =>
    packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }], ...extra });

  it('answers A, SRV and CNAME through the system resolver library', async () => {
    await expect(resolver.resolve4('web.default.svc.cluster.local')).resolves.toEqual(['127.96.0.20']);
    await expect(resolver.resolveSrv('_http._tcp.web.default.svc.cluster.local')).resolves.toEqual([{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
    await expect(resolver.resolveCname('ext.default.svc.cluster.local')).resolves.toEqual(['example.com']);
    await expect(resolver.reverse('127.96.0.20')).resolves.toEqual(['web.default.svc.cluster.local']);
  });

  it.each([
    { desc: 'unknown name', name: 'nope.default.svc.cluster.local', code: 'ENOTFOUND' },
    { desc: 'outside the zone', name: 'example.com', code: 'EREFUSED' },
  ])('errors: $desc → $code', async ({ name, code }) => {
    await expect(resolver.resolve4(name)).rejects.toMatchObject({ code });
  });

  it('a large headless answer is truncated over UDP and complete over TCP', async () => {
    const before = await counter('coredns_dns_requests_total', { proto: 'tcp' });
    const udp = packet.decode(await udpQuery(query('big.default.svc.cluster.local', 'A', 11)));
    expect(udp.flag_tc).toBe(true);
    expect(udp.id).toBe(11);
    expect(packet.encode(udp).length).toBeLessThanOrEqual(MIN_UDP_SIZE);
    expect(udp.answers?.length).toBeGreaterThan(0);
    expect(udp.answers?.length).toBeLessThan(60);

    // The resolver library retries over TCP on TC and gets all 60.
    const all = await resolver.resolve4('big.default.svc.cluster.local');
    expect(all).toHaveLength(60);
    expect(await counter('coredns_dns_requests_total', { proto: 'tcp' })).toBeGreaterThan(before);
  });

  it('honours a larger EDNS0 buffer over UDP', async () => {
    const msg = query('big.default.svc.cluster.local', 'A', 12, {
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
    });
    const res = packet.decode(await udpQuery(msg));
    expect(res.flag_tc).toBe(false);
    expect(res.answers).toHaveLength(60);
    expect(res.additionals?.some((a) => a.type === 'OPT')).toBe(true);
  });

  it('serves several pipelined queries on one TCP connection', async () => {
    const replies = await tcpQueries([query('web.default.svc.cluster.local', 'A', 21), query('nope.default.svc.cluster.local', 'A', 22), query('big.default.svc.cluster.local', 'A', 23)]);
    const decoded = replies.map((r) => packet.decode(r));
    expect(decoded.map((d) => [d.id, (d as DecodedRcode).rcode, d.answers?.length, d.flag_aa])).toEqual([
      [21, 'NOERROR', 1, true],
      [22, 'NXDOMAIN', 0, true],
      [23, 'NOERROR', 60, true],
    ]);
    expect(decoded[1].authorities?.[0]?.type).toBe('SOA');
  });

  it('FORMERR for garbage with a header, no answer for a response or a runt', async () => {
    const garbage = Buffer.alloc(20, 0xff);
    garbage.writeUInt16BE(0x1234, 0);
    garbage.writeUInt16BE(0x0100, 2);
    const res = await udpQuery(garbage);
    expect(res.readUInt16BE(0)).toBe(0x1234);
    expect(res.readUInt16BE(2) & 0x800f).toBe(0x8001);
    const [tcpRes] = await tcpQueries([query('web.default.svc.cluster.local', 'A', 31)]);
    expect(packet.decode(tcpRes).id).toBe(31);
    await expect(udpQuery(Buffer.from([1, 2, 3]))).rejects.toThrow('udp timeout');
  });

  it('NOTIMP for other opcodes; counts responses by rcode', async () => {
    const msg = query('web.default.svc.cluster.local', 'A', 41);
    msg.writeUInt16BE(msg.readUInt16BE(2) | (2 << 11), 2); // opcode STATUS
    const res = packet.decode(await udpQuery(msg));
    expect((res as DecodedRcode).rcode).toBe('NOTIMP');
    expect(await counter('coredns_dns_responses_total', { rcode: 'NOTIMP' })).toBe(1);
    expect(await counter('coredns_dns_responses_total', { rcode: 'NXDOMAIN' })).toBeGreaterThan(0);
  });
});
