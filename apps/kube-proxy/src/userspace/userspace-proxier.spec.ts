// The userspace dataplane on real loopback sockets, in-process.
import { freePort, waitFor } from '@k8ts/testing';
import { startTestTracing, type TestTracing } from '@k8ts/telemetry';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { ProxyRule, RuleAction } from '../proxy/rules';
import { ProxyMetrics } from '../server/metrics';
import { startNameServer, startUdpEcho, tcpRequest, udpRequest, type NameServer } from '../testing/sockets';
import { PROXY_SPAN_NAME } from './tcp-proxy-port';
import { UserspaceProxier } from './userspace-proxier';

const VIP = '127.100.250.1';

function rule(port: number, backends: { ip: string; port: number }[], o: { action?: RuleAction; sticky?: number; protocol?: 'TCP' | 'UDP'; ip?: string; sourceRanges?: string[]; inCluster?: { ip: string; port: number }[] } = {}): ProxyRule {
  const protocol = o.protocol ?? 'TCP';
  const ip = o.ip ?? VIP;
  return {
    key: `${protocol}/${ip}:${port}`,
    protocol,
    ip,
    port,
    kind: 'ClusterIP',
    service: { namespace: 'default', name: 'web', port: '', protocol },
    servicePort: port,
    action: o.action ?? (backends.length ? 'forward' : 'reject'),
    backends,
    stickyMaxAgeSeconds: o.sticky ?? 0,
    sourceRanges: o.sourceRanges ?? [],
    inClusterBackends: o.inCluster ?? [],
  };
}

