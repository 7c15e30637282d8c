// One probe of one container: a periodic loop with success/failure
// counters, as the kubelet's probe worker. The manager (probe-manager.ts)
// owns the workers of a container and the startup gating between them.

import type { Container, Probe } from '@k8ts/api';
import type { ProbeKind, ProbeOutcome, ProbeResult, ProbeTarget, Prober } from './prober';

/** The clock a worker needs; FakeClock and the Node globals both fit. */
export interface ProbeClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A probe's timing and thresholds with the API defaults filled in. */
export interface ProbeSpec {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** Fills in the API defaults (0/10/1/1/3) for absent or non-positive fields. */
export function probeSpec(probe: Probe): ProbeSpec {
  const pos = (v: number | undefined, d: number) => (v !== undefined && v > 0 ? v : d);
  return {
    initialDelaySeconds: Math.max(0, probe.initialDelaySeconds ?? 0),
    periodSeconds: pos(probe.periodSeconds, 10),
    timeoutSeconds: pos(probe.timeoutSeconds, 1),
    successThreshold: pos(probe.successThreshold, 1),
    failureThreshold: pos(probe.failureThreshold, 3),
  };
}

/** The value a probe's result has before it first crosses a threshold. */
export function initialResult(kind: ProbeKind): ProbeResult {
  switch (kind) {
    case 'readiness':
      return 'failure';
    case 'liveness':
      return 'success';
    case 'startup':
      return 'unknown';
  }
}

export interface WorkerHooks {
  prober: Prober;
  clock: ProbeClock;
  /** Whether the worker may probe now (readiness and liveness wait for startup). */
  mayProbe(kind: ProbeKind): boolean;
  /** Called when the result crosses a threshold (the worker has already updated `result`). */
  onThreshold(worker: ProbeWorker, result: ProbeResult, output: string, changed: boolean): void;
}

export class ProbeWorker {
  readonly spec: ProbeSpec;
  /** The result as the kubelet sees it (changes only when a threshold is crossed). */
  result: ProbeResult;
  /** Once liveness or startup failed, the worker waits for the container to be restarted. */
  onHold = false;
  private lastResult: ProbeResult = 'unknown';
  private resultRun = 0;
  private timer: unknown = undefined;
  /** `timer` is a queued microtask's token rather than a clock handle. */
  private microtask = false;
  private inFlight = false;
  private stopped = false;

  constructor(
    readonly kind: ProbeKind,
    readonly probe: Probe,
    private readonly container: Container,
    private readonly target: ProbeTarget,
    private readonly startedAtMs: number,
    private readonly hooks: WorkerHooks,
  ) {
    this.spec = probeSpec(probe);
    this.result = initialResult(kind);
  }

  /** Starts (or restarts) the loop: the first probe once initialDelaySeconds have passed since the container started. */
  start(): void {
    if (this.stopped || this.onHold) return;
    const due = this.startedAtMs + this.spec.initialDelaySeconds * 1000;
    this.schedule(due - this.hooks.clock.now());
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private cancel(): void {
    if (this.timer !== undefined && !this.microtask) this.hooks.clock.clearTimeout(this.timer);
    this.microtask = false;
    this.timer = undefined;
  }

  /** Runs tick() after `ms`; a delay of zero or less runs it as soon as the caller returns. */
  private schedule(ms: number): void {
    this.cancel();
    if (ms <= 0) {
      const token = {};
      this.timer = token;
      this.microtask = true;
      queueMicrotask(() => {
        if (this.timer !== token) return;
        this.timer = undefined;
        this.microtask = false;
        void this.tick();
      });
      return;
    }
    this.timer = this.hooks.clock.setTimeout(() => {
      this.timer = undefined;
      this.microtask = false;
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.onHold || this.inFlight) return;
    if (!this.hooks.mayProbe(this.kind)) return;
    const clock = this.hooks.clock;
    const due = this.startedAtMs + this.spec.initialDelaySeconds * 1000;
    if (clock.now() < due) {
      this.schedule(due - clock.now());
      return;
    }
    const t0 = clock.now();
    this.inFlight = true;
    let outcome: ProbeOutcome;
    try {
      const probe: Probe = { ...this.probe, timeoutSeconds: this.spec.timeoutSeconds };
      outcome = await this.hooks.prober.probe(probe, this.kind, this.target, this.container);
    } catch (err) {
      outcome = { result: 'unknown', output: `probe errored: ${(err as Error).message}` };
    } finally {
      this.inFlight = false;
    }
    if (this.stopped) return;
    this.record(outcome);
    if (!this.stopped && !this.onHold && this.hooks.mayProbe(this.kind)) {
      this.schedule(t0 + this.spec.periodSeconds * 1000 - clock.now());
    }
  }

  private record({ result, output }: ProbeOutcome): void {
    // An errored probe (unknown) is thrown away, as upstream does.
    if (result === 'unknown') return;
    if (result === this.lastResult) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if (result === 'failure' && this.resultRun < this.spec.failureThreshold) return;
    if (result === 'success' && this.resultRun < this.spec.successThreshold) return;

    const changed = this.result !== result;
    this.result = result;
    if ((this.kind === 'liveness' || this.kind === 'startup') && result === 'failure') {
      // The container will be restarted; probing resumes with a new worker.
      this.onHold = true;
      this.resultRun = 0;
      this.cancel();
    }
    this.hooks.onThreshold(this, result, output, changed);
  }
}
