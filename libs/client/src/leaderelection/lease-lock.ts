// LeaseLock: a leader election lock stored in a coordination.k8s.io Lease
// (client-go's resourcelock.LeaseLock). It remembers the Lease it last read
// or wrote, so every update carries the resourceVersion it observed: a
// concurrent writer makes the update fail with Conflict.
import type { Lease } from '@k8ts/api';
import { type LeaderElectionRecord, leaseSpecFromRecord, recordFromLeaseSpec, recordKey } from './leader-election-record';
import type { LeaseClient } from './lease-client';

export interface ObservedRecord {
  record: LeaderElectionRecord;
  /** recordKey(record): compares observations. */
  key: string;
}

export class LeaseLock {
  private lease: Lease | undefined;

  constructor(
    private readonly client: LeaseClient,
    readonly namespace: string,
    readonly name: string,
    readonly identity: string,
    /** Set on the Lease when it is created or updated. */
    private readonly labels?: Record<string, string>,
  ) {}

  /** Reads the Lease. Throws the client's error (NotFound when absent). */
  async get(signal?: AbortSignal): Promise<ObservedRecord> {
    const lease = await this.client.get(this.namespace, this.name, { signal });
    this.lease = lease;
    const record = recordFromLeaseSpec(lease.spec);
    return { record, key: recordKey(record) };
  }

  /** Creates the Lease holding record. Throws AlreadyExists if it exists. */
  async create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    const lease: Lease = {
      metadata: { name: this.name, namespace: this.namespace, ...(this.labels ? { labels: { ...this.labels } } : {}) },
      spec: leaseSpecFromRecord(record),
    };
    this.lease = await this.client.create(lease, { signal });
  }

  /**
   * Writes record over the Lease last read or written, with that Lease's
   * resourceVersion. Throws Conflict if the Lease changed since.
   */
  async update(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    const current = this.lease;
    if (!current) throw new Error(`lease ${this.describe()} not initialized: call get or create first`);
    const metadata = { ...current.metadata };
    if (this.labels) metadata.labels = { ...metadata.labels, ...this.labels };
    this.lease = await this.client.update({ ...current, metadata, spec: leaseSpecFromRecord(record) }, { signal });
  }

  /** "namespace/name", for logs. */
  describe(): string {
    return `${this.namespace}/${this.name}`;
  }
}
