// `npm start -- --demo`: shows the control plane at work with what exists
// today. It subscribes to the raw change events on NATS (as
// `nats sub 'k8ts.events.>'` would), creates a Service and three pods through
// the gRPC API, and prints what the apiserver allocated and published.
import { createApiClient } from '@k8ts/client';
import { decodeEventHeaders, parseEventSubject } from '@k8ts/eventbus';
import { connect } from '@nats-io/transport-node';
import type { Pod, Service } from '@k8ts/api';
import { intOrString } from '@k8ts/api';

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
        spec: { containers: [{ name: 'echo', image: 'k8ts/echo', ports: [{ name: 'http', containerPort: 8080 }] }] },
      };
      const p = await client.pods.create(pod);
      log(`demo  pod ${ns}/${p.metadata?.name} created at resourceVersion ${p.metadata?.resourceVersion} (phase ${p.status?.phase}, qosClass ${p.status?.qosClass})`);
    }
    await new Promise((r) => setTimeout(r, 1500));
    const pods = await client.pods.list({ namespace: ns, labelSelector: 'app=web' });
    for (const p of pods.items) {
      const cond = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
      log(`demo  pod ${ns}/${p.metadata?.name}: PodScheduled=${cond?.status ?? '?'} ${cond?.reason ?? ''} ${cond?.message ?? ''}`);
    }
    const slices = await client.endpointSlices.list({ namespace: ns, labelSelector: 'kubernetes.io/service-name=web' });
    log(`demo  endpoints-controller wrote ${slices.items.length} EndpointSlice(s) for demo/web with ${slices.items.reduce((n, s) => n + (s.endpoints?.length ?? 0), 0)} endpoints`);
    log('demo  no kubelet has registered a node yet, so the scheduler reports why the pods cannot be placed');
    const victim = pods.items[0]?.metadata?.name;
    if (victim) {
      await client.pods.delete(ns, victim);
      log(`demo  deleted pod ${ns}/${victim}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    log('demo  done: the objects stay; try the gRPC API on 127.0.0.1:6444, or watch NATS subjects k8ts.events.>');
  } finally {
    client.close();
    await sub.drain().catch(() => undefined);
    await nc.close();
  }
}
