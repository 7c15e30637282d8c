// Wires the kubelet: node registration and lease, the pods bound to this node
// (informer with spec.nodeName), the process runtime, probes, back-off, pod
// workers, a relister that notices container exits (PLEG), and the kubelet
// API (logs, exec, health, metrics).
import { join } from 'node:path';
import type { Pod, Service } from '@k8ts/api';
import { createApiClient, isDeletedFinalStateUnknown, SharedInformerFactory } from '@k8ts/client';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { Registry as MetricsRegistry, collectDefaultMetrics } from 'prom-client';
import { CrashLoopBackOff } from './backoff/crash-loop-backoff';
import type { KubeletConfig } from './config';
import { PodIPAllocator } from './node/ipam';
import { buildNode } from './node/node-status';
import { NodeRegistrar } from './node/node-registrar';
import { syncPod, terminatePod, newPodSyncState, type PodSyncDeps } from './podworkers/pod-sync';
import { PodWorkers } from './podworkers/pod-workers';
import { ProbeManager } from './prober/probe-manager';
import { RealProber } from './prober/prober';
import { ProcessRuntime } from './runtime/process-runtime';
import { telemetryEnvOf } from './runtime/images';
import { recordProbeResult } from './podworkers/probe-span';
import { startKubeletServer } from './server/kubelet-server';
import { KubeletMetrics } from './server/metrics';

export interface RunningKubelet {
  stop(): Promise<void>;
}

