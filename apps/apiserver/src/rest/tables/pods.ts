// The pods table, with STATUS computed the way kubectl has always shown it:
// the phase, overridden by the pod's reason, by init container progress
// ("Init:0/1", "Init:CrashLoopBackOff"), by a container's waiting or
// terminated reason ("CrashLoopBackOff", "Completed", "Error"), and by
// "Terminating" while a deletion is pending.
import type { ContainerStatus, Pod } from '@k8ts/api';
import { humanDuration, age } from './human-duration';
import { AGE_COLUMN, type Cell, column, NAME_COLUMN, orNone, type TablePrinter } from './table';

interface PodSummary {
  ready: string;
  status: string;
  restarts: Cell;
}

function lastRestart(cs: ContainerStatus, current: number | undefined): number | undefined {
  const finished = cs.lastState?.terminated?.finishedAt;
  if (!finished) return current;
  const t = Date.parse(finished);
  return current === undefined || t > current ? t : current;
}

function conditionTrue(pod: Pod, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function summarizePod(pod: Pod, now: Date): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestartAt: number | undefined;
  let reason = status.phase ?? '';
  if (status.reason) reason = status.reason;
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initSpecs = spec.initContainers ?? [];
  const sidecars = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  totalContainers += sidecars.size;
  for (const cs of status.initContainerStatuses ?? []) {
    if (sidecars.has(cs.name)) {
      restartableInitRestarts += cs.restartCount ?? 0;
      lastRestartAt = lastRestart(cs, lastRestartAt);
      if (cs.started && cs.ready) readyContainers++;
    }
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += cs.restartCount ?? 0;
    lastRestartAt = lastRestart(cs, lastRestartAt);
    if (sidecars.has(cs.name) && cs.started) continue;
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (terminated) {
      if (!terminated.reason) reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
      else reason = `Init:${terminated.reason}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, 'Initialized')) {
    restarts = restartableInitRestarts;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs.restartCount ?? 0;
      lastRestartAt = lastRestart(cs, lastRestartAt);
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartsCell: Cell = lastRestartAt !== undefined ? `${restarts} (${humanDuration(now.getTime() - lastRestartAt)} ago)` : restarts;
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsCell };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const trueCount = gates.filter((g) => conditionTrue(pod, g.conditionType ?? '')).length;
  return `${trueCount}/${gates.length}`;
}

export const podPrinter: TablePrinter<Pod> = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    column('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster.', { priority: 1 }),
    column('Node', 'string', 'NodeName is a request to schedule this pod onto a specific node.', { priority: 1 }),
    column('Nominated Node', 'string', 'nominatedNodeName is set when this pod preempts other pods on the node.', { priority: 1 }),
    column('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', { priority: 1 }),
  ],
  cells(pod, now) {
    const s = summarizePod(pod, now);
    const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
    return [
      pod.metadata?.name ?? '',
      s.ready,
      s.status,
      s.restarts,
      age(pod.metadata?.creationTimestamp, now),
      orNone(ip),
      orNone(pod.spec?.nodeName),
      orNone(pod.status?.nominatedNodeName),
      readinessGates(pod),
    ];
  },
};
