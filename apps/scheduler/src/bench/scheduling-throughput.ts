// Scheduling throughput: how many pods per second one scheduler process
// places, end to end inside the process: pop from the scheduling queue,
// snapshot of the cache, schedulePod with the default profile, assume into
// the cache (later pods see it), and the watch's confirmation (addPod).
// No API calls: binding and events are left out. Used by
// `npm run bench -- scheduler` (tools/bench/src/scheduler.bench.ts).

import type { Node, Pod, Taint, Toleration } from '@k8ts/api';
import { SchedulerCache } from '../cache/scheduler-cache';
import { type Profile, defaultProfile } from '../framework/profile';
import { isScheduled, isUnschedulable, schedulePod, seededRandom } from '../framework/schedule-one';
import { rejectorPlugins } from '../queue/cluster-events';
import { SchedulingQueue } from '../queue/scheduling-queue';

export interface SchedulingThroughputOptions {
  nodes: number;
  pods: number;
  /** Tie-breaking between equally scored nodes (default: seeded, reproducible). */
  random?: () => number;
  /** Stop after this long (default 60 s); the result says whether it did. */
  deadlineMs?: number;
  /** Default: defaultProfile(). */
  profile?: Profile;
}

export interface SchedulingThroughputResult {
  nodes: number;
  /** Pods attempted (fewer than asked when the deadline hit). */
  attempted: number;
  scheduled: number;
  unschedulable: number;
  errors: number;
  podsPerSecond: number;
  /** Latency of one attempt (pop → assumed or parked), milliseconds. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  wallMs: number;
  timedOut: boolean;
}

const TAINT: Taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
const TOLERATION: Toleration = { key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' };
const SIZES = [
  { cpu: '2', memory: '4Gi' },
  { cpu: '4', memory: '8Gi' },
  { cpu: '8', memory: '16Gi' },
  { cpu: '16', memory: '64Gi' },
  { cpu: '32', memory: '128Gi' },
];
const ZONES = ['zone-a', 'zone-b', 'zone-c'];

/** Node i: one of five sizes, in one of three zones; every tenth is tainted dedicated=infra:NoSchedule. */
export function benchNode(i: number): Node {
  const name = `node-${String(i).padStart(4, '0')}`;
  const size = SIZES[i % SIZES.length];
  const resources = { cpu: size.cpu, memory: size.memory, pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': ZONES[i % ZONES.length], 'node.kubernetes.io/instance-type': `size-${i % SIZES.length}` },
    },
    spec: { taints: i % 10 === 9 ? [TAINT] : undefined },
    status: { capacity: { ...resources }, allocatable: { ...resources }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const REQUESTS = [
  { cpu: '100m', memory: '128Mi' },
  { cpu: '250m', memory: '256Mi' },
  { cpu: '500m', memory: '512Mi' },
  { cpu: '1', memory: '1Gi' },
  { cpu: '2', memory: '2Gi' },
];

/** Pod i: requests of five sizes; every tenth tolerates the taint, every seventh wants zone-b. */
export function benchPod(i: number): Pod {
  const name = `pod-${String(i).padStart(5, '0')}`;
  const app = `app-${i % 20}`;
  return {
    metadata: { name, namespace: 'bench', uid: `uid-${name}`, labels: { app } },
    spec: {
      schedulerName: 'default-scheduler',
      containers: [{ name: 'main', image: 'k8ts/echo', resources: { requests: { ...REQUESTS[i % REQUESTS.length] } } }],
      tolerations: i % 10 === 0 ? [TOLERATION] : undefined,
      nodeSelector: i % 7 === 0 ? { 'topology.kubernetes.io/zone': 'zone-b' } : undefined,
    },
    status: { phase: 'Pending' },
  };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export async function runSchedulingThroughput(opts: SchedulingThroughputOptions): Promise<SchedulingThroughputResult> {
  const profile = opts.profile ?? defaultProfile();
  const random = opts.random ?? seededRandom(42);
  const deadlineMs = opts.deadlineMs ?? 60_000;
  const cache = new SchedulerCache({ assumedPodTtlMs: 0 });
  const queue = new SchedulingQueue();
  for (let i = 0; i < opts.nodes; i++) cache.addNode(benchNode(i));
  for (let i = 0; i < opts.pods; i++) queue.add(benchPod(i));

  const latencies: number[] = [];
  let scheduled = 0;
  let unschedulable = 0;
  let errors = 0;
  let timedOut = false;
  const start = performance.now();
  try {
    while (queue.pendingPods().active > 0) {
      if (performance.now() - start > deadlineMs) {
        timedOut = true;
        break;
      }
      const t0 = performance.now();
      const info = await queue.pop();
      if (!info) break;
      const cycle = queue.schedulingCycle();
      const result = schedulePod(profile, info.pod, cache.snapshot(), { random });
      if (isScheduled(result)) {
        const assumed = cache.assumePod(info.pod, result.nodeName);
        cache.finishBinding(assumed);
        cache.addPod(assumed); // the watch confirms the bind
        scheduled++;
      } else {
        if (isUnschedulable(result)) {
          info.unschedulablePlugins = rejectorPlugins(result);
          unschedulable++;
        } else {
          errors++;
        }
        queue.addUnschedulableIfNotPresent(info, cycle);
      }
      queue.done(info);
      latencies.push(performance.now() - t0);
    }
  } finally {
    queue.close();
    cache.close();
  }
  const wallMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return {
    nodes: opts.nodes,
    attempted: latencies.length,
    scheduled,
    unschedulable,
    errors,
    podsPerSecond: latencies.length / (wallMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1] ?? 0,
    wallMs,
    timedOut,
  };
}
