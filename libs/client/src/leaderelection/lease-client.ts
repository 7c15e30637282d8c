// The few Lease calls leader election makes. The typed client of
// @k8ts/client (`client.leases`) satisfies it; tests use FakeLeaseClient.
import type { Lease } from '@k8ts/api';

export interface LeaseCallOptions {
  /** Cancels the call. */
  signal?: AbortSignal;
}

export interface LeaseClient {
  /** Throws a NotFound StatusError when the lease does not exist. */
  get(namespace: string, name: string, opts?: LeaseCallOptions): Promise<Lease>;
  /** Throws an AlreadyExists StatusError when it exists. */
  create(lease: Lease, opts?: LeaseCallOptions): Promise<Lease>;
  /** Throws a Conflict StatusError when metadata.resourceVersion is stale. */
  update(lease: Lease, opts?: LeaseCallOptions): Promise<Lease>;
}
