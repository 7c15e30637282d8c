// `npm start -- --demo`: Pods and Services at work on the running stack.
// It creates a Deployment of three k8ts/echo pods and a Service, sends
// requests through the Service's ClusterIP (kube-proxy spreads them over the
// pods), resolves the Service name through cluster DNS, deletes one pod, and
// shows the ReplicaSet's replacement (new name, new IP) taking traffic while
// requests keep succeeding. Each request carries a W3C traceparent, so
// `npm run trace -- last-request` shows it crossing kube-proxy into a pod.
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { request } from 'node:http';
import { type ApiClient, createApiClient } from '@k8ts/client';
import type { Deployment, Pod, Service } from '@k8ts/api';
import { intOrString } from '@k8ts/api';

const NS = 'demo';
const APP = 'web';

interface EchoReply {
  pod: string;
  ip: string;
  node: string;
}

async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`demo: ${what} did not happen within ${timeoutMs / 1000} s`);
}

function get(host: string, port: number): Promise<EchoReply> {
  const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', headers: { connection: 'close', traceparent }, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        try {
          if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
          resolve(JSON.parse(body) as EchoReply);
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function readyPods(client: ApiClient): Promise<Pod[]> {
  const { items } = await client.pods.list({ namespace: NS, labelSelector: `app=${APP}` });
  return items.filter((p) => isReady(p) && !p.metadata?.deletionTimestamp);
}

export async function runDemo(opts: { grpcAddress: string; clusterDNS: string; log: (line: string) => void }): Promise<void> {
  const { log } = opts;
  const client = createApiClient({ address: opts.grpcAddress });
  try {
    await client.namespaces.create({ metadata: { name: NS } }).catch(() => undefined);
    const deployment: Deployment = {
      metadata: { name: APP, namespace: NS },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: APP } },
        template: {
          metadata: { labels: { app: APP } },
          spec: {
            terminationGracePeriodSeconds: 5,
            containers: [
              {
                name: 'echo',
                image: 'k8ts/echo',
                ports: [{ name: 'http', containerPort: 8080 }],
                readinessProbe: { handler: { httpGet: { path: '/healthz', port: intOrString('http') } }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    };
    await client.deployments.create(deployment).catch(() => undefined);
    log(`demo  deployment ${NS}/${APP}: 3 replicas of k8ts/echo`);
    const svc: Service = {
      metadata: { name: APP, namespace: NS },
      spec: { type: 'NodePort', selector: { app: APP }, ports: [{ name: 'http', port: 80, targetPort: intOrString('http') }] },
    };
    const created = await client.services.create(svc).catch(() => client.services.get(NS, APP));
    const clusterIP = created.spec?.clusterIP ?? '';
    log(`demo  service ${NS}/${APP}: ClusterIP ${clusterIP}:80, NodePort ${created.spec?.ports?.[0]?.nodePort}`);

    const pods = await waitUntil('3 ready pods', async () => {
      const r = await readyPods(client);
      return r.length >= 3 ? r : undefined;
    }, 90_000);
    for (const p of pods) log(`demo  pod ${p.metadata?.name} Ready on ${p.spec?.nodeName} with IP ${p.status?.podIP}`);

    // kube-proxy programs each endpoint as it becomes ready: wait until all three answer.
    const seen = new Set<string>();
    await waitUntil('traffic through the ClusterIP to all 3 pods', async () => {
      const r = await get(clusterIP, 80);
      seen.add(r.pod);
      return pods.every((p) => seen.has(p.metadata?.name ?? ''));
    }, 30_000);
    const counts = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const r = await get(clusterIP, 80);
      counts.set(`${r.pod} (${r.ip})`, (counts.get(`${r.pod} (${r.ip})`) ?? 0) + 1);
    }
    log(`demo  30 requests to http://${clusterIP}/ landed on: ${[...counts].map(([k, v]) => `${k} ×${v}`).join(', ')}`);

    const resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([opts.clusterDNS]);
    const name = `${APP}.${NS}.svc.cluster.local`;
    const addrs = await resolver.resolve4(name).catch((e: Error) => [`(${e.message})`]);
    log(`demo  DNS ${name} → ${addrs.join(', ')} (asked kube-dns at ${opts.clusterDNS}:53)`);

    const victim = pods[0];
    let ok = 0;
    let failed = 0;
    let stop = false;
    const load = (async () => {
      for (let i = 0; i < 20_000 && !stop; i++) {
        await get(clusterIP, 80).then(
          () => ok++,
          () => failed++,
        );
      }
    })();
    await client.pods.delete(NS, victim.metadata?.name ?? '');
    log(`demo  deleted pod ${victim.metadata?.name} (${victim.status?.podIP}) while a client keeps sending requests`);
    const replacement = await waitUntil('a replacement pod', async () => (await readyPods(client)).find((p) => !pods.some((o) => o.metadata?.name === p.metadata?.name)), 60_000);
    log(`demo  the ReplicaSet replaced it: ${replacement.metadata?.name} on ${replacement.spec?.nodeName} with new IP ${replacement.status?.podIP}`);
    await waitUntil('the replacement taking traffic', async () => (await get(clusterIP, 80)).pod === replacement.metadata?.name, 30_000);
    stop = true;
    await load;
    log(`demo  requests during the replacement: ${ok} succeeded, ${failed} failed`);
    log('demo  done. Try: KUBECONFIG=.k8ts/kubeconfig kubectl get pods -n demo -o wide; npm run trace -- last-request; npm run trace -- pod demo/<pod>');
  } finally {
    client.close();
  }
}
