// The probes of every running container on the node: one worker per
// (container, probe kind), with the kubelet's semantics:
// - a startup probe gates the others: readiness and liveness do not run
//   until it has succeeded;
// - readiness starts as failure, liveness as success, startup as unknown;
// - a result changes only after successThreshold / failureThreshold
//   consecutive results; errored probes (unknown) are ignored;
// - after a liveness (or startup) failure the worker stops until the
//   container is restarted (removeContainer + addContainer).

import type { Container, Probe } from '@k8ts/api';
import type { ProbeKind, ProbeResult, ProbeTarget, Prober } from './prober';
import { ProbeWorker, type ProbeClock } from './worker';

export type ProbeResultHandler = (podUid: string, containerName: string, kind: ProbeKind, result: ProbeResult, output: string) => void;

export interface ProbeManagerOptions {
  prober: Prober;
  clock: ProbeClock;
  /** Called when a result changes, and on every liveness/startup failure (the container must be restarted). */
  onResult(podUid: string, containerName: string, kind: ProbeKind, result: ProbeResult, output: string): void;
}

interface ContainerEntry {
  podUid: string;
  name: string;
  containerId: string;
  started: boolean;
  workers: Map<ProbeKind, ProbeWorker>;
}

const KINDS: readonly ProbeKind[] = ['startup', 'readiness', 'liveness'];

export class ProbeManager {
  private readonly prober: Prober;
  private readonly clock: ProbeClock;
  private readonly onResult: ProbeResultHandler;
  /** podUid → container name → entry. */
  private readonly pods = new Map<string, Map<string, ContainerEntry>>();
  /** Last result reported per podUid/container/kind, to report resets after restarts. */
  private readonly reported = new Map<string, ProbeResult>();

  constructor(opts: ProbeManagerOptions) {
    this.prober = opts.prober;
    this.clock = opts.clock;
    this.onResult = opts.onResult;
  }

  /**
   * Starts probing a container that started running at `startedAtMs`.
   * Idempotent for the same target.containerId (safe to call on every sync);
   * a different containerId is a restarted container and starts over.
   */
  addContainer(podUid: string, container: Container, target: ProbeTarget, startedAtMs: number): void {
    const name = container.name ?? '';
    const existing = this.pods.get(podUid)?.get(name);
    if (existing && existing.containerId === target.containerId) return;
    this.removeContainer(podUid, name);
    const entry: ContainerEntry = { podUid, name, containerId: target.containerId, started: !container.startupProbe, workers: new Map() };
    let pod = this.pods.get(podUid);
    if (!pod) this.pods.set(podUid, (pod = new Map()));
    pod.set(name, entry);

    const probes: Record<ProbeKind, Probe | undefined> = {
      startup: container.startupProbe,
      readiness: container.readinessProbe,
      liveness: container.livenessProbe,
    };
    for (const kind of KINDS) {
      const probe = probes[kind];
      if (!probe) continue;
      const worker = new ProbeWorker(kind, probe, container, target, startedAtMs, {
        prober: this.prober,
        clock: this.clock,
        mayProbe: (k) => (k === 'startup' ? !entry.started : entry.started),
        onThreshold: (w, result, output, changed) => this.handleThreshold(entry, w, result, output, changed),
      });
      entry.workers.set(kind, worker);
      // A restarted container starts over from the initial results.
      const key = reportKey(podUid, name, kind);
      const last = this.reported.get(key);
      if (last !== undefined && last !== worker.result) {
        this.reported.set(key, worker.result);
        this.onResult(podUid, name, kind, worker.result, 'container restarted');
      }
    }
    for (const w of entry.workers.values()) if (w.kind === 'startup' || entry.started) w.start();
  }

  /** Stops probing a container (it exited or is being restarted). */
  removeContainer(podUid: string, containerName: string): void {
    const pod = this.pods.get(podUid);
    const entry = pod?.get(containerName);
    if (!pod || !entry) return;
    for (const w of entry.workers.values()) w.stop();
    pod.delete(containerName);
    if (pod.size === 0) this.pods.delete(podUid);
  }

  /** Stops probing every container of a pod and forgets it. */
  removePod(podUid: string): void {
    for (const name of [...(this.pods.get(podUid)?.keys() ?? [])]) this.removeContainer(podUid, name);
    const prefix = `${podUid}/`;
    for (const key of [...this.reported.keys()]) if (key.startsWith(prefix)) this.reported.delete(key);
  }

  /** Ready: started, and the readiness probe succeeded (or there is none). False for unknown containers. */
  readiness(podUid: string, containerName: string): boolean {
    const entry = this.pods.get(podUid)?.get(containerName);
    if (!entry || !entry.started) return false;
    const w = entry.workers.get('readiness');
    return !w || w.result === 'success';
  }

  /** The startup probe passed, or there is none. False for unknown containers. */
  started(podUid: string, containerName: string): boolean {
    return this.pods.get(podUid)?.get(containerName)?.started ?? false;
  }

  /** The liveness probe (or the startup probe) reached its failureThreshold: restart the container. */
  livenessFailed(podUid: string, containerName: string): boolean {
    const entry = this.pods.get(podUid)?.get(containerName);
    if (!entry) return false;
    return entry.workers.get('liveness')?.result === 'failure' || entry.workers.get('startup')?.result === 'failure';
  }

  /** The startup probe reached its failureThreshold. */
  startupFailed(podUid: string, containerName: string): boolean {
    return this.pods.get(podUid)?.get(containerName)?.workers.get('startup')?.result === 'failure';
  }

  /** Number of containers being probed (for tests and metrics). */
  size(): number {
    let n = 0;
    for (const pod of this.pods.values()) n += pod.size;
    return n;
  }

  private handleThreshold(entry: ContainerEntry, w: ProbeWorker, result: ProbeResult, output: string, changed: boolean): void {
    if (this.pods.get(entry.podUid)?.get(entry.name) !== entry) return;
    const restart = result === 'failure' && (w.kind === 'liveness' || w.kind === 'startup');
    if (w.kind === 'startup' && result === 'success' && !entry.started) {
      entry.started = true;
      w.stop();
    }
    if (changed || restart) {
      this.reported.set(reportKey(entry.podUid, entry.name, w.kind), result);
      this.onResult(entry.podUid, entry.name, w.kind, result, output);
    }
    if (w.kind === 'startup' && entry.started) {
      // Readiness and liveness begin now (their initial delays still count from the container start).
      for (const other of entry.workers.values()) if (other.kind !== 'startup') other.start();
    }
  }
}

function reportKey(podUid: string, name: string, kind: ProbeKind): string {
  return `${podUid}/${name}/${kind}`;
}
