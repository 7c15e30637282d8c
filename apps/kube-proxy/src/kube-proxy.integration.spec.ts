// kube-proxy as a real process against a real apiserver and nats-server,
// forwarding real connections to k8ts/echo processes. Services are
// selector-less; the test writes their EndpointSlices. Addresses come from
// this suite's block: service CIDR 127.100.0.0/16, nodes node-20/21
// (127.10.0.20/21), pods 127.244.2x.y, LoadBalancer IPs 127.241.0.0/24.
import type { Service } from '@k8ts/api';
import { waitFor, type ManagedProcess } from '@k8ts/testing';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { startUdpEcho, udpRequest } from './testing/sockets';
import { endpointSlice, NODE_IPS, selectorless, startEcho, startProxyCluster, waitServing, whoAnswers, type ProxyCluster, type SliceEndpoint } from './testing/cluster';

jest.setTimeout(120_000);

const PROGRAMMED = 'kubeproxy_network_programming_duration_seconds_count';

/** Resolves when a connection to ip:port is refused; how long that took. */
function refusedIn(ip: string, port: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const s = connect({ host: ip, port });
    s.on('connect', () => {
      s.destroy();
      reject(new Error(`${ip}:${port} accepted the connection`));
    });
    s.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve(performance.now() - t0) : reject(err)));
  });
}