export async function startKubelet(config: KubeletConfig, logger: Logger): Promise<RunningKubelet> {
  const client = createApiClient({ address: config.apiAddress, userAgent: `kubelet/${config.nodeName}` });
  let nc: NatsConnection | undefined;
  if (config.watchVia === 'nats') nc = await connect({ servers: config.natsUrl.split(','), name: `kubelet-${config.nodeName}`, maxReconnectAttempts: -1 });
  const abort = new AbortController();

  const registry = new MetricsRegistry();
  collectDefaultMetrics({ register: registry });
  const metrics = new KubeletMetrics(registry);

  const nodeSpec = () =>
    buildNode({
      nodeName: config.nodeName,
      nodeIP: config.nodeIP,
      podCIDR: config.podCIDR,
      capacity: { cpu: config.cpu, memory: config.memory, pods: String(config.maxPods) },
      kubeletPort: config.port,
      now: new Date(),
    });
  const registrar = new NodeRegistrar({
    client,
    node: nodeSpec,
    renewIntervalMs: config.nodeLeaseRenewIntervalSeconds * 1000,
    statusUpdateIntervalMs: config.nodeStatusUpdateFrequencySeconds * 1000,
    logger,
  });
  await registrar.register();
  registrar.start(abort.signal);

  const runtime = new ProcessRuntime({ stateDir: join(config.rootDir, 'runtime'), echoEntry: config.echoEntry, catalogFile: config.imageCatalog, mountNamespaces: config.mountNamespaces, telemetryEnv: telemetryEnvOf(process.env), logger });
  const ipam = new PodIPAllocator(config.podCIDR, join(config.rootDir, 'ipam.json'));
  const backoff = new CrashLoopBackOff({ baseMs: config.crashloopBackoffBaseSeconds * 1000 });

  // Pods bound to this node only; services everywhere (for service-link env vars).
  const podFactory = new SharedInformerFactory(client, nc, { watchVia: config.watchVia, fieldSelector: `spec.nodeName=${config.nodeName}` });
  const factory = new SharedInformerFactory(client, nc, { watchVia: config.watchVia });
  const podInformer = podFactory.informerFor('pods');
  const serviceInformer = factory.informerFor('services');
  const servicesIn = (namespace: string): Service[] =>
    serviceInformer.lister.list().filter((s) => s.metadata?.namespace === namespace || (s.metadata?.namespace === 'default' && s.metadata?.name === 'kubernetes')) as Service[];

  // eslint-disable-next-line prefer-const
  let workers: PodWorkers;
  const probes = new ProbeManager({
    prober: new RealProber({ execSync: (id, cmd, timeout) => runtime.execSync(id, cmd, timeout) }),
    clock: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    onResult: (podUid, container, kind, result, output) => {
      const w = workers.lookup(podUid);
      if (w) recordProbeResult(w.pod, w.traceContext, config.nodeName, container, kind, result, output);
      workers.enqueue(podUid);
    },
  });
  const deps: PodSyncDeps = {
    runtime,
    ipam,
    probes,
    backoff,
    client,
    nodeName: config.nodeName,
    nodeIP: config.nodeIP,
    clusterDNS: config.clusterDNS ? { server: config.clusterDNS, domain: config.clusterDomain } : undefined,
    services: servicesIn,
    now: () => new Date(),
    logger,
    requeueAfter: (uid, ms) => workers.enqueue(uid, ms),
    onPodStarted: (_pod, seconds) => metrics.podStartDuration.observe(seconds),
  };
  workers = new PodWorkers((pod, state) => syncPod(pod, state, deps), logger);

  const traceOf = (meta: { trace?: { traceparent: string; tracestate?: string } }) =>
    meta.trace ? propagation.extract(ROOT_CONTEXT, meta.trace) : undefined;
  podInformer.addEventHandler({
    onAdd: (pod, _initial, meta) => workers.update(pod as Pod, traceOf(meta)),
    onUpdate: (_old, pod, meta) => workers.update(pod as Pod, traceOf(meta)),
    onDelete: (obj, meta) => {
      const pod = (isDeletedFinalStateUnknown(obj) ? obj.obj : obj) as Pod;
      const uid = pod.metadata?.uid ?? '';
      // Force-deleted (or moved away): tear down whatever still runs.
      const gone: Pod = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: pod.metadata?.deletionTimestamp ?? new Date().toISOString(), deletionGracePeriodSeconds: 0 } };
      workers.update(gone, traceOf(meta));
      workers.forget(uid);
    },
  });
  podFactory.start(abort.signal);
  factory.start(abort.signal);
  await Promise.all([podFactory.waitForCacheSync(abort.signal), factory.waitForCacheSync(abort.signal)]);

  // Sandboxes of pods that no longer exist (deleted while the kubelet was down).
  const known = new Set(podInformer.lister.list().map((p) => p.metadata?.uid));
  for (const sandbox of await runtime.listPodSandboxes()) {
    if (known.has(sandbox.podUid)) continue;
    const orphan: Pod = { metadata: { uid: sandbox.podUid, name: sandbox.name, namespace: sandbox.namespace, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 0 } };
    await terminatePod(orphan, newPodSyncState(), deps).catch((err) => logger.warn({ err: (err as Error).message }, 'orphan cleanup failed'));
  }

  // PLEG: notice container state changes (exits) and resync those pods.
  let lastStates = new Map<string, string>();
  const relist = setInterval(() => {
    void (async () => {
      try {
        const now = new Map<string, string>();
        for (const c of await runtime.listContainers()) {
          now.set(`${c.sandboxId}/${c.name}/${c.attempt}`, c.state);
        }
        for (const [key, state] of now) if (lastStates.get(key) !== state) workers.enqueue(key.split('/')[0] ?? '');
        lastStates = now;
        metrics.setRunning(workers.pods().length, [...now.values()]);
      } catch (err) {
        logger.debug({ err: (err as Error).message }, 'relist failed');
      }
    })();
  }, 1000);
  relist.unref();

  const findContainer = async (namespace: string, podName: string, container?: string) => {
    const pod = podInformer.lister.list().find((p) => p.metadata?.namespace === namespace && p.metadata?.name === podName) as Pod | undefined;
    if (!pod) return undefined;
    const name = container || pod.spec?.containers?.[0]?.name;
    const all = (await runtime.listContainers(pod.metadata?.uid)).filter((c) => c.name === name).sort((a, b) => a.attempt - b.attempt);
    const latest = all[all.length - 1];
    if (!latest) return undefined;
    return { containerId: latest.id, previousContainerId: all[all.length - 2]?.id };
  };
  const server = await startKubeletServer({
    host: config.bindAddress,
    port: config.port,
    healthzPort: config.healthzPort,
    runtime,
    findContainer,
    metricsRegistry: registry,
    logger,
  });
  logger.info({ node: config.nodeName, ip: config.nodeIP, podCIDR: config.podCIDR, port: config.port }, 'kubelet ready');

  return {
    stop: async () => {
      clearInterval(relist);
      abort.abort();
      workers.stop();
      registrar.stop();
      podFactory.stop();
      factory.stop();
      await server.stop();
      client.close();
      await nc?.close();
      // Containers keep running: a restarted kubelet adopts them.
    },
  };
}
