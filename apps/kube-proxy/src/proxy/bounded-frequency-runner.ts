// BoundedFrequencyRunner (after upstream pkg/util/async): runs fn when asked
// (run()), but never more often than a token bucket allows (burstRuns runs
// at once, then one per minInterval), and at least every maxInterval even
// when nobody asks. Requests that arrive while fn is running coalesce into
// one more run after it. fn is never run concurrently with itself.

export interface RunnerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: RunnerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface BoundedFrequencyRunnerOptions {
  name: string;
  fn: () => void | Promise<void>;
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Runs allowed back to back before minInterval applies (upstream kube-proxy uses 2). */
  burstRuns?: number;
  clock?: RunnerClock;
  /** fn threw; the runner carries on. */
  onError?: (err: unknown) => void;
}

export class BoundedFrequencyRunner {
  private readonly clock: RunnerClock;
  private readonly burst: number;
  private tokens: number;
  private lastRefill: number;
  private timer: unknown;
  private timerDue = Infinity;
  private running: Promise<void> | undefined;
  private requested = false;
  private started = false;
  private stopped = false;
  private lastRun = 0;
  private immediate = false;

  constructor(private readonly opts: BoundedFrequencyRunnerOptions) {
    if (!(opts.minIntervalMs >= 0) || !(opts.maxIntervalMs > 0) || opts.minIntervalMs > opts.maxIntervalMs) {
      throw new Error(`${opts.name}: need 0 <= minInterval <= maxInterval, maxInterval > 0`);
    }
    this.clock = opts.clock ?? realClock;
    this.burst = Math.max(1, opts.burstRuns ?? 1);
    this.tokens = this.burst;
    this.lastRefill = this.clock.now();
  }

  /** Starts the loop: the first run happens at once, then on request or every maxInterval. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.lastRun = this.clock.now();
    this.run();
  }

  /** Asks for a run as soon as the rate limit allows. Before start(), the request waits for it. */
  run(): void {
    if (this.stopped) return;
    this.requested = true;
    if (!this.started || this.running) return;
    this.schedule(this.waitForToken());
  }

  /** Stops the loop; resolves when a run in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer();
    await this.running;
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.opts.minIntervalMs === 0) this.tokens = this.burst;
    else this.tokens = Math.min(this.burst, this.tokens + (now - this.lastRefill) / this.opts.minIntervalMs);
    this.lastRefill = now;
  }

  /** ms until a token is available (0: now). */
  private waitForToken(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil((1 - this.tokens) * this.opts.minIntervalMs);
  }

  private schedule(ms: number): void {
    if (ms <= 0) {
      // Now: on a microtask, so run() returns first and same-tick requests coalesce.
      if (this.immediate) return;
      this.immediate = true;
      this.cancelTimer();
      queueMicrotask(() => {
        this.immediate = false;
        this.tick();
      });
      return;
    }
    if (this.immediate) return;
    const due = this.clock.now() + ms;
    if (this.timer !== undefined && this.timerDue <= due) return;
    this.cancelTimer();
    this.timerDue = due;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      this.tick();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private tick(): void {
    if (this.stopped || this.running) return;
    const wait = this.waitForToken();
    if (wait > 0) {
      // A periodic run that came due too early after a requested one.
      this.schedule(wait);
      return;
    }
    this.tokens -= 1;
    this.requested = false;
    this.lastRun = this.clock.now();
    this.running = (async () => {
      try {
        await this.opts.fn();
      } catch (err) {
        this.opts.onError?.(err);
      }
    })().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.requested) this.schedule(this.waitForToken());
      else this.schedule(Math.max(0, this.lastRun + this.opts.maxIntervalMs - this.clock.now()));
    });
  }
}
