// Health of the proxier (after upstream ProxierHealthServer): healthy once
// rules have been synced, as long as no change has waited longer than
// healthTimeout to be synced and the last sync is not older than that
// (syncs happen at least every syncPeriod; healthTimeout is twice that).
export interface HealthClock {
  now(): number;
}

export interface HealthStatus {
  healthy: boolean;
  lastUpdated: Date | undefined;
  currentTime: Date;
  /** Why unhealthy. */
  reason?: string;
}

export class ProxierHealth {
  private lastUpdated: number | undefined;
  private oldestPendingQueued: number | undefined;

  constructor(
    private readonly healthTimeoutMs: number,
    private readonly clock: HealthClock = Date,
  ) {}

  /** A change arrived that a sync has to apply. */
  queuedUpdate(): void {
    this.oldestPendingQueued ??= this.clock.now();
  }

  /** A sync applied every queued change (the proxier queues again what arrived meanwhile). */
  updated(): void {
    this.lastUpdated = this.clock.now();
    this.oldestPendingQueued = undefined;
  }

  status(): HealthStatus {
    const now = this.clock.now();
    const base = { lastUpdated: this.lastUpdated === undefined ? undefined : new Date(this.lastUpdated), currentTime: new Date(now) };
    if (this.lastUpdated === undefined) return { ...base, healthy: false, reason: 'proxy rules not synced yet' };
    if (this.oldestPendingQueued !== undefined && now - this.oldestPendingQueued > this.healthTimeoutMs) {
      return { ...base, healthy: false, reason: `a change has waited ${now - this.oldestPendingQueued}ms to be synced` };
    }
    if (now - this.lastUpdated > this.healthTimeoutMs) return { ...base, healthy: false, reason: `last sync ${now - this.lastUpdated}ms ago` };
    return { ...base, healthy: true };
  }
}
