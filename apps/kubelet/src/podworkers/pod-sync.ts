// syncPod: one pass of the kubelet's desired-versus-actual loop for one pod.
// Desired state is the pod from the apiserver; actual state is what the
// runtime reports. One pass creates the sandbox, (re)starts containers as
// restartPolicy and back-off allow, restarts containers whose liveness
// failed, and writes the status when it changed. Terminating pods are torn
// down (preStop, SIGTERM, grace, SIGKILL), their IP released, and the delete
// finished with grace 0.
import type { Container, Pod, PodStatus, Service } from '@k8ts/api';
import { isConflict, isNotFound } from '@k8ts/apimachinery';
import type { ApiClient } from '@k8ts/client';
import { type Context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { type CrashLoopBackOff, shouldRestart } from '../backoff/crash-loop-backoff';
import { buildContainerEnv, expandCommand } from '../envvars/environment';
import type { ProbeManager } from '../prober/probe-manager';
import { ImagePullError, type ContainerStatus, type Runtime, type SandboxStatus } from '../runtime/runtime';
import { computePodStatus } from '../status/compute-status';

export interface PodSyncDeps {
  runtime: Runtime;
  ipam: { allocate(podUid: string): string; release(podUid: string): void };
  probes: ProbeManager;
  backoff: CrashLoopBackOff;
  client: ApiClient;
  nodeName: string;
  nodeIP: string;
  /** Cluster DNS for ClusterFirst pods (kubelet --cluster-dns, --cluster-domain). */
  clusterDNS?: { server: string; domain: string };
  /** Services of a namespace plus default/kubernetes, for service-link env vars. */
  services(namespace: string): Service[];
  now(): Date;
  logger: Logger;
  /** Called when the pod should be synced again after `ms` (back-off expiry). */
  requeueAfter(podUid: string, ms: number): void;
  /** Called once a pod's first container has started (pod start latency metric). */
  onPodStarted?(pod: Pod, seconds: number): void;
}

const tracer = trace.getTracer('@k8ts/kubelet');

/** What the worker remembers between passes for one pod. */
export interface PodSyncState {
  /** Waiting reasons by container name (ErrImagePull, CrashLoopBackOff, ...). */
  waiting: Record<string, { reason: string; message?: string }>;
  /** Image pull failures by container name, for ImagePullBackOff. */
  pullFailures: Record<string, number>;
  lastStatus?: PodStatus;
  /** Trace context of the write that brought the pod here, continued by every span. */
  traceContext: Context;
  startedReported?: boolean;
}

export function newPodSyncState(ctx: Context = ROOT_CONTEXT): PodSyncState {
  return { waiting: {}, pullFailures: {}, traceContext: ctx };
}

function uidOf(pod: Pod): string {
  return pod.metadata?.uid ?? '';
}

function podAttrs(pod: Pod, nodeName: string) {
  return { 'k8s.pod.name': pod.metadata?.name ?? '', 'k8s.namespace.name': pod.metadata?.namespace ?? '', 'k8s.pod.uid': uidOf(pod), 'k8s.node.name': nodeName };
}

async function span<T>(name: string, ctx: Context, attrs: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes: attrs }, ctx, async (s) => {
    try {
      return await fn();
    } catch (err) {
      s.recordException(err as Error);
      s.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      s.end();
    }
  });
}

/** Latest and previous runtime containers by container name. */
function byName(containers: ContainerStatus[]): Map<string, { latest: ContainerStatus; previous?: ContainerStatus }> {
  const out = new Map<string, { latest: ContainerStatus; previous?: ContainerStatus }>();
  for (const c of [...containers].sort((a, b) => a.attempt - b.attempt)) {
    const cur = out.get(c.name);
    out.set(c.name, { latest: c, previous: cur?.latest });
  }
  return out;
}

