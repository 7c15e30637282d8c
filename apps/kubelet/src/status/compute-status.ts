// The API PodStatus of a pod from the runtime's view of it, as the kubelet's
// generateAPIPodStatus + status manager do: phase (getPhase), the kubelet's
// conditions with preserved transition times, IPs, and container statuses
// with waiting reasons (image pull, crash loop) and last termination state.

import {
  canonicalTime,
  timeFromDate,
  type ContainerState as ApiContainerState,
  type ContainerStatus as ApiContainerStatus,
  type Pod,
  type PodCondition,
  type PodStatus,
} from '@k8ts/api';
import type { ContainerStatus as RuntimeContainerStatus, SandboxStatus } from '../runtime/runtime';

export type { RuntimeContainerStatus };

export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface ComputePodStatusInput {
  pod: Pod;
  /** The status last computed (or read from the API server); pod.status when absent. */
  oldStatus?: PodStatus;
  sandbox?: SandboxStatus;
  /** Runtime view: the latest attempt of each container, plus the previous one (for lastState). */
  containers: RuntimeContainerStatus[];
  /** Why a container is not running, by name: ContainerCreating, ErrImagePull, ImagePullBackOff, CrashLoopBackOff... */
  waiting: Record<string, WaitingReason>;
  /** Readiness by container name (probe manager). */
  ready: Record<string, boolean>;
  /** Startup by container name (probe manager). */
  started: Record<string, boolean>;
  hostIP: string;
  now: Date;
}

export const PodPhase = {
  Pending: 'Pending',
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Unknown: 'Unknown',
} as const;

export const PodConditionType = {
  PodReadyToStartContainers: 'PodReadyToStartContainers',
  Initialized: 'Initialized',
  Ready: 'Ready',
  ContainersReady: 'ContainersReady',
  PodScheduled: 'PodScheduled',
} as const;

/** Conditions the kubelet owns; others (readiness gates, DisruptionTarget...) are preserved. */
const KUBELET_CONDITIONS: readonly string[] = [
  PodConditionType.PodReadyToStartContainers,
  PodConditionType.Initialized,
  PodConditionType.Ready,
  PodConditionType.ContainersReady,
];

export function computePodStatus(input: ComputePodStatusInput): PodStatus {
  const { pod, now } = input;
  const old: PodStatus = input.oldStatus ?? pod.status ?? {};
  const nowTime = timeFromDate(now);
  const restartPolicy = pod.spec?.restartPolicy || 'Always';

  const containerStatuses = containerStatusesFor(input);
  let phase = getPhase(restartPolicy, (pod.spec?.containers ?? []).map((c) => c.name ?? ''), containerStatuses);
  // The kubelet never moves a pod out of a terminal phase.
  if (podIsTerminal(old)) phase = old.phase as string;

  const podIP = input.sandbox?.ip || old.podIP;
  const status: PodStatus = {
    phase,
    conditions: [],
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: old.startTime || nowTime,
    containerStatuses,
  };
  if (old.qosClass || pod.status?.qosClass) status.qosClass = old.qosClass || pod.status?.qosClass;
  if (old.message && podIsTerminal(old)) status.message = old.message;
  if (old.reason && podIsTerminal(old)) status.reason = old.reason;

  const oldConditions = old.conditions ?? [];
  const preserved = oldConditions.filter((c) => !KUBELET_CONDITIONS.includes(c.type ?? ''));
  const containersReady = containersReadyCondition(pod, containerStatuses, phase);
  const generated: PodCondition[] = [
    {
      type: PodConditionType.PodReadyToStartContainers,
      status: input.sandbox?.state === 'ready' && !podIsTerminal(status) ? 'True' : 'False',
    },
    { type: PodConditionType.Initialized, status: 'True' },
    podReadyCondition(pod, containersReady, preserved),
    containersReady,
  ];
  if (!preserved.some((c) => c.type === PodConditionType.PodScheduled)) {
    generated.push({ type: PodConditionType.PodScheduled, status: 'True' });
  }
  status.conditions = [
    ...generated.map((c) => withTransitionTime(c, oldConditions, nowTime)),
    ...preserved,
  ];
  return status;
}

/** Succeeded or Failed: the pod's containers will not run again. */
export function podIsTerminal(status: PodStatus | undefined): boolean {
  return status?.phase === PodPhase.Succeeded || status?.phase === PodPhase.Failed;
}

/** Whether two condition lists say the same thing, ignoring probe and transition times. */
export function conditionsEqualIgnoringTime(a: readonly PodCondition[] | undefined, b: readonly PodCondition[] | undefined): boolean {
  const key = (c: PodCondition) => JSON.stringify([c.type ?? '', c.status ?? '', c.reason ?? '', c.message ?? '']);
  const ka = (a ?? []).map(key).sort();
  const kb = (b ?? []).map(key).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

/** Finds a condition by type. */
export function getPodCondition(status: PodStatus | undefined, type: string): PodCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

function withTransitionTime(c: PodCondition, oldConditions: readonly PodCondition[], nowTime: string): PodCondition {
  const prev = oldConditions.find((o) => o.type === c.type);
  const lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : nowTime;
  return { type: c.type, status: c.status, lastTransitionTime, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
}

/** The pod phase from its containers' states (upstream getPhase, without init containers). */
export function getPhase(restartPolicy: string, specNames: readonly string[], statuses: readonly ApiContainerStatus[]): string {
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const name of specNames) {
    const cs = statuses.find((s) => s.name === name);
    if (!cs?.state) {
      unknown++;
    } else if (cs.state.running) {
      running++;
    } else if (cs.state.terminated) {
      stopped++;
      if ((cs.state.terminated.exitCode ?? 0) === 0) succeeded++;
    } else if (cs.state.waiting) {
      if (cs.lastState?.terminated) stopped++;
      else waiting++;
    } else {
      unknown++;
    }
  }
  if (waiting > 0) return PodPhase.Pending;
  if (running > 0 && unknown === 0) return PodPhase.Running;
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (restartPolicy === 'Always') return PodPhase.Running;
    if (stopped === succeeded) return PodPhase.Succeeded;
    if (restartPolicy === 'Never') return PodPhase.Failed;
    return PodPhase.Running;
  }
  return PodPhase.Pending;
}

