// LeaderElectionRecord: the part of a Lease that leader election reads and
// writes (client-go's resourcelock.LeaderElectionRecord), and its mapping to
// and from LeaseSpec.
import type { LeaseSpec } from '@k8ts/api';

export interface LeaderElectionRecord {
  /** '' when nobody holds the lease (it was released). */
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** MicroTime strings; '' when unset. */
  acquireTime: string;
  renewTime: string;
  leaderTransitions: number;
  /** Carried through untouched (coordinated leader election fields). */
  strategy?: string;
  preferredHolder?: string;
}

export function recordFromLeaseSpec(spec: LeaseSpec | undefined): LeaderElectionRecord {
  const record: LeaderElectionRecord = {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? '',
    renewTime: spec?.renewTime ?? '',
    leaderTransitions: spec?.leaseTransitions ?? 0,
  };
  if (spec?.strategy) record.strategy = spec.strategy;
  if (spec?.preferredHolder) record.preferredHolder = spec.preferredHolder;
  return record;
}

export function leaseSpecFromRecord(record: LeaderElectionRecord): LeaseSpec {
  const spec: LeaseSpec = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaderTransitions,
  };
  if (record.acquireTime) spec.acquireTime = record.acquireTime;
  if (record.renewTime) spec.renewTime = record.renewTime;
  if (record.strategy) spec.strategy = record.strategy;
  if (record.preferredHolder) spec.preferredHolder = record.preferredHolder;
  return spec;
}

/**
 * A canonical serialisation: two records are the same observation exactly
 * when their keys are equal (client-go compares the record's JSON bytes).
 */
export function recordKey(record: LeaderElectionRecord): string {
  return JSON.stringify([
    record.holderIdentity,
    record.leaseDurationSeconds,
    record.acquireTime,
    record.renewTime,
    record.leaderTransitions,
    record.strategy ?? '',
    record.preferredHolder ?? '',
  ]);
}
