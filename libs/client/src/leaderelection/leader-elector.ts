// LeaderElector: Lease-based leader election after client-go's
// tools/leaderelection.
//
// A candidate loops on tryAcquireOrRenew every retryPeriod (with jitter)
// until it holds the lease, then renews it every retryPeriod. If renewing
// keeps failing for renewDeadline, it steps down. A lease held by another
// candidate is taken over only once leaseDuration has passed since this
// candidate last saw the lease *change*, measured on its own clock: clocks of
// different machines are never compared. Every write carries the
// resourceVersion last read, so of two racing candidates one gets Conflict.
//
// Safety relies on leaseDuration > renewDeadline (enforced): a leader whose
// renewals fail steps down before anyone else may consider its lease expired.
import { microTimeFromDate } from '@k8ts/api';
import { isConflict, isNotFound } from '@k8ts/apimachinery';
import { type Clock, realClock, sleep } from '../workqueue/clock';
import {
  JITTER_FACTOR,
  type LeaderCallbacks,
  type LeaderElectionConfig,
  type LeaderElectionLogger,
  type ResolvedTimings,
  resolveTimings,
  silentLogger,
} from './leader-election-config';
import { raceAbort } from './abortable';
import type { LeaderElectionRecord } from './leader-election-record';
import { LeaseLock } from './lease-lock';

/** Conflicts tolerated while releasing (a renewal racing the cancel causes one). */
const MAX_RELEASE_ATTEMPTS = 5;

const EMPTY_RECORD: LeaderElectionRecord = { holderIdentity: '', leaseDurationSeconds: 0, acquireTime: '', renewTime: '', leaderTransitions: 0 };

export class LeaderElector {
  readonly identity: string;
  private readonly lock: LeaseLock;
  private readonly timings: ResolvedTimings;
  private readonly callbacks: LeaderCallbacks;
  private readonly releaseOnCancel: boolean;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: LeaderElectionLogger;

  /** The lease as last observed (read or written) and when, on our clock. */
  private observedRecord: LeaderElectionRecord = EMPTY_RECORD;
  private observedKey = '';
  private observedTime = 0;
  /** Last leader passed to onNewLeader. */
  private reportedLeader = '';
  private running = false;
  /** Between winning the lease and stepping down. */
  private leading = false;

  constructor(config: LeaderElectionConfig) {
    this.timings = resolveTimings(config);
    this.identity = config.identity;
    this.lock = new LeaseLock(config.client, config.namespace, config.name, config.identity, config.labels);
    this.callbacks = config.callbacks;
    this.releaseOnCancel = config.releaseOnCancel ?? true;
    this.clock = config.clock ?? realClock;
    this.random = config.random ?? Math.random;
    this.log = config.logger ?? silentLogger;
  }