describe('UserspaceProxier', () => {
  let tracing: TestTracing;
  let proxier: UserspaceProxier;
  let metrics: ProxyMetrics;
  const servers: NameServer[] = [];
  const backends = () => servers.map((s) => ({ ip: s.ip, port: s.port }));

  beforeAll(async () => {
    tracing = startTestTracing();
    for (let i = 1; i <= 3; i++) servers.push(await startNameServer(`pod-${i}`, `127.244.20.${i}`));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await tracing.shutdown();
  });
  beforeEach(() => {
    metrics = new ProxyMetrics({ defaultMetrics: false });
    proxier = new UserspaceProxier({ metrics, udpIdleTimeoutMs: 200 });
    tracing.reset();
  });
  afterEach(() => proxier.close());

  it('forwards TCP round robin over the backends, counting connections and bytes', async () => {
    const port = await freePort(VIP);
    const r = rule(port, backends());
    expect(await proxier.apply({ added: [r], updated: [], removed: [] })).toEqual({ failed: [] });
    const got: string[] = [];
    for (let i = 0; i < 6; i++) got.push(await tcpRequest(VIP, port));
    expect(got).toEqual(['pod-1', 'pod-2', 'pod-3', 'pod-1', 'pod-2', 'pod-3']);
    const text = await waitFor(async () => {
      const t = await metrics.registry.metrics();
      return /k8ts_proxy_active_connections\{[^}]*\} 0/.test(t) ? t : undefined;
    }, { desc: 'connections closed' });
    expect(text).toMatch(/k8ts_proxy_connections_total\{service="default\/web",port="\d+",protocol="TCP"\} 6/);
    expect(text).toMatch(/k8ts_proxy_bytes_total\{service="default\/web",port="\d+",protocol="TCP",direction="in"\} 30/);
  });

  it('reject: no listener, the connection is refused at once', async () => {
    const port = await freePort(VIP);
    await proxier.apply({ added: [rule(port, [])], updated: [], removed: [] });
    const t0 = Date.now();
    await expect(tcpRequest(VIP, port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - t0).toBeLessThan(250);
  });

  it('forward → reject → forward re-listens on the same address', async () => {
    const port = await freePort(VIP);
    await proxier.apply({ added: [rule(port, backends().slice(0, 1))], updated: [], removed: [] });
    expect(await tcpRequest(VIP, port)).toBe('pod-1');
    await proxier.apply({ added: [], updated: [rule(port, [])], removed: [] });
    await expect(tcpRequest(VIP, port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxier.apply({ added: [], updated: [rule(port, backends().slice(1, 2))], removed: [] });
    expect(await tcpRequest(VIP, port)).toBe('pod-2');
  });

  it('an endpoint that refuses is skipped: the next one answers', async () => {
    const port = await freePort(VIP);
    const dead = { ip: '127.244.20.9', port: await freePort('127.244.20.9') };
    await proxier.apply({ added: [rule(port, [dead, ...backends().slice(0, 1)])], updated: [], removed: [] });
    for (let i = 0; i < 4; i++) expect(await tcpRequest(VIP, port)).toBe('pod-1');
    expect(await metrics.registry.metrics()).toMatch(/k8ts_proxy_endpoint_dial_failures_total\{[^}]*\} [1-9]/);
  });

  it('when no endpoint can be reached, the client gets a reset', async () => {
    const port = await freePort(VIP);
    const dead = { ip: '127.244.20.9', port: await freePort('127.244.20.9') };
    await proxier.apply({ added: [rule(port, [dead])], updated: [], removed: [] });
    await expect(tcpRequest(VIP, port)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
  });

  it('ClientIP affinity keeps a client on one endpoint', async () => {
    const port = await freePort(VIP);
    await proxier.apply({ added: [rule(port, backends(), { sticky: 60 })], updated: [], removed: [] });
    const got = new Set<string>();
    for (let i = 0; i < 5; i++) got.add(await tcpRequest(VIP, port));
    expect(got.size).toBe(1);
  });

  it('a removed endpoint drains: the open connection finishes, new ones go elsewhere', async () => {
    const slow = await startNameServer('slow', '127.244.20.7', 0, { holdMs: 300 });
    try {
      const port = await freePort(VIP);
      await proxier.apply({ added: [rule(port, [{ ip: slow.ip, port: slow.port }])], updated: [], removed: [] });
      const inFlight = tcpRequest(VIP, port);
      await waitFor(() => slow.connections === 1, { desc: 'connection reached the slow endpoint' });
      await proxier.apply({ added: [], updated: [rule(port, backends().slice(0, 1))], removed: [] });
      expect(await tcpRequest(VIP, port)).toBe('pod-1');
      expect(await inFlight).toBe('slow');
    } finally {
      await slow.close();
    }
  });

  it('drop: the connection is accepted but never answered', async () => {
    const port = await freePort(VIP);
    await proxier.apply({ added: [rule(port, [], { action: 'drop' })], updated: [], removed: [] });
    await expect(tcpRequest(VIP, port, 'x', 300)).rejects.toThrow(/timed out/);
  });

  it('loadBalancerSourceRanges: clients outside the ranges are dropped', async () => {
    const port = await freePort(VIP);
    await proxier.apply({ added: [rule(port, backends().slice(0, 1), { sourceRanges: ['127.0.0.0/8'] })], updated: [], removed: [] });
    expect(await tcpRequest(VIP, port)).toBe('pod-1');
    await proxier.apply({ added: [], updated: [rule(port, backends().slice(0, 1), { sourceRanges: ['10.0.0.0/8'] })], removed: [] });
    await expect(tcpRequest(VIP, port, 'x', 300)).rejects.toThrow(/timed out/);
    expect(await metrics.registry.metrics()).toMatch(/k8ts_proxy_rejected_connections_total\{[^}]*reason="source_range"\} 1/);
  });

  it('externalTrafficPolicy Local: clients inside the cluster CIDR get all endpoints, others are dropped', async () => {
    const port = await freePort(VIP);
    const r = rule(port, [], { action: 'drop', inCluster: backends().slice(1, 2) });
    const inside = new UserspaceProxier({ clusterCIDR: '127.0.0.0/8' }); // the test client is 127.0.0.1
    try {
      await inside.apply({ added: [r], updated: [], removed: [] });
      expect(await tcpRequest(VIP, port)).toBe('pod-2');
    } finally {
      await inside.close();
    }
    await proxier.apply({ added: [r], updated: [], removed: [] }); // no cluster CIDR: the client is outside
    await expect(tcpRequest(VIP, port, 'x', 300)).rejects.toThrow(/timed out/);
  });

  it('a listener on an address in use fails that rule only', async () => {
    const port = await freePort(VIP);
    const other = new UserspaceProxier();
    try {
      await other.apply({ added: [rule(port, backends())], updated: [], removed: [] });
      const res = await proxier.apply({ added: [rule(port, backends())], updated: [], removed: [] });
      expect(res.failed.map((f) => f.error.message)).toEqual([expect.stringMatching(/EADDRINUSE/)]);
    } finally {
      await other.close();
    }
  });

  it('traces each connection; an HTTP request with traceparent is the parent', async () => {
    const port = await freePort(VIP);
    await proxier.apply({ added: [rule(port, backends().slice(0, 1))], updated: [], removed: [] });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await tcpRequest(VIP, port, `GET / HTTP/1.1\r\nHost: web\r\ntraceparent: 00-${traceId}-b7ad6b7169203331-01\r\n\r\n`);
    await tcpRequest(VIP, port, 'not http');
    const spans = await waitFor(() => {
      const s = tracing.spans().filter((x) => x.name === PROXY_SPAN_NAME);
      return s.length === 2 ? s : undefined;
    }, { desc: 'two proxy spans' });
    const [withParent, without] = spans;
    expect(withParent?.spanContext().traceId).toBe(traceId);
    expect(withParent?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(withParent?.attributes).toMatchObject({ 'k8s.service.name': 'web', 'k8s.namespace.name': 'default', 'server.address': VIP, 'k8ts.endpoint': `${servers[0]?.ip}:${servers[0]?.port}`, 'k8ts.proxy.bytes_out': 5 });
    expect(without?.spanContext().traceId).not.toBe(traceId);
  });

  it('forwards UDP per client session; sessions end when idle or when their endpoint leaves', async () => {
    const e1 = await startUdpEcho('u1', '127.244.20.11');
    const e2 = await startUdpEcho('u2', '127.244.20.12');
    try {
      const port = await freePort(VIP);
      const r = rule(port, [{ ip: '127.244.20.11', port: e1.port }, { ip: '127.244.20.12', port: e2.port }], { protocol: 'UDP' });
      await proxier.apply({ added: [r], updated: [], removed: [] });
      const client = createSocket('udp4');
      try {
        const first = await udpRequest(VIP, port, 'a', 3000, client);
        expect(await udpRequest(VIP, port, 'b', 3000, client)).toBe(first.replace(':a', ':b')); // same session, same endpoint
        expect(await udpRequest(VIP, port, 'c')).not.toBe(first.replace(':a', ':c')); // another client: round robin
        // The client's endpoint leaves: its session ends, the next datagram goes to the other one.
        const stay = first.startsWith('u1') ? r.backends[1] : r.backends[0];
        await proxier.apply({ added: [], updated: [{ ...r, backends: [stay as { ip: string; port: number }] }], removed: [] });
        expect(await udpRequest(VIP, port, 'd', 3000, client)).toBe(`${first.startsWith('u1') ? 'u2' : 'u1'}:d`);
      } finally {
        client.close();
      }
      await waitFor(async () => /k8ts_proxy_active_connections\{[^}]*protocol="UDP"\} 0/.test(await metrics.registry.metrics()), { desc: 'idle UDP sessions closed' });
    } finally {
      await e1.close();
      await e2.close();
    }
  });

  it('UDP reject: nothing bound, the client gets port unreachable', async () => {
    const port = await freePort(VIP);
    await proxier.apply({ added: [rule(port, [], { protocol: 'UDP' })], updated: [], removed: [] });
    const s = createSocket('udp4');
    try {
      await new Promise<void>((r) => s.connect(port, VIP, () => r()));
      const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
        const again = setInterval(() => s.send('x'), 50);
        s.once('error', (e) => {
          clearInterval(again);
          resolve(e);
        });
        s.send('x');
      });
      expect(err.code).toBe('ECONNREFUSED');
    } finally {
      s.close();
    }
  });

  it('removal stops the listener', async () => {
    const port = await freePort(VIP);
    const r = rule(port, backends());
    await proxier.apply({ added: [r], updated: [], removed: [] });
    await proxier.apply({ added: [], updated: [], removed: [r] });
    await expect(new Promise((resolve, reject) => connect({ host: VIP, port }).on('connect', resolve).on('error', reject))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
