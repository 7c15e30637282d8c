// Exponential backoff with a cap and jitter, for the informer's list/watch
// retries (client-go's reflector uses 800 ms doubling up to 30 s).
import { type Clock, sleep } from '../workqueue/clock';

export interface BackoffOptions {
  /** First delay (default 250 ms). */
  initialMs?: number;
  /** Largest delay, jitter included (default 30 s). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Each delay is stretched by up to this fraction, at random (default 0.5). */
  jitter?: number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;

  constructor(
    opts: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialMs = opts.initialMs ?? 250;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 0.5;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The next delay; each call counts one more failure. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * Math.pow(this.factor, this.attempt));
    this.attempt++;
    return Math.min(this.maxMs, base * (1 + this.random() * this.jitter));
  }

  reset(): void {
    this.attempt = 0;
  }

  /** Sleeps the next delay; resolves false at once when signal aborts. */
  wait(clock: Clock, signal?: AbortSignal): Promise<boolean> {
    return sleep(clock, this.next(), signal);
  }
}
