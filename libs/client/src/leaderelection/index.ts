// Lease-based leader election, after client-go's tools/leaderelection.
export {
  DEFAULT_LEASE_DURATION_MS,
  DEFAULT_RENEW_DEADLINE_MS,
  DEFAULT_RETRY_PERIOD_MS,
  JITTER_FACTOR,
  type LeaderCallbacks,
  type LeaderElectionConfig,
  type LeaderElectionLogger,
} from './leader-election-config';
export { type LeaderElectionRecord, leaseSpecFromRecord, recordFromLeaseSpec } from './leader-election-record';
export { LeaderElector } from './leader-elector';
export type { LeaseCallOptions, LeaseClient } from './lease-client';
export { LeaseLock, type ObservedRecord } from './lease-lock';
export { FakeLeaseClient, type FakeLeaseOp } from './fake-lease-client';
