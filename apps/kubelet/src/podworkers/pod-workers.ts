// Per-pod serialized workers: at most one syncPod per pod at a time; a sync
// requested while one runs is coalesced into one more pass afterwards.
// Inputs are pod updates (informer), probe result changes, container exits
// seen by the relister (PLEG), and back-off timers.
import type { Pod } from '@k8ts/api';
import type { Context } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { newPodSyncState, type PodSyncState } from './pod-sync';

export type SyncFn = (pod: Pod, state: PodSyncState) => Promise<void>;

interface Worker {
  pod: Pod;
  state: PodSyncState;
  running: boolean;
  again: boolean;
  timer?: NodeJS.Timeout;
  /** The pod was removed from the apiserver (or moved off this node). */
  gone: boolean;
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private stopped = false;

  constructor(
    private readonly sync: SyncFn,
    private readonly logger: Logger,
    private readonly retryMs = 1000,
  ) {}

  /** A new or changed pod bound to this node. `ctx` is the trace context of the write, when known. */
  update(pod: Pod, ctx?: Context): void {
    const uid = pod.metadata?.uid ?? '';
    let w = this.workers.get(uid);
    if (!w) {
      w = { pod, state: newPodSyncState(ctx), running: false, again: false, gone: false };
      this.workers.set(uid, w);
    } else {
      w.pod = pod;
      // Keep the first trace (the pod's creation/binding) for the pod's life,
      // except when a new write carries its own (e.g. a delete).
      if (ctx && pod.metadata?.deletionTimestamp && !w.pod.metadata?.deletionTimestamp) w.state.traceContext = ctx;
    }
    this.kick(uid);
  }

  /** Schedules another pass for a pod (probe change, container exit, back-off expiry). */
  enqueue(uid: string, afterMs = 0): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (afterMs <= 0) {
      this.kick(uid);
      return;
    }
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => {
      w.timer = undefined;
      this.kick(uid);
    }, afterMs);
    w.timer.unref();
  }

  /** The pod is gone from the apiserver: forget it once its worker is idle. */
  forget(uid: string): void {
    const w = this.workers.get(uid);
    if (!w) return;
    w.gone = true;
    if (!w.running) this.drop(uid);
  }

  /** The pod a worker holds and the trace context kept with it (for asynchronous steps such as probes). */
  lookup(uid: string): { pod: Pod; traceContext: Context } | undefined {
    const w = this.workers.get(uid);
    return w && { pod: w.pod, traceContext: w.state.traceContext };
  }

  has(uid: string): boolean {
    return this.workers.has(uid);
  }

  pods(): Pod[] {
    return [...this.workers.values()].map((w) => w.pod);
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
  }

  private drop(uid: string): void {
    const w = this.workers.get(uid);
    if (w?.timer) clearTimeout(w.timer);
    this.workers.delete(uid);
  }

  private kick(uid: string): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (w.running) {
      w.again = true;
      return;
    }
    w.running = true;
    void (async () => {
      do {
        w.again = false;
        try {
          await this.sync(w.pod, w.state);
        } catch (err) {
          this.logger.warn({ err: (err as Error).message, pod: `${w.pod.metadata?.namespace}/${w.pod.metadata?.name}` }, 'pod sync failed; retrying');
          this.enqueue(uid, this.retryMs);
        }
      } while (w.again && !this.stopped && !w.gone);
      w.running = false;
      if (w.gone) this.drop(uid);
    })();
  }
}
