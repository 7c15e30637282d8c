// Configuration of a LeaderElector, its defaults and validation (the checks
// of client-go's NewLeaderElector).
import type { Clock } from '../workqueue/clock';
import type { LeaseClient } from './lease-client';

/** The logger shape leader election writes to; a pino logger fits. */
export interface LeaderElectionLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LeaderCallbacks {
  /**
   * This candidate became the leader. `signal` aborts when it stops leading
   * (lost the lease, or run() was cancelled): stop the guarded work then.
   * If it returns a promise, a release on cancel waits for it (up to
   * renewDeadline) so the next leader does not overlap with this one.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /**
   * run() is returning: called once, whether or not this candidate led (as
   * client-go does). Typical use: exit the process.
   */
  onStoppedLeading?(): void;
  /**
   * A leader other than the last one reported was observed, including the
   * first one and this candidate itself. Not called for a released (empty)
   * holder.
   */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionConfig {
  client: LeaseClient;
  namespace: string;
  /** Name of the Lease object. */
  name: string;
  /** Unique among candidates, e.g. `${hostname}_${uuid}`. */
  identity: string;
  /**
   * How long non-leaders wait, from the last change of the lease they
   * observed, before they may take over (written to the Lease in whole
   * seconds). Default 15 s.
   */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a failed renewal before it steps down. Default 10 s. */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  callbacks: LeaderCallbacks;
  /**
   * On stop (run's signal aborted, or leadership lost), clear the holder so
   * another candidate can take over at once. Only safe if the guarded work
   * has stopped by then (see onStartedLeading). Default true.
   */
  releaseOnCancel?: boolean;
  /** Labels set on the Lease object. */
  labels?: Record<string, string>;
  clock?: Clock;
  /** Random numbers in [0, 1) for retry jitter; default Math.random. */
  random?: () => number;
  logger?: LeaderElectionLogger;
}

/** client-go's JitterFactor: acquire retries wait retryPeriod * (1 + random * 1.2). */
export const JITTER_FACTOR = 1.2;

export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;

export interface ResolvedTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** Applies the defaults and rejects configurations client-go rejects. */
export function resolveTimings(config: LeaderElectionConfig): ResolvedTimings {
  const leaseDurationMs = config.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
  const renewDeadlineMs = config.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
  const retryPeriodMs = config.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
  const problems: string[] = [];
  if (!(leaseDurationMs >= 1000)) problems.push('leaseDurationMs must be at least 1000 (the Lease holds whole seconds)');
  if (!(renewDeadlineMs > 0)) problems.push('renewDeadlineMs must be greater than zero');
  if (!(retryPeriodMs > 0)) problems.push('retryPeriodMs must be greater than zero');
  if (!(leaseDurationMs > renewDeadlineMs)) problems.push('leaseDurationMs must be greater than renewDeadlineMs');
  if (!(renewDeadlineMs > JITTER_FACTOR * retryPeriodMs)) problems.push(`renewDeadlineMs must be greater than retryPeriodMs * ${JITTER_FACTOR}`);
  if (!config.identity) problems.push('identity must not be empty');
  if (!config.namespace || !config.name) problems.push('namespace and name of the lease must not be empty');
  if (typeof config.callbacks?.onStartedLeading !== 'function') problems.push('callbacks.onStartedLeading is required');
  if (problems.length > 0) throw new Error(`invalid leader election config: ${problems.join('; ')}`);
  return { leaseDurationMs, renewDeadlineMs, retryPeriodMs };
}

export const silentLogger: LeaderElectionLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
