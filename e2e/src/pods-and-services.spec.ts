// End to end, on the real stack (e2e/src/stack.ts): Pods and Services behave
// as in Kubernetes, and the flows are traced across every component.
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { request } from 'node:http';
import type { Deployment, Pod, Service } from '@k8ts/api';
import { intOrString } from '@k8ts/api';
import { waitFor } from '@k8ts/testing';
import { linkedInto, tracePodCreated, type SpanRecord } from '@k8ts/trace';
import { CLUSTER_DNS_IP, LB_POOL, NODES, startStack, type Stack } from './stack';

const NS = 'e2e';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await stack.client.namespaces.create({ metadata: { name: NS } });
}, 180_000);

afterAll(async () => {
  const leftovers = await stack?.stop();
  expect(leftovers ?? []).toEqual([]);
}, 120_000);

interface EchoReply {
  pod: string;
  ip: string;
  node: string;
}

/** GET http://host:port/ with optional headers; resolves with the echo reply. */
function get(host: string, port: number, headers: Record<string, string> = {}, timeoutMs = 3000): Promise<EchoReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', headers: { connection: 'close', ...headers }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${body}`));
        try {
          resolve(JSON.parse(body) as EchoReply);
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function echoPodSpec(): Pod['spec'] {
  return {
    terminationGracePeriodSeconds: 2,
    containers: [
      {
        name: 'echo',
        image: 'k8ts/echo',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { handler: { httpGet: { path: '/healthz', port: intOrString('http') } }, periodSeconds: 1 },
      },
    ],
  };
}

function service(name: string, app: string, type = 'ClusterIP'): Service {
  return { metadata: { name, namespace: NS }, spec: { type, selector: { app }, ports: [{ name: 'http', port: 80, targetPort: intOrString('http') }] } };
}

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function readyPods(app: string): Promise<Pod[]> {
  const { items } = await stack.client.pods.list({ namespace: NS, labelSelector: `app=${app}` });
  return items.filter((p) => isReady(p) && !p.metadata?.deletionTimestamp);
}

function spansOf(traceId: string): SpanRecord[] {
  return stack.spans.filter((s) => s.traceId === traceId);
}

describe('a Service and a matching Pod', () => {
  it('route real traffic through the ClusterIP, and the pod-to-service path is one trace', async () => {
    const svc = await stack.client.services.create(service('web', 'web'));
    const clusterIP = svc.spec?.clusterIP ?? '';
    expect(clusterIP).toMatch(/^127\.104\./);

    await stack.client.pods.create({ metadata: { name: 'web-1', namespace: NS, labels: { app: 'web' } }, spec: echoPodSpec() });
    const reply = await waitFor(() => get(clusterIP, 80).catch(() => undefined), { timeoutMs: 60_000, intervalMs: 200, desc: 'web-1 answering through the ClusterIP' });
    expect(reply.pod).toBe('web-1');

    // One trace from the create to the rules that made the endpoint routable.
    const services = ['apiserver', 'scheduler', 'kubelet', 'endpoints-controller', 'kube-proxy'];
    const flow = await waitFor(
      () => {
        const id = tracePodCreated(stack.spans, NS, 'web-1');
        if (!id) return undefined;
        const all = [...spansOf(id), ...linkedInto(stack.spans, id)];
        const seen = new Set(all.map((s) => s.service));
        return services.every((s) => seen.has(s)) ? { id, all } : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, desc: `spans from ${services.join(', ')} in the trace of pod ${NS}/web-1` },
    );
    const first = (service: string) => Math.min(...flow.all.filter((s) => s.service === service).map((s) => s.startMs));
    const create = flow.all.find((s) => s.service === 'apiserver' && s.name === 'apiserver create');
    expect(create).toBeDefined();
    // Causal order: the create comes first; the scheduler binds before the kubelet runs the pod;
    // kube-proxy programs the endpoint after the endpoints-controller wrote it.
    for (const s of services.slice(1)) expect(first(s)).toBeGreaterThanOrEqual(create!.startMs);
    expect(first('scheduler')).toBeLessThan(first('kubelet'));
    const lastProxy = Math.max(...flow.all.filter((s) => s.service === 'kube-proxy').map((s) => s.startMs));
    expect(lastProxy).toBeGreaterThan(first('endpoints-controller'));

    // The same path as one number: creation → served by kube-proxy.
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(stack.kubeProxyMetricsURL)).text();
        return /^pod_to_service_latency_seconds_count [1-9]/m.test(text) ? text : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, desc: 'pod_to_service_latency_seconds observed' },
    );
    const sum = Number(/^pod_to_service_latency_seconds_sum (\S+)/m.exec(metrics)?.[1]);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(120);
  });

  it('traces a request: client context → kube-proxy connection → echo server share one trace', async () => {
    const svc = await stack.client.services.get(NS, 'web');
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    await get(svc.spec?.clusterIP ?? '', 80, { traceparent });
    const spans = await waitFor(
      () => {
        const s = spansOf(traceId);
        return s.some((x) => x.service === 'kube-proxy') && s.some((x) => x.service === 'echo') ? s : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, desc: 'kube-proxy and echo spans in the client trace' },
    );
    const proxy = spans.find((s) => s.service === 'kube-proxy') as SpanRecord;
    const echo = spans.find((s) => s.service === 'echo') as SpanRecord;
    expect(proxy.startMs).toBeLessThanOrEqual(echo.startMs);
  });

  it('resolves Service names through the kube-dns ClusterIP (forwarded by kube-proxy)', async () => {
    const svc = await stack.client.services.get(NS, 'web');
    const resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([CLUSTER_DNS_IP]);
    const addrs = await waitFor(() => resolver.resolve4(`web.${NS}.svc.cluster.local`).catch(() => undefined), { timeoutMs: 20_000, intervalMs: 250, desc: 'A record via kube-dns' });
    expect(addrs).toEqual([svc.spec?.clusterIP]);
    await expect(resolver.resolve4(`nope.${NS}.svc.cluster.local`)).rejects.toMatchObject({ code: 'ENOTFOUND' });

    // SRV for the named port, PTR for the ClusterIP, CNAME for ExternalName, headless A per ready endpoint.
    const srv = await resolver.resolveSrv(`_http._tcp.web.${NS}.svc.cluster.local`);
    expect(srv).toEqual([expect.objectContaining({ name: `web.${NS}.svc.cluster.local`, port: 80 })]);
    expect(await resolver.reverse(svc.spec?.clusterIP ?? '')).toEqual([`web.${NS}.svc.cluster.local`]);
    await stack.client.services.create({ metadata: { name: 'ext', namespace: NS }, spec: { type: 'ExternalName', externalName: 'example.org' } });
    await stack.client.services.create({
      metadata: { name: 'web-headless', namespace: NS },
      spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: intOrString('http') }] },
    });
    const cname = await waitFor(() => resolver.resolveCname(`ext.${NS}.svc.cluster.local`).catch(() => undefined), { timeoutMs: 10_000, intervalMs: 200, desc: 'CNAME via kube-dns' });
    expect(cname).toEqual(['example.org']);
    const podIP = (await stack.client.pods.get(NS, 'web-1')).status?.podIP;
    const headless = await waitFor(() => resolver.resolve4(`web-headless.${NS}.svc.cluster.local`).catch(() => undefined), { timeoutMs: 15_000, intervalMs: 200, desc: 'headless A via kube-dns' });
    expect(headless).toEqual([podIP]);
  });
});

