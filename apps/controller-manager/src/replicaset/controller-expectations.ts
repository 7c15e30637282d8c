// ControllerExpectations (upstream pkg/controller/controller_utils.go): per
// controller key, how many creations and deletions the controller has asked
// for and not yet seen through its informers. A sync acts only once the
// expectations of its key are satisfied (everything seen) or expired (older
// than 5 minutes, in case a watch event was lost), so a worker never creates
// twice while the cache catches up. Deletions are tracked by pod key
// (UIDTrackingControllerExpectations): the update that sets deletionTimestamp
// and the final delete of the same pod count once.
import type { Clock } from '../manager/context';

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  /** When the expectations were set (ms since epoch). */
  timestamp: number;
}

export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();
  private readonly deleting = new Map<string, Set<string>>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS,
  ) {}

  /** True when the controller of key may act: no expectations, all observed, or expired. */
  satisfiedExpectations(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now().getTime() - e.timestamp > this.timeoutMs;
  }

  expectCreations(key: string, adds: number): void {
    this.byKey.set(key, { add: adds, del: 0, timestamp: this.clock.now().getTime() });
  }

  /** Expects the deletion of these pods (keys "ns/name"). */
  expectDeletions(key: string, podKeys: string[]): void {
    this.deleting.set(key, new Set(podKeys));
    this.byKey.set(key, { add: 0, del: podKeys.length, timestamp: this.clock.now().getTime() });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  /** A pod of key is gone (or going): lowers the deletions once per expected pod. */
  deletionObserved(key: string, podKey: string): void {
    const pending = this.deleting.get(key);
    if (!pending?.has(podKey)) return;
    pending.delete(podKey);
    const e = this.byKey.get(key);
    if (e) e.del--;
  }

  deleteExpectations(key: string): void {
    this.byKey.delete(key);
    this.deleting.delete(key);
  }

  /** For tests and logs. */
  get(key: string): { add: number; del: number } | undefined {
    const e = this.byKey.get(key);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}
