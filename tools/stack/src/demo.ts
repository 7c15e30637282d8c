// `npm start -- --demo`: shows the control plane at work with what exists
// today. It subscribes to the raw change events on NATS (as
// `nats sub 'k8ts.events.>'` would), creates a Service and three pods through
// the gRPC API, and prints what the apiserver allocated and published.
import { type ApiClient, createApiClient } from '@k8ts/client';
import { decodeEventHeaders, parseEventSubject } from '@k8ts/eventbus';
import { connect } from '@nats-io/transport-node';
import type { Pod, Service } from '@k8ts/api';
import { intOrString } from '@k8ts/api';

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`demo: condition not met within ${timeoutMs} ms`);
}

async function waitForReadyPods(client: ApiClient, ns: string, n: number, timeoutMs: number): Promise<Pod[]> {
  let ready: Pod[] = [];
  await waitUntil(async () => {
    const { items } = await client.pods.list({ namespace: ns, labelSelector: 'app=web' });
    ready = items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length >= n;
  }, timeoutMs);
  return ready;
}

export async function runDemo(opts: { grpcAddress: string; natsUrl: string; log: (line: string) => void }): Promise<void> {
  const { log } = opts;
  const nc = await connect({ servers: opts.natsUrl, name: 'k8ts-demo' });
  const sub = nc.subscribe('k8ts.events.>');
  void (async () => {
    for await (const m of sub) {
      try {
        const key = parseEventSubject(m.subject);
        const h = m.headers ? decodeEventHeaders(m.headers) : undefined;
        log(`nats  ${m.subject}  ${h?.type ?? '?'} rv=${h?.revision ?? '?'}  (${key.resource} ${key.namespace ? `${key.namespace}/` : ''}${key.name})`);
      } catch {
        log(`nats  ${m.subject}`);
      }
    }
  })();

  const client = createApiClient({ address: opts.grpcAddress });
  try {
    const ns = 'demo';
    await client.namespaces.create({ metadata: { name: ns } }).catch(() => undefined);
    const svc: Service = {
      metadata: { name: 'web', namespace: ns },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: intOrString(8080) }] },
    };
    const created = await client.services.create(svc).catch(() => client.services.get(ns, 'web'));
    log(`demo  service demo/web: clusterIP ${created.spec?.clusterIP}, nodePort ${created.spec?.ports?.[0]?.nodePort}`);
    for (let i = 0; i < 3; i++) {
      const pod: Pod = {
        metadata: { generateName: 'web-', namespace: ns, labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'echo',
              image: 'k8ts/echo',
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { handler: { httpGet: { path: '/healthz', port: intOrString('http') } }, periodSeconds: 1 },
            },
          ],
        },
      };
      const p = await client.pods.create(pod);
      log(`demo  pod ${ns}/${p.metadata?.name} created at resourceVersion ${p.metadata?.resourceVersion}`);
    }
    const ready = await waitForReadyPods(client, ns, 3, 60_000);
    for (const p of ready) log(`demo  pod ${p.metadata?.name} Ready on ${p.spec?.nodeName} with IP ${p.status?.podIP}`);
    for (const p of ready) {
      const body = (await (await fetch(`http://${p.status?.podIP}:8080/`)).json()) as { pod: string; node: string; ip: string };
      log(`demo  GET http://${p.status?.podIP}:8080/ -> answered by pod ${body.pod} on ${body.node} (${body.ip})`);
    }
    const endpoints = async () => {
      const slices = await client.endpointSlices.list({ namespace: ns, labelSelector: 'kubernetes.io/service-name=web' });
      return slices.items.flatMap((sl) => (sl.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses ?? [])).sort();
    };
    log(`demo  EndpointSlice for demo/web lists ready endpoints: ${(await endpoints()).join(', ')}`);
    const victim = ready[0];
    if (victim) {
      await client.pods.delete(ns, victim.metadata?.name ?? '');
      log(`demo  deleting pod ${victim.metadata?.name} (${victim.status?.podIP}): kubelet sends SIGTERM, endpoints drop it`);
      await waitUntil(async () => !(await endpoints()).includes(victim.status?.podIP ?? ''), 15_000);
      log(`demo  ready endpoints now: ${(await endpoints()).join(', ')} (a ReplicaSet would replace the pod; the controller-manager is not built yet)`);
    }
    log('demo  done: the objects stay; try the gRPC API on 127.0.0.1:6444, or watch NATS subjects k8ts.events.>');
  } finally {
    client.close();
    await sub.drain().catch(() => undefined);
    await nc.close();
  }
}