describe('the kubernetes Service', () => {
  it('reaches the apiserver through its ClusterIP (kube-proxy forwards its EndpointSlice)', async () => {
    const svc = await stack.client.services.get('default', 'kubernetes');
    expect(svc.spec?.clusterIP).toBe('127.104.0.1');
    const version = await waitFor(
      () =>
        fetch(`http://${svc.spec?.clusterIP}:443/version`)
          .then((r) => (r.ok ? (r.json() as Promise<{ gitVersion?: string }>) : undefined))
          .catch(() => undefined),
      { timeoutMs: 15_000, intervalMs: 200, desc: 'GET /version through the kubernetes ClusterIP' },
    );
    expect(version.gitVersion).toMatch(/^v1\./);
  });
});

describe('a Deployment behind a LoadBalancer Service', () => {
  it('spreads traffic, replaces a deleted pod with a new IP, and keeps serving', async () => {
    const deploy: Deployment = {
      metadata: { name: 'api', namespace: NS },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'api' } },
        template: { metadata: { labels: { app: 'api' } }, spec: echoPodSpec() },
      },
    };
    await stack.client.deployments.create(deploy);
    const svc = await stack.client.services.create(service('api', 'api', 'LoadBalancer'));
    const clusterIP = svc.spec?.clusterIP ?? '';
    const nodePort = svc.spec?.ports?.[0]?.nodePort ?? 0;
    expect(nodePort).toBeGreaterThanOrEqual(30000);

    await waitFor(async () => (await readyPods('api')).length === 3, { timeoutMs: 60_000, intervalMs: 250, desc: '3 ready api pods' });
    const byPod = new Map<string, number>();
    await waitFor(
      async () => {
        const r = await get(clusterIP, 80).catch(() => undefined);
        if (r) byPod.set(r.pod, (byPod.get(r.pod) ?? 0) + 1);
        return byPod.size === 3;
      },
      { timeoutMs: 30_000, intervalMs: 20, desc: 'answers from all 3 pods through the ClusterIP' },
    );

    // The LoadBalancer IP comes from the pool, and NodePort works on every node IP.
    const lbIP = await waitFor(async () => (await stack.client.services.get(NS, 'api')).status?.loadBalancer?.ingress?.[0]?.ip, { timeoutMs: 20_000, desc: 'LoadBalancer ingress IP' });
    expect(lbIP.startsWith(LB_POOL.split('.').slice(0, 3).join('.'))).toBe(true);
    await waitFor(() => get(lbIP, 80).catch(() => undefined), { timeoutMs: 15_000, intervalMs: 100, desc: 'traffic through the LoadBalancer IP' });
    for (const n of NODES) await waitFor(() => get(n.ip, nodePort).catch(() => undefined), { timeoutMs: 15_000, intervalMs: 100, desc: `NodePort on ${n.ip}` });

    // Delete one pod while a client keeps sending requests.
    const before = await readyPods('api');
    const victim = before[0];
    let ok = 0;
    const failures: string[] = [];
    let stop = false;
    const load = (async () => {
      for (let i = 0; i < 5000 && !stop; i++) {
        try {
          await get(clusterIP, 80);
          ok++;
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    })();
    let replacement: Pod;
    try {
      await stack.client.pods.delete(NS, victim.metadata?.name ?? '');
      replacement = await waitFor(
        async () => (await readyPods('api')).find((p) => !before.some((b) => b.metadata?.name === p.metadata?.name)),
        { timeoutMs: 60_000, intervalMs: 250, desc: 'a ready replacement pod' },
      );
      const name = replacement.metadata?.name;
      await waitFor(() => get(clusterIP, 80).then((r) => r.pod === name || undefined).catch(() => undefined), {
        timeoutMs: 30_000,
        intervalMs: 20,
        desc: `the replacement ${name} (${replacement.status?.podIP}) answering through the ClusterIP`,
      }).catch(async (err: Error) => {
        const slices = await stack.client.endpointSlices.list({ namespace: NS, labelSelector: 'kubernetes.io/service-name=api' });
        const eps = slices.items.flatMap((s) => (s.endpoints ?? []).map((e) => `${e.addresses?.join(',')}${e.conditions?.ready ? '' : '(not ready)'}`));
        throw new Error(`${err.message}; EndpointSlice endpoints: ${eps.join(' ')}`);
      });
    } finally {
      stop = true;
      await load;
    }
    expect(replacement.status?.podIP).not.toBe(victim.status?.podIP);
    expect(ok).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });
});