  /**
   * Campaigns until this candidate leads, leads until the lease is lost or
   * signal aborts, releases the lease if configured, and returns. Calls
   * onStoppedLeading just before returning, in every case. Never rejects
   * because of API errors.
   */
  async run(signal?: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`leader elector ${this.identity} for ${this.lock.describe()} is already running`);
    this.running = true;
    const outer = signal ?? new AbortController().signal;
    try {
      if (!(await this.acquire(outer))) return;
      // Cancelled while the winning write was in flight: release, do not lead.
      const { work } = outer.aborted ? { work: Promise.resolve() } : await this.lead(outer);
      if (this.releaseOnCancel) {
        await this.settle(work);
        await this.release();
      }
    } finally {
      this.running = false;
      this.guard('onStoppedLeading', () => this.callbacks.onStoppedLeading?.());
    }
  }

  /**
   * Whether this candidate is leading: it won the lease, has not stepped
   * down, and the lease as last observed names it. (client-go looks at the
   * observation only, which stays true after a failed step-down.)
   */
  isLeader(): boolean {
    return this.leading && this.observedIsUs();
  }

  /** The last observed holder; '' if none yet (informational). */
  getLeader(): string {
    return this.observedRecord.holderIdentity;
  }

  /**
   * Health check for a leader: an Error if it has not renewed for longer
   * than leaseDuration + maxTolerableExpiredLeaseMs (it should have stepped
   * down long before, so it is stuck). undefined otherwise.
   */
  check(maxTolerableExpiredLeaseMs: number): Error | undefined {
    if (!this.isLeader()) return undefined;
    if (this.clock.now() - this.observedTime > this.timings.leaseDurationMs + maxTolerableExpiredLeaseMs) {
      return new Error(`failed election to renew leadership on lease ${this.lock.describe()}`);
    }
    return undefined;
  }

  /** Tries every retryPeriod (with jitter) until acquired (true) or signal aborts (false). */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    const { retryPeriodMs } = this.timings;
    this.log.info({ lock: this.lock.describe(), identity: this.identity }, 'attempting to acquire leader lease');
    while (!signal.aborted) {
      const acquired = await this.tryAcquireOrRenew(signal);
      this.maybeReportTransition();
      if (acquired) {
        this.log.info({ lock: this.lock.describe(), identity: this.identity }, 'successfully acquired lease');
        return true;
      }
      this.log.debug({ lock: this.lock.describe(), holder: this.observedRecord.holderIdentity }, 'failed to acquire lease');
      await sleep(this.clock, retryPeriodMs * (1 + this.random() * JITTER_FACTOR), signal);
    }
    return false;
  }

  /**
   * Starts the guarded work and renews until that fails or outer aborts.
   * Returns the work's promise (settled or not) once leading has stopped.
   */
  private async lead(outer: AbortSignal): Promise<{ work: Promise<void> }> {
    const leading = new AbortController();
    const onAbort = (): void => leading.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
    this.leading = true;
    const work = this.startWork(leading.signal);
    try {
      await this.renew(leading.signal);
    } finally {
      this.leading = false;
      outer.removeEventListener('abort', onAbort);
      if (!leading.signal.aborted) leading.abort(new Error(`lost leadership of lease ${this.lock.describe()}`));
    }
    return { work };
  }

  private startWork(signal: AbortSignal): Promise<void> {
    try {
      return Promise.resolve(this.callbacks.onStartedLeading(signal)).catch((err: unknown) => {
        this.log.error({ err, lock: this.lock.describe() }, 'onStartedLeading failed');
      });
    } catch (err) {
      this.log.error({ err, lock: this.lock.describe() }, 'onStartedLeading failed');
      return Promise.resolve();
    }
  }

  /** Renews every retryPeriod; returns when a renewal round fails or signal aborts. */
  private async renew(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const renewed = await this.renewRound(signal);
      this.maybeReportTransition();
      if (!renewed) {
        if (!signal.aborted) this.log.warn({ lock: this.lock.describe(), holder: this.observedRecord.holderIdentity }, 'failed to renew lease, stepping down');
        return;
      }
      this.log.debug({ lock: this.lock.describe() }, 'successfully renewed lease');
      if (!(await sleep(this.clock, this.timings.retryPeriodMs, signal))) return;
    }
  }

  /**
   * One renewal: tries at once, then every retryPeriod, until it succeeds
   * (true) or renewDeadline passes, another holder shows up, or signal
   * aborts (false). A call still running at the deadline counts as failed.
   */
  private async renewRound(signal: AbortSignal): Promise<boolean> {
    const { renewDeadlineMs, retryPeriodMs } = this.timings;
    const round = new AbortController();
    const timer = this.clock.setTimeout(() => round.abort(new Error('renew deadline exceeded')), renewDeadlineMs);
    const onAbort = (): void => round.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!round.signal.aborted) {
        const renewed = await raceAbort(this.tryAcquireOrRenew(round.signal), round.signal);
        if (renewed === true) return true;
        if (renewed === undefined) return false; // deadline or cancel mid-call
        const holder = this.observedRecord.holderIdentity;
        if (holder !== '' && holder !== this.identity) return false; // someone else leads now
        if (!(await sleep(this.clock, retryPeriodMs, round.signal))) return false;
      }
      return false;
    } finally {
      this.clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Acquires or renews the lease once; true if this candidate now holds it. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const nowMicro = microTimeFromDate(now);
    const desired: LeaderElectionRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.floor(this.timings.leaseDurationMs / 1000),
      acquireTime: nowMicro,
      renewTime: nowMicro,
      leaderTransitions: 0,
    };

    // 1. Fast path: the leader renews over the Lease it last wrote.
    if (this.observedIsUs() && this.isLeaseValid(now)) {
      desired.acquireTime = this.observedRecord.acquireTime;
      desired.leaderTransitions = this.observedRecord.leaderTransitions;
      try {
        await this.lock.update(desired, signal);
        this.setObservedRecord(desired);
        return true;
      } catch (err) {
        this.log.debug({ err, lock: this.lock.describe() }, 'failed to update lease optimistically, falling back to slow path');
      }
    }

    // 2. Read the lease, or create it.
    let observed;
    try {
      observed = await this.lock.get(signal);
    } catch (err) {
      if (!isNotFound(err)) {
        this.log.error({ err, lock: this.lock.describe() }, 'error retrieving lease');
        return false;
      }
      try {
        await this.lock.create(desired, signal);
      } catch (createErr) {
        this.log.debug({ err: createErr, lock: this.lock.describe() }, 'error initially creating lease');
        return false;
      }
      this.setObservedRecord(desired);
      return true;
    }

    // 3. A changed lease restarts the expiry countdown (on our clock).
    if (observed.key !== this.observedKey) {
      this.setObservedRecord(observed.record);
      this.observedKey = observed.key;
    }
    if (observed.record.holderIdentity !== '' && this.isLeaseValid(now) && !this.observedIsUs()) {
      this.log.debug({ lock: this.lock.describe(), holder: observed.record.holderIdentity }, 'lease is held and has not yet expired');
      return false;
    }

    // 4. Free, expired, or ours: write ourselves in.
    if (this.observedIsUs()) {
      desired.acquireTime = observed.record.acquireTime;
      desired.leaderTransitions = observed.record.leaderTransitions;
    } else {
      desired.leaderTransitions = observed.record.leaderTransitions + 1;
    }
    if (observed.record.strategy) desired.strategy = observed.record.strategy;
    try {
      await this.lock.update(desired, signal);
    } catch (err) {
      if (isConflict(err)) this.log.debug({ lock: this.lock.describe() }, 'conflict updating lease: another candidate wrote first');
      else this.log.error({ err, lock: this.lock.describe() }, 'failed to update lease');
      return false;
    }
    this.setObservedRecord(desired);
    return true;
  }

  /**
   * Gives the lease up: holder cleared, so the next candidate to try takes
   * it at once. Retries on Conflict (a renewal may have raced the cancel)
   * until renewDeadline. Leaves a lease held by someone else alone.
   */
  private async release(): Promise<boolean> {
    const deadline = new AbortController();
    const timer = this.clock.setTimeout(() => deadline.abort(new Error('release deadline exceeded')), this.timings.renewDeadlineMs);
    try {
      for (let attempt = 0; attempt < MAX_RELEASE_ATTEMPTS && !deadline.signal.aborted; attempt++) {
        const released = await raceAbort(this.tryRelease(deadline.signal), deadline.signal);
        if (released !== 'conflict') return released ?? false;
      }
      return false;
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private async tryRelease(signal: AbortSignal): Promise<boolean | 'conflict'> {
    let observed;
    try {
      observed = await this.lock.get(signal);
    } catch (err) {
      this.log.error({ err, lock: this.lock.describe() }, 'error retrieving lease to release it');
      return false;
    }
    if (observed.record.holderIdentity !== this.identity) {
      this.setObservedRecord(observed.record);
      this.observedKey = observed.key;
      return true; // not ours (any more): nothing to release
    }
    const nowMicro = microTimeFromDate(this.clock.now());
    // leaseDurationSeconds must stay positive for Lease validation; an
    // empty holder is what lets others acquire at once.
    const released: LeaderElectionRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: nowMicro,
      renewTime: nowMicro,
      leaderTransitions: observed.record.leaderTransitions,
    };
    try {
      await this.lock.update(released, signal);
    } catch (err) {
      if (isConflict(err)) return 'conflict';
      this.log.error({ err, lock: this.lock.describe() }, 'failed to release lease');
      return false;
    }
    this.setObservedRecord(released);
    this.log.info({ lock: this.lock.describe() }, 'released lease');
    return true;
  }

  /** Waits for the guarded work to finish, at most renewDeadline. */
  private async settle(work: Promise<void>): Promise<void> {
    const timeout = new AbortController();
    const timer = this.clock.setTimeout(() => timeout.abort(), this.timings.renewDeadlineMs);
    try {
      await raceAbort(work, timeout.signal);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private observedIsUs(): boolean {
    return this.observedRecord.holderIdentity === this.identity;
  }

  private isLeaseValid(now: number): boolean {
    return this.observedTime + this.observedRecord.leaseDurationSeconds * 1000 > now;
  }

  private setObservedRecord(record: LeaderElectionRecord): void {
    this.observedRecord = record;
    this.observedTime = this.clock.now();
  }

  private maybeReportTransition(): void {
    const holder = this.observedRecord.holderIdentity;
    if (holder === this.reportedLeader || holder === '') return;
    this.reportedLeader = holder;
    this.guard('onNewLeader', () => this.callbacks.onNewLeader?.(holder));
  }

  /** Runs a callback; a throw or rejection is logged, never propagated. */
  private guard(name: string, fn: () => unknown): void {
    try {
      const result = fn();
      if (result instanceof Promise) result.catch((err: unknown) => this.log.error({ err }, `${name} failed`));
    } catch (err) {
      this.log.error({ err }, `${name} failed`);
    }
  }
}
