// Stands in for kubelets in integration tests: pods are not run, a loop
// writes status Running + Ready=True (through pods/status, as a kubelet
// does) for every pod of a namespace that has existed for at least
// `readyAfterMs` and is not terminating. Bounded: it polls every intervalMs
// until stopped. Test-only.
import { timeFromDate, type Pod } from '@k8ts/api';
import type { ApiClient } from '@k8ts/client';

export function readyStatus(now = new Date()): Pod['status'] {
  const t = timeFromDate(now);
  return {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
      { type: 'Initialized', status: 'True', lastTransitionTime: t },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
      { type: 'Ready', status: 'True', lastTransitionTime: t },
    ],
  };
}

export async function markReady(client: ApiClient, pod: Pod): Promise<Pod> {
  return client.pods.updateStatus({ ...pod, status: readyStatus() });
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export interface PodReadinessLoop {
  /** Pods made ready so far (names). */
  readonly readied: string[];
  stop(): Promise<void>;
}

export function startPodReadiness(
  client: ApiClient,
  namespace: string,
  opts: { readyAfterMs?: number; intervalMs?: number; /** Pods that may become ready (default: all). */ filter?: (pod: Pod) => boolean } = {},
): PodReadinessLoop {
  const readyAfterMs = opts.readyAfterMs ?? 0;
  const intervalMs = opts.intervalMs ?? 100;
  const readied: string[] = [];
  let stopped = false;
  const firstSeen = new Map<string, number>();
  const loop = (async () => {
    while (!stopped) {
      try {
        const { items } = await client.pods.list({ namespace });
        for (const pod of items) {
          const uid = pod.metadata?.uid ?? '';
          if (!firstSeen.has(uid)) firstSeen.set(uid, Date.now());
          if (isReady(pod) || pod.metadata?.deletionTimestamp || (opts.filter && !opts.filter(pod))) continue;
          if (Date.now() - (firstSeen.get(uid) ?? 0) < readyAfterMs) continue;
          try {
            await markReady(client, pod);
            readied.push(pod.metadata?.name ?? '');
          } catch {
            // deleted or changed meanwhile: next round
          }
        }
      } catch {
        // apiserver busy: next round
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    readied,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
