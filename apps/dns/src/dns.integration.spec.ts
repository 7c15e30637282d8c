// The dns program as a real process against a real apiserver and
// nats-server: Services and EndpointSlices written through the gRPC client
// are answered over UDP (and TCP on truncation) to node's resolver library;
// the kube-dns Service and Endpoints are registered, mirrored into an
// EndpointSlice by the endpoints-controller process, and deregistered on
// SIGTERM.
import type { EndpointSlice, Service } from '@k8ts/api';
import { newService, waitFor, type ManagedProcess } from '@k8ts/testing';
import { Resolver } from 'node:dns/promises';
import { CLUSTER_DNS_IP, DNS_BIND, startControlPlane, startDnsProcess, startEndpointsController, type ControlPlane, type DnsProcess } from './testing/control-plane';

jest.setTimeout(120_000);

function headlessSlice(name: string, service: string, endpoints: { ip: string; hostname?: string; ready?: boolean }[], port = 5432): EndpointSlice {
  return {
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'dns-integration-test' } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, ...(e.hostname ? { hostname: e.hostname } : {}) })),
    ports: [{ name: 'pg', port, protocol: 'TCP' }],
  };
}

describe('dns process', () => {
  let cp: ControlPlane;
  let dns: DnsProcess;
  let resolver: Resolver;
  let webIP: string;
  let ec: ManagedProcess | undefined;

  beforeAll(async () => {
    cp = await startControlPlane();
    dns = await startDnsProcess(cp);
    resolver = new Resolver({ timeout: 3000, tries: 2 });
    resolver.setServers([dns.server]);

    const web = await cp.client.services.create(newService({ name: 'web', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }));
    webIP = web.spec?.clusterIP ?? '';
    await cp.client.services.create(newService({ name: 'db', clusterIP: 'None', selector: {}, ports: [{ name: 'pg', port: 5432, targetPort: 5432 }] }));
    await cp.client.endpointSlices.create(
      headlessSlice('db-1', 'db', [{ ip: '127.244.30.5', hostname: 'db-0' }, { ip: '127.244.30.6', hostname: 'db-1' }, { ip: '127.244.30.7' }, { ip: '127.244.30.8', ready: false }]),
    );
    await cp.client.services.create(newService({ name: 'big', clusterIP: 'None', selector: {}, ports: [{ name: 'pg', port: 5432, targetPort: 5432 }] }));
    await cp.client.endpointSlices.create(headlessSlice('big-1', 'big', Array.from({ length: 60 }, (_, i) => ({ ip: `127.244.31.${i + 1}` }))));
    const ext: Service = { metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'example.com' } };
    await cp.client.services.create(ext);
  });

  afterAll(async () => {
    await ec?.stop();
    await dns?.proc.stop();
    await cp?.stop();
  });

  /** Resolves once the informers show the name (or throws the last error). */
  const eventually = <T>(fn: () => Promise<T>, desc: string) => waitFor(async () => (await fn()) ?? undefined, { timeoutMs: 20_000, intervalMs: 100, desc });

  it('A for a ClusterIP Service, from the service range', async () => {
    expect(webIP).toMatch(/^127\.101\./);
    await expect(eventually(() => resolver.resolve4('web.default.svc.cluster.local'), 'web A')).resolves.toEqual([webIP]);
  });

  it('SRV for a named port, target the service', async () => {
    await expect(eventually(() => resolver.resolveSrv('_http._tcp.web.default.svc.cluster.local'), 'web SRV')).resolves.toEqual([
      { name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 },
    ]);
  });

  it('headless: A per ready endpoint, hostnames, SRV per endpoint', async () => {
    const ips = await eventually(() => resolver.resolve4('db.default.svc.cluster.local'), 'db A');
    expect([...ips].sort()).toEqual(['127.244.30.5', '127.244.30.6', '127.244.30.7']);
    await expect(resolver.resolve4('db-0.db.default.svc.cluster.local')).resolves.toEqual(['127.244.30.5']);
    const srv = await resolver.resolveSrv('_pg._tcp.db.default.svc.cluster.local');
    expect(srv.map((s) => `${s.name}:${s.port}`).sort()).toEqual([
      '127-244-30-7.db.default.svc.cluster.local:5432',
      'db-0.db.default.svc.cluster.local:5432',
      'db-1.db.default.svc.cluster.local:5432',
    ]);
  });

  it('ExternalName: CNAME', async () => {
    await expect(eventually(() => resolver.resolveCname('ext.default.svc.cluster.local'), 'ext CNAME')).resolves.toEqual(['example.com']);
  });

  it('PTR for a ClusterIP and for a headless endpoint', async () => {
    await expect(eventually(() => resolver.reverse(webIP), 'web PTR')).resolves.toEqual(['web.default.svc.cluster.local']);
    await expect(resolver.reverse('127.244.30.6')).resolves.toEqual(['db-1.db.default.svc.cluster.local']);
  });

  it('NXDOMAIN for unknown names, REFUSED outside the zone', async () => {
    await expect(resolver.resolve4('nope.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('60 endpoints: truncated over UDP, answered in full over TCP', async () => {
    const tcpBefore = await tcpRequests();
    const ips = await eventually(async () => {
      const r = await resolver.resolve4('big.default.svc.cluster.local');
      return r.length === 60 ? r : undefined;
    }, 'all 60 big endpoints');
    expect(ips).toHaveLength(60);
    expect(await tcpRequests()).toBeGreaterThan(tcpBefore);
  });

  it('a deleted Service disappears', async () => {
    await cp.client.services.create(newService({ name: 'gone', ports: [{ port: 80, targetPort: 80 }] }));
    await eventually(() => resolver.resolve4('gone.default.svc.cluster.local'), 'gone A');
    await cp.client.services.delete('default', 'gone');
    await waitFor(
      async () => {
        try {
          await resolver.resolve4('gone.default.svc.cluster.local');
          return false;
        } catch (err) {
          return (err as { code?: string }).code === 'ENOTFOUND';
        }
      },
      { timeoutMs: 20_000, intervalMs: 100, desc: 'gone NXDOMAIN' },
    );
  });

  it('--watch-via grpc (no NATS) answers the same; --register-service=false leaves kube-dns alone', async () => {
    const before = await cp.client.endpoints.get('kube-system', 'kube-dns');
    const second = await startDnsProcess(cp, ['--watch-via', 'grpc', '--register-service=false'], '127.53.0.32');
    try {
      const r = new Resolver({ timeout: 3000, tries: 2 });
      r.setServers([second.server]);
      await expect(eventually(() => r.resolve4('web.default.svc.cluster.local'), 'web A via the grpc-watching server')).resolves.toEqual([webIP]);
      await cp.client.services.create(newService({ name: 'late', ports: [{ port: 80, targetPort: 80 }] }));
      await eventually(() => r.resolve4('late.default.svc.cluster.local'), 'a Service created afterwards');
      expect((await cp.client.endpoints.get('kube-system', 'kube-dns')).metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    } finally {
      await second.proc.stop();
    }
  });

  it('registers kube-system/kube-dns: Service at --cluster-dns-ip and Endpoints at its own address', async () => {
    const svc = await eventually(() => cp.client.services.get('kube-system', 'kube-dns'), 'kube-dns Service');
    expect(svc.spec?.clusterIP).toBe(CLUSTER_DNS_IP);
    expect(svc.spec?.selector ?? {}).toEqual({});
    expect(svc.metadata?.labels).toMatchObject({ 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' });
    expect(svc.spec?.ports?.map((p) => [p.name, p.port, p.protocol, p.targetPort?.intVal])).toEqual([
      ['dns', 53, 'UDP', dns.port],
      ['dns-tcp', 53, 'TCP', dns.port],
      ['metrics', 9153, 'TCP', dns.healthPort],
    ]);
    const eps = await eventually(() => cp.client.endpoints.get('kube-system', 'kube-dns'), 'kube-dns Endpoints');
    expect(eps.subsets?.map((s) => [s.addresses?.map((a) => a.ip), s.ports?.map((p) => `${p.name}/${p.port}/${p.protocol}`)])).toEqual([
      [[DNS_BIND], [`dns/${dns.port}/UDP`, `dns-tcp/${dns.port}/TCP`]],
      [['127.0.0.1'], [`metrics/${dns.healthPort}/TCP`]],
    ]);
    // The DNS Service answers for itself.
    await expect(eventually(() => resolver.resolve4('kube-dns.kube-system.svc.cluster.local'), 'kube-dns A')).resolves.toEqual([CLUSTER_DNS_IP]);
    await expect(resolver.resolveTxt('dns-version.cluster.local')).resolves.toEqual([['1.1.0']]);
  });

  it('re-asserts the Endpoints when someone else changes them', async () => {
    const eps = await cp.client.endpoints.get('kube-system', 'kube-dns');
    await cp.client.endpoints.update({ ...eps, subsets: [] });
    await waitFor(async () => (await cp.client.endpoints.get('kube-system', 'kube-dns')).subsets?.some((s) => s.addresses?.some((a) => a.ip === DNS_BIND)), {
      timeoutMs: 20_000,
      intervalMs: 100,
      desc: 'kube-dns Endpoints restored',
    });
  });

  it('the endpoints-controller mirrors the kube-dns Endpoints into an EndpointSlice', async () => {
    ec = await startEndpointsController(cp);
    {
      const slices = await waitFor(
        async () => {
          const list = await cp.client.endpointSlices.list({ namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' });
          return list.items.length >= 2 ? list.items : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200, desc: 'mirrored kube-dns EndpointSlices' },
      );
      for (const s of slices) expect(s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by']).toBe('endpointslicemirroring-controller.k8s.io');
      const dnsSlice = slices.find((s) => s.ports?.some((p) => p.name === 'dns'));
      expect(dnsSlice?.endpoints?.map((e) => e.addresses)).toEqual([[DNS_BIND]]);
      expect(dnsSlice?.ports?.map((p) => `${p.name}/${p.port}/${p.protocol}`).sort()).toEqual([`dns-tcp/${dns.port}/TCP`, `dns/${dns.port}/UDP`]);
      expect(dnsSlice?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'kube-dns' });
    }
    // default/kubernetes is labelled skip-mirror by the apiserver: no mirrored slice.
    const kubernetes = await cp.client.endpointSlices.list({ namespace: 'default', labelSelector: 'endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io' });
    expect(kubernetes.items).toEqual([]);
  });

  it('/metrics has CoreDNS-style counters; SIGTERM deregisters and exits 0', async () => {
    const { body } = await dns.get('/metrics');
    expect(body).toMatch(/coredns_dns_requests_total\{[^}]*proto="udp"[^}]*type="A"[^}]*\} \d+/);
    expect(body).toMatch(/coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"[^}]*\} \d+/);
    expect(body).toContain('coredns_dns_request_duration_seconds_bucket');
    await dns.proc.stop();
    expect(dns.proc.exit?.code).toBe(0);
    const eps = await cp.client.endpoints.get('kube-system', 'kube-dns');
    expect((eps.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.ip)).not.toContain(DNS_BIND);
    // The mirrored slice follows: kube-proxy stops sending DNS traffic to a stopped server.
    await waitFor(
      async () => {
        const list = await cp.client.endpointSlices.list({ namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' });
        return !list.items.some((s) => (s.endpoints ?? []).some((e) => e.addresses?.includes(DNS_BIND)));
      },
      { timeoutMs: 20_000, intervalMs: 200, desc: 'mirrored kube-dns slice without the stopped server' },
    );
  });

  async function tcpRequests(): Promise<number> {
    const { body } = await dns.get('/metrics');
    return [...body.matchAll(/^coredns_dns_requests_total\{[^}]*proto="tcp"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  }
});
