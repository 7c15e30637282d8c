// Optional hooks through which a queue reports what it does. Every hook is
// optional; wire them to OpenTelemetry instruments, Prometheus, or a test spy.
// The meaning of each follows client-go's workqueue metrics.

export interface WorkQueueMetrics {
  /**
   * The queue depth changed: items added and not yet handed out by get(),
   * including items re-added while being processed (they wait for done()).
   */
  depth?(depth: number): void;
  /** add() accepted an item (adding an item that is already waiting is not counted). */
  add?(): void;
  /** addAfter() (and so addRateLimited()) scheduled an item. */
  retry?(): void;
  /** How long an item waited, from add() to get() handing it out, in ms. */
  queueLatency?(ms: number): void;
  /** How long an item was processed, from get() to done(), in ms. */
  workDuration?(ms: number): void;
}
