// Marking pods on a lost node not ready (upstream MarkPodsNotReady), so
// Services stop sending them traffic while the kubelet cannot say so.
import { deepCopy, timeFromDate, type Pod } from '@k8ts/api';

/** The pod with Ready=False, or undefined when it is not Ready=True now (nothing to write). */
export function markPodNotReady(pod: Pod, nowMs: number): Pod | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready || ready.status !== 'True') return undefined;
  const copy = deepCopy(pod);
  const now = timeFromDate(nowMs);
  copy.status = {
    ...copy.status,
    conditions: (copy.status?.conditions ?? []).map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False', reason: 'NodeNotReady', message: 'Node is not ready', lastTransitionTime: now } : c,
    ),
  };
  return copy;
}
