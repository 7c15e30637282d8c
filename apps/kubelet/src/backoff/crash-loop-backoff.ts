// Per-container restart backoff, in the spirit of the kubelet's
// CrashLoopBackOff: every exit of a container that must be restarted makes
// the kubelet wait before the next start, doubling from `baseMs` up to
// `maxMs`. A container that ran for `resetAfterMs` without failing starts
// over at the base delay.
//
// Keys are `<podUid>/<containerName>`.

export interface CrashLoopBackOffOptions {
  /** First delay (default 10 s). */
  baseMs?: number;
  /** Cap (default 300 s). */
  maxMs?: number;
  /** A container that ran at least this long before exiting resets its backoff (default 600 s). */
  resetAfterMs?: number;
  /** Clock (default Date.now). */
  now?: () => number;
}

interface Entry {
  /** The delay handed out by the latest next(). */
  delayMs: number;
  /** Epoch ms until which the container must wait. */
  untilMs: number;
}

export class CrashLoopBackOff {
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly resetAfterMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();

  constructor(opts: CrashLoopBackOffOptions = {}) {
    this.baseMs = opts.baseMs ?? 10_000;
    this.maxMs = opts.maxMs ?? 300_000;
    this.resetAfterMs = opts.resetAfterMs ?? 600_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Records an exit of the container `key` at `finishedAtMs` after it ran
   * for `ranForMs`, and returns how long to wait before restarting it.
   */
  next(key: string, finishedAtMs: number, ranForMs: number): number {
    let entry = this.entries.get(key);
    if (entry && ranForMs >= this.resetAfterMs) {
      this.entries.delete(key);
      entry = undefined;
    }
    const delayMs = entry ? Math.min(entry.delayMs * 2, this.maxMs) : Math.min(this.baseMs, this.maxMs);
    this.entries.set(key, { delayMs, untilMs: finishedAtMs + delayMs });
    return delayMs;
  }

  /** Whether the container must still wait, and for how long. */
  inBackoff(key: string): { waiting: boolean; remainingMs: number } {
    const entry = this.entries.get(key);
    if (!entry) return { waiting: false, remainingMs: 0 };
    const remainingMs = Math.max(0, entry.untilMs - this.now());
    return { waiting: remainingMs > 0, remainingMs };
  }

  /** Forgets the container (it was removed, or its pod was deleted). */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every container of a pod. */
  resetPod(podUid: string): void {
    const prefix = `${podUid}/`;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/** The backoff key of a container. */
export function backoffKey(podUid: string, containerName: string): string {
  return `${podUid}/${containerName}`;
}

/**
 * Whether a container that exited with `exitCode` is restarted under the
 * pod's restartPolicy (absent means Always, as the API defaults it).
 */
export function shouldRestart(restartPolicy: string | undefined, exitCode: number): boolean {
  switch (restartPolicy ?? 'Always') {
    case 'Always':
      return true;
    case 'OnFailure':
      return exitCode !== 0;
    case 'Never':
      return false;
    default:
      return true;
  }
}