describe('kube-proxy (real processes)', () => {
  let c: ProxyCluster;
  const pods: { name: string; ip: string; node: string; proc: ManagedProcess }[] = [];
  const ep = (i: number): SliceEndpoint => ({ ip: pods[i]?.ip as string, node: pods[i]?.node as string });

  beforeAll(async () => {
    c = await startProxyCluster();
    const specs = [
      { name: 'pod-a', ip: '127.244.20.1', node: 'node-20' },
      { name: 'pod-b', ip: '127.244.21.1', node: 'node-21' },
      { name: 'pod-c', ip: '127.244.22.1', node: 'node-22' },
    ];
    const procs = await Promise.all(specs.map((s) => startEcho(s.name, s.ip, 8080, s.node)));
    specs.forEach((s, i) => pods.push({ ...s, proc: procs[i] as ManagedProcess }));
  });

  afterAll(async () => {
    await Promise.all(pods.map((p) => p.proc.stop()));
    await c?.stop();
  });

  /** Creates a selector-less service and its slice; returns the created Service. */
  async function service(name: string, spec: Service['spec'], endpoints: SliceEndpoint[], ports: { name?: string; port: number; protocol?: string }[] = [{ port: 8080 }]): Promise<Service> {
    const svc = await c.client.services.create(selectorless(name, spec));
    if (endpoints.length > 0) await c.client.endpointSlices.create(endpointSlice(name, ports, endpoints));
    return svc;
  }

  /** Runs `change`, then waits until the proxy has served an endpoint change made after it. */
  async function programmed(change: () => Promise<unknown>): Promise<void> {
    const before = await c.proxy.metric(PROGRAMMED);
    await change();
    await waitFor(async () => (await c.proxy.metric(PROGRAMMED)) > before, { timeoutMs: 20_000, desc: 'endpoint change programmed' });
  }

  it('serves /healthz (JSON, 200 once synced), /livez and /metrics', async () => {
    const res = await fetch(`http://127.0.0.1:${c.proxy.healthPort}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { lastUpdated: string; currentTime: string };
    expect(Date.parse(body.lastUpdated)).toBeLessThanOrEqual(Date.parse(body.currentTime));
    expect((await fetch(`http://127.0.0.1:${c.proxy.healthPort}/livez`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${c.proxy.metricsPort}/proxyMode`)).text()).toBe('userspace');
    expect(await c.proxy.metrics()).toMatch(/kubeproxy_sync_proxy_rules_last_timestamp_seconds \d/);
  });

  it('spreads 300 requests through a ClusterIP over 3 endpoints', async () => {
    const svc = await service('spread', {}, [ep(0), ep(1), ep(2)]);
    const ip = svc.spec?.clusterIP as string;
    expect(ip).toMatch(/^127\.100\./);
    await waitServing(ip, 80, 'ClusterIP serving');
    const counts = new Map<string, number>();
    for (let batch = 0; batch < 30; batch++) {
      const got = await Promise.all(Array.from({ length: 10 }, () => whoAnswers(ip, 80)));
      for (const p of got) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['pod-a', 'pod-b', 'pod-c']);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(60);
      expect(n).toBeLessThanOrEqual(135);
    }
    const metrics = await c.proxy.metrics();
    expect(metrics).toMatch(/k8ts_proxy_connections_total\{service="default\/spread",port="80",protocol="TCP"\} 3\d\d/);
  });

  it('pins a client to one endpoint with ClientIP session affinity', async () => {
    const svc = await service('sticky', { sessionAffinity: 'ClientIP' }, [ep(0), ep(1), ep(2)]);
    const ip = svc.spec?.clusterIP as string;
    await waitServing(ip, 80, 'sticky serving');
    const got = new Set<string>();
    for (let i = 0; i < 20; i++) got.add(await whoAnswers(ip, 80));
    expect(got.size).toBe(1);
  });

  it('serves a NodePort on every node IP', async () => {
    const svc = await service('np', { type: 'NodePort' }, [ep(0)]);
    const nodePort = svc.spec?.ports?.[0]?.nodePort as number;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    for (const nodeIP of NODE_IPS) expect(await waitServing(nodeIP, nodePort, `NodePort on ${nodeIP}`)).toBe('pod-a');
  });

  it('serves a LoadBalancer ingress IP', async () => {
    const svc = await service('lb', { type: 'LoadBalancer' }, [ep(1)]);
    const lbIP = '127.241.0.20';
    await c.client.services.updateStatus({ ...svc, status: { loadBalancer: { ingress: [{ ip: lbIP, ipMode: 'VIP' }] } } });
    expect(await waitServing(lbIP, 80, 'LoadBalancer IP serving')).toBe('pod-b');
  });

  it('refuses connections to a Service whose endpoints are gone, at once', async () => {
    const svc = await service('empty', {}, [ep(0)]);
    const ip = svc.spec?.clusterIP as string;
    await waitServing(ip, 80, 'served before its endpoints go');
    await programmed(() => c.client.endpointSlices.delete('default', 'empty-1'));
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await refusedIn(ip, 80));
    expect(Math.max(...times)).toBeLessThan(250);
  });

  it('routes around an endpoint that refuses connections', async () => {
    const deadIP = '127.244.20.99'; // nothing listens there
    const svc = await service('retry', {}, [{ ip: deadIP, node: 'node-20' }, ep(2)]);
    const ip = svc.spec?.clusterIP as string;
    await waitServing(ip, 80, 'retry serving');
    for (let i = 0; i < 10; i++) expect(await whoAnswers(ip, 80)).toBe('pod-c');
    expect(await c.proxy.metric('k8ts_proxy_endpoint_dial_failures_total{service="default/retry",port="80",protocol="TCP"}')).toBeGreaterThan(0);
  });

  it('falls back to serving+terminating endpoints when none is ready', async () => {
    const svc = await service('term', {}, [{ ...ep(0), ready: false, serving: true, terminating: true }, { ...ep(1), ready: false, serving: false }]);
    const ip = svc.spec?.clusterIP as string;
    for (let i = 0; i < 5; i++) expect(await waitServing(ip, 80, 'terminating fallback')).toBe('pod-a');
  });

  it('externalTrafficPolicy Local: node ports only reach endpoints on this host', async () => {
    const svc = await service('local', { type: 'NodePort', externalTrafficPolicy: 'Local' }, [ep(0), ep(2)]); // pod-c is on node-22, not ours
    const nodePort = svc.spec?.ports?.[0]?.nodePort as number;
    for (let i = 0; i < 6; i++) expect(await waitServing(NODE_IPS[0] as string, nodePort, 'local NodePort')).toBe('pod-a');
  });

  it('scaling down mid-load fails no request started after the change was programmed', async () => {
    const extra = await Promise.all([startEcho('scale-1', '127.244.20.31', 8080, 'node-20'), startEcho('scale-2', '127.244.21.32', 8080, 'node-21'), startEcho('scale-3', '127.244.20.33', 8080, 'node-20')]);
    try {
      const eps = [
        { ip: '127.244.20.31', node: 'node-20' },
        { ip: '127.244.21.32', node: 'node-21' },
        { ip: '127.244.20.33', node: 'node-20' },
      ];
      const svc = await service('scale', {}, eps);
      const ip = svc.spec?.clusterIP as string;
      await waitFor(async () => new Set(await Promise.all(Array.from({ length: 6 }, () => whoAnswers(ip, 80)))).size === 3, { timeoutMs: 20_000, desc: 'all three endpoints serving' });
      let programmedAt = Infinity;
      const results: { started: number; ok: boolean; pod?: string; err?: string }[] = [];
      const stopAt = Date.now() + 30_000;
      let stop = false;
      const worker = async () => {
        while (!stop && Date.now() < stopAt && results.length < 3000) {
          const started = performance.now();
          try {
            results.push({ started, ok: true, pod: await whoAnswers(ip, 80) });
          } catch (err) {
            results.push({ started, ok: false, err: (err as Error).message });
          }
        }
      };
      const load = Promise.all(Array.from({ length: 4 }, worker));
      await waitFor(() => results.length >= 40, { timeoutMs: 20_000, desc: 'load running' });
      await programmed(async () => {
        const cur = await c.client.endpointSlices.get('default', 'scale-1');
        await c.client.endpointSlices.update({ ...cur, endpoints: endpointSlice('scale', [{ port: 8080 }], eps.slice(0, 2)).endpoints });
      });
      programmedAt = performance.now();
      await extra[2]?.stop({ signal: 'SIGKILL' }); // the removed endpoint dies (a dial to it would be retried elsewhere; the pod check below is what proves it was removed)
      const after = results.length;
      await waitFor(() => results.length >= after + 100, { timeoutMs: 30_000, desc: '100 more requests after the change' });
      stop = true;
      await load;
      const late = results.filter((r) => r.started > programmedAt);
      expect(late.length).toBeGreaterThanOrEqual(100);
      expect(late.filter((r) => !r.ok)).toEqual([]);
      expect(new Set(late.map((r) => r.pod))).toEqual(new Set(['scale-1', 'scale-2']));
    } finally {
      await Promise.all(extra.map((p) => p.stop()));
    }
  });

  it('forwards a UDP Service', async () => {
    const udpIP = '127.244.21.40';
    const echo = await startUdpEcho('udp-pod', udpIP);
    try {
      const svc = await service('udp', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }, [{ ip: udpIP, node: 'node-21' }], [{ name: 'dns', port: echo.port, protocol: 'UDP' }]);
      const ip = svc.spec?.clusterIP as string;
      const answer = await waitFor(() => udpRequest(ip, 53, 'ping', 500), { timeoutMs: 20_000, desc: 'UDP service answering' });
      expect(answer).toBe('udp-pod:ping');
      const s = createSocket('udp4');
      try {
        for (let i = 0; i < 5; i++) expect(await udpRequest(ip, 53, `m${i}`, 2000, s)).toBe(`udp-pod:m${i}`);
      } finally {
        s.close();
      }
    } finally {
      await echo.close();
    }
  });

  it('exits 0 on SIGTERM and closes its listeners', async () => {
    const svc = await c.client.services.get('default', 'spread');
    const ip = svc.spec?.clusterIP as string;
    const exit = await c.proxy.proc.stop({ signal: 'SIGTERM' });
    expect(exit).toEqual({ code: 0, signal: null });
    await expect(refusedIn(ip, 80)).resolves.toBeGreaterThanOrEqual(0);
  });
});