function containersReadyCondition(pod: Pod, statuses: readonly ApiContainerStatus[], phase: string): PodCondition {
  const type = PodConditionType.ContainersReady;
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    const name = c.name ?? '';
    const cs = statuses.find((s) => s.name === name);
    if (!cs) unknown.push(name);
    else if (!cs.ready) unready.push(name);
  }
  if (phase === PodPhase.Succeeded && unknown.length === 0) {
    return { type, status: 'False', reason: 'PodCompleted' };
  }
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: [${unknown.join(' ')}]`);
  if (unready.length > 0) messages.push(`containers with unready status: [${unready.join(' ')}]`);
  if (messages.length > 0) return { type, status: 'False', reason: 'ContainersNotReady', message: messages.join(', ') };
  return { type, status: 'True' };
}

function podReadyCondition(pod: Pod, containersReady: PodCondition, conditions: readonly PodCondition[]): PodCondition {
  const type = PodConditionType.Ready;
  if (containersReady.status !== 'True') {
    return { type, status: 'False', reason: containersReady.reason, message: containersReady.message };
  }
  const unready: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const gateType = gate.conditionType ?? '';
    const c = conditions.find((x) => x.type === gateType);
    if (!c) unready.push(`corresponding condition of pod readiness gate "${gateType}" does not exist.`);
    else if (c.status !== 'True') unready.push(`the status of pod readiness gate "${gateType}" is not "True", but ${c.status ?? ''}`);
  }
  if (unready.length > 0) return { type, status: 'False', reason: 'ReadinessGatesNotReady', message: unready.join(', ') };
  return { type, status: 'True' };
}

function time(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return canonicalTime(value, 'time');
  } catch {
    return value;
  }
}

function terminatedState(c: RuntimeContainerStatus): ApiContainerState {
  const exitCode = c.exitCode ?? 0;
  return {
    terminated: {
      exitCode,
      reason: c.reason || (exitCode === 0 ? 'Completed' : 'Error'),
      ...(c.message ? { message: c.message } : {}),
      startedAt: time(c.startedAt),
      finishedAt: time(c.finishedAt),
      containerID: `k8ts://${c.id}`,
    },
  };
}

/** Latest and previous attempt of each container name. */
function attemptsByName(containers: readonly RuntimeContainerStatus[]): Map<string, RuntimeContainerStatus[]> {
  const by = new Map<string, RuntimeContainerStatus[]>();
  containers.forEach((c) => {
    const list = by.get(c.name) ?? [];
    list.push(c);
    by.set(c.name, list);
  });
  for (const list of by.values()) {
    // Newest first: higher attempt, then later creation, then later in the input.
    const order = new Map(list.map((c, i) => [c, i]));
    list.sort((a, b) => b.attempt - a.attempt || (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || (order.get(b) ?? 0) - (order.get(a) ?? 0));
  }
  return by;
}

function containerStatusesFor(input: ComputePodStatusInput): ApiContainerStatus[] {
  const byName = attemptsByName(input.containers);
  const oldStatuses = (input.oldStatus ?? input.pod.status)?.containerStatuses ?? [];
  return (input.pod.spec?.containers ?? []).map((spec) => {
    const name = spec.name ?? '';
    const image = spec.image ?? '';
    const [latest, previous] = byName.get(name) ?? [];
    const waiting = input.waiting[name];
    const status: ApiContainerStatus = {
      name,
      image,
      imageID: '',
      restartCount: 0,
      ready: false,
      started: false,
      state: {},
      lastState: {},
    };

    if (!latest) {
      // Not created yet: keep the restart count and last state we knew (the runtime may have GC'd them).
      const old = oldStatuses.find((s) => s.name === name);
      status.restartCount = old?.restartCount ?? 0;
      if (old?.lastState?.terminated) status.lastState = old.lastState;
      status.state = { waiting: { reason: waiting?.reason ?? 'ContainerCreating', ...(waiting?.message ? { message: waiting.message } : {}) } };
      return status;
    }

    status.image = latest.image || image;
    status.imageID = `k8ts://${latest.image || image}`;
    status.containerID = `k8ts://${latest.id}`;
    status.restartCount = latest.attempt;
    if (previous && (previous.state === 'exited' || previous.finishedAt)) status.lastState = terminatedState(previous);

    switch (latest.state) {
      case 'running':
        status.state = { running: { startedAt: time(latest.startedAt) } };
        status.ready = input.ready[name] ?? false;
        status.started = input.started[name] ?? false;
        break;
      case 'exited':
        status.state = terminatedState(latest);
        if (waiting) {
          // Waiting to be restarted (CrashLoopBackOff): the exit just seen becomes the last state.
          status.lastState = status.state;
          status.state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
        }
        break;
      default: {
        const w = waiting ?? (latest.reason ? { reason: latest.reason, message: latest.message } : { reason: 'ContainerCreating' });
        status.state = { waiting: { reason: w.reason, ...(w.message ? { message: w.message } : {}) } };
      }
    }
    return status;
  });
}