export async function syncPod(pod: Pod, state: PodSyncState, deps: PodSyncDeps): Promise<void> {
  if (pod.metadata?.deletionTimestamp) {
    await terminatePod(pod, state, deps);
    return;
  }
  await span('kubelet sync pod', state.traceContext, podAttrs(pod, deps.nodeName), async () => {
    const uid = uidOf(pod);
    const sandbox = await ensureSandbox(pod, state, deps);
    const existing = byName(await deps.runtime.listContainers(sandbox.id));
    const phase = pod.status?.phase;
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    for (const container of pod.spec?.containers ?? []) {
      if (terminal) break;
      const name = container.name ?? '';
      const cur = existing.get(name)?.latest;
      if (!cur) {
        await startContainer(pod, container, 0, sandbox, state, deps);
        continue;
      }
      if (cur.state === 'running') {
        deps.probes.addContainer(uid, container, { podIP: sandbox.ip, containerId: cur.id, env: {} }, Date.parse(cur.startedAt ?? cur.createdAt));
        if (deps.probes.livenessFailed(uid, name)) {
          deps.logger.info({ pod: pod.metadata?.name, container: name }, 'liveness probe failed; restarting container');
          await deps.runtime.stopContainer(cur.id, pod.spec?.terminationGracePeriodSeconds ?? 30);
          deps.probes.removeContainer(uid, name);
          if (pod.spec?.restartPolicy !== 'Never') await restartWithBackoff(pod, container, cur, sandbox, state, deps);
        }
        continue;
      }
      if (cur.state === 'exited') {
        deps.probes.removeContainer(uid, name);
        if (shouldRestart(pod.spec?.restartPolicy, cur.exitCode ?? 0)) {
          await restartWithBackoff(pod, container, cur, sandbox, state, deps);
        }
      }
    }
    await writeStatus(pod, state, sandbox, deps);
  });
}

async function ensureSandbox(pod: Pod, state: PodSyncState, deps: PodSyncDeps): Promise<SandboxStatus> {
  const uid = uidOf(pod);
  const found = (await deps.runtime.listPodSandboxes()).find((s) => s.podUid === uid && s.state === 'ready');
  if (found) return found;
  return span('kubelet create sandbox', state.traceContext, podAttrs(pod, deps.nodeName), async () => {
    const ip = deps.ipam.allocate(uid);
    const emptyDirs = (pod.spec?.volumes ?? []).filter((v) => v.volumeSource?.emptyDir !== undefined || !v.volumeSource).map((v) => v.name ?? '');
    return deps.runtime.runPodSandbox({
      podUid: uid,
      name: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? '',
      ip,
      hostname: pod.spec?.hostname || pod.metadata?.name || '',
      emptyDirs,
    });
  });
}

async function restartWithBackoff(pod: Pod, container: Container, cur: ContainerStatus, sandbox: SandboxStatus, state: PodSyncState, deps: PodSyncDeps) {
  const key = `${uidOf(pod)}/${container.name}`;
  const { waiting, remainingMs } = deps.backoff.inBackoff(key);
  if (waiting) {
    state.waiting[container.name ?? ''] = {
      reason: 'CrashLoopBackOff',
      message: `back-off ${Math.ceil(remainingMs / 1000)}s restarting failed container=${container.name} pod=${pod.metadata?.name}_${pod.metadata?.namespace}(${uidOf(pod)})`,
    };
    deps.requeueAfter(uidOf(pod), remainingMs + 50);
    return;
  }
  await startContainer(pod, container, cur.attempt + 1, sandbox, state, deps);
  const finished = Date.parse(cur.finishedAt ?? '') || deps.now().getTime();
  const ranFor = finished - (Date.parse(cur.startedAt ?? '') || finished);
  deps.backoff.next(key, finished, ranFor);
}

async function startContainer(pod: Pod, container: Container, attempt: number, sandbox: SandboxStatus, state: PodSyncState, deps: PodSyncDeps) {
  const name = container.name ?? '';
  const attrs = { ...podAttrs(pod, deps.nodeName), 'k8s.container.name': name, 'k8s.container.restart_count': String(attempt) };
  await span('kubelet start container', state.traceContext, attrs, async () => {
    const env = buildContainerEnv({
      pod,
      container,
      podIP: sandbox.ip,
      hostIP: deps.nodeIP,
      nodeName: deps.nodeName,
      services: deps.services(pod.metadata?.namespace ?? ''),
      enableServiceLinks: pod.spec?.enableServiceLinks !== false,
      clusterDNS: deps.clusterDNS,
    });
    let id: string;
    try {
      id = await deps.runtime.createContainer(sandbox.id, {
        name,
        image: container.image ?? '',
        command: expandCommand(container.command ?? [], env),
        args: expandCommand(container.args ?? [], env),
        workingDir: container.workingDir,
        env,
        mounts: (container.volumeMounts ?? []).map((m) => ({ volume: m.name ?? '', mountPath: m.mountPath ?? '', readOnly: m.readOnly })),
        attempt,
      });
    } catch (err) {
      if (!(err instanceof ImagePullError)) throw err;
      const failures = (state.pullFailures[name] = (state.pullFailures[name] ?? 0) + 1);
      state.waiting[name] = { reason: failures > 1 ? 'ImagePullBackOff' : 'ErrImagePull', message: err.message };
      deps.requeueAfter(uidOf(pod), Math.min(300_000, 10_000 * 2 ** (failures - 1)));
      return;
    }
    delete state.waiting[name];
    delete state.pullFailures[name];
    await deps.runtime.startContainer(id);
    if (!state.startedReported) {
      state.startedReported = true;
      const created = Date.parse(pod.metadata?.creationTimestamp ?? '');
      if (created) deps.onPodStarted?.(pod, Math.max(0, (deps.now().getTime() - created) / 1000));
    }
  });
}

/** The apiserver's copy disagrees with what the kubelet computed on phase or a condition it owns. */
export function ownedStatusDrifted(current: PodStatus | undefined, computed: PodStatus): boolean {
  if ((current?.phase ?? '') !== (computed.phase ?? '')) return true;
  const cond = (st: PodStatus | undefined, type: string) => st?.conditions?.find((c) => c.type === type)?.status;
  return ['Ready', 'ContainersReady', 'Initialized', 'PodScheduled'].some((t) => cond(computed, t) !== undefined && cond(current, t) !== cond(computed, t));
}

async function writeStatus(pod: Pod, state: PodSyncState, sandbox: SandboxStatus | undefined, deps: PodSyncDeps): Promise<void> {
  const uid = uidOf(pod);
  const containers = sandbox ? await deps.runtime.listContainers(sandbox.id) : [];
  const ready: Record<string, boolean> = {};
  const started: Record<string, boolean> = {};
  for (const c of pod.spec?.containers ?? []) {
    const name = c.name ?? '';
    const running = containers.some((x) => x.name === name && x.state === 'running');
    ready[name] = running && deps.probes.readiness(uid, name);
    started[name] = running && deps.probes.started(uid, name);
  }
  const status = computePodStatus({
    pod,
    oldStatus: pod.status,
    sandbox,
    containers,
    waiting: state.waiting,
    ready,
    started,
    hostIP: deps.nodeIP,
    now: deps.now(),
  });
  // Unchanged since our last write, and nobody else changed what we own
  // (e.g. the node lifecycle controller marking the pod not ready while the
  // node was silent): nothing to write.
  if (JSON.stringify(status) === JSON.stringify(state.lastStatus) && !ownedStatusDrifted(pod.status, status)) return;
  await span('kubelet status update', state.traceContext, { ...podAttrs(pod, deps.nodeName), 'k8s.pod.phase': status.phase ?? '' }, async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const current = attempt === 0 ? pod : await deps.client.pods.get(pod.metadata?.namespace, pod.metadata?.name ?? '');
        if (current.metadata?.uid !== uid) return;
        await deps.client.pods.updateStatus({ ...current, status: { ...status, qosClass: current.status?.qosClass } });
        state.lastStatus = status;
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
      }
    }
  });
}

/** Graceful termination: preStop, SIGTERM, grace, SIGKILL; then free the IP and finish the delete. */
export async function terminatePod(pod: Pod, state: PodSyncState, deps: PodSyncDeps): Promise<void> {
  await span('kubelet kill pod', state.traceContext, podAttrs(pod, deps.nodeName), async () => {
    const uid = uidOf(pod);
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const deadline = deps.now().getTime() + grace * 1000;
    const sandboxes = (await deps.runtime.listPodSandboxes()).filter((s) => s.podUid === uid);
    for (const sandbox of sandboxes) {
      const containers = await deps.runtime.listContainers(sandbox.id);
      await Promise.all(
        containers
          .filter((c) => c.state === 'running')
          .map(async (c) => {
            const spec = pod.spec?.containers?.find((x) => x.name === c.name);
            const preStop = spec?.lifecycle?.preStop?.exec?.command;
            if (preStop?.length) {
              const left = Math.max(1, Math.floor((deadline - deps.now().getTime()) / 1000));
              await deps.runtime.execSync(c.id, preStop, left).catch(() => undefined);
            }
            const left = Math.max(0, Math.ceil((deadline - deps.now().getTime()) / 1000));
            await deps.runtime.stopContainer(c.id, left);
          }),
      );
      for (const c of containers) await deps.runtime.removeContainer(c.id).catch(() => undefined);
      await deps.runtime.stopPodSandbox(sandbox.id);
      await deps.runtime.removePodSandbox(sandbox.id);
    }
    deps.probes.removePod(uid);
    deps.ipam.release(uid);
    try {
      await deps.client.pods.delete(pod.metadata?.namespace, pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  });
}
