// FakeLeaseClient: an in-memory LeaseClient for tests, with the optimistic
// concurrency of the apiserver: every write bumps a store-wide
// resourceVersion, and an update whose metadata.resourceVersion is not the
// stored one fails with Conflict.
//
// Several candidates share one store through connect(); each connection can
// be cut (`failWith`) to simulate a partitioned or crashed process.
import type { Lease } from '@k8ts/api';
import { type GroupResource, newAlreadyExists, newBadRequest, newConflict, newNotFound, OPTIMISTIC_LOCK_ERROR_MSG } from '@k8ts/apimachinery';
import type { LeaseCallOptions, LeaseClient } from './lease-client';

const LEASES: GroupResource = { group: 'coordination.k8s.io', resource: 'leases' };

interface Store {
  leases: Map<string, Lease>;
  revision: number;
}

export type FakeLeaseOp = 'get' | 'create' | 'update';

export class FakeLeaseClient implements LeaseClient {
  /** When set, every call of this connection fails with it (nothing is read or written). */
  failWith: Error | undefined;
  /** Calls made through this connection, oldest first. */
  readonly calls: Array<{ op: FakeLeaseOp; namespace: string; name: string }> = [];
  private readonly store: Store;

  constructor(shareWith?: FakeLeaseClient) {
    this.store = shareWith ? shareWith.store : { leases: new Map(), revision: 0 };
  }

  /** Another connection to the same store. */
  connect(): FakeLeaseClient {
    return new FakeLeaseClient(this);
  }

  async get(namespace: string, name: string, _opts?: LeaseCallOptions): Promise<Lease> {
    await this.enter('get', namespace, name);
    const lease = this.store.leases.get(key(namespace, name));
    if (!lease) throw newNotFound(LEASES, name);
    return structuredClone(lease);
  }

  async create(lease: Lease, _opts?: LeaseCallOptions): Promise<Lease> {
    const { namespace, name } = identify(lease);
    await this.enter('create', namespace, name);
    if (this.store.leases.has(key(namespace, name))) throw newAlreadyExists(LEASES, name);
    return this.write(namespace, name, lease);
  }

  async update(lease: Lease, _opts?: LeaseCallOptions): Promise<Lease> {
    const { namespace, name } = identify(lease);
    await this.enter('update', namespace, name);
    const stored = this.store.leases.get(key(namespace, name));
    if (!stored) throw newNotFound(LEASES, name);
    if (lease.metadata?.resourceVersion !== stored.metadata?.resourceVersion) throw newConflict(LEASES, name, new Error(OPTIMISTIC_LOCK_ERROR_MSG));
    return this.write(namespace, name, lease);
  }

  /** The stored lease (a copy), or undefined. */
  peek(namespace: string, name: string): Lease | undefined {
    const lease = this.store.leases.get(key(namespace, name));
    return lease && structuredClone(lease);
  }

  /** Stores a lease as is (a write by some other party); returns it with its new resourceVersion. */
  put(lease: Lease): Lease {
    const { namespace, name } = identify(lease);
    return this.write(namespace, name, lease);
  }

  private async enter(op: FakeLeaseOp, namespace: string, name: string): Promise<void> {
    this.calls.push({ op, namespace, name });
    await Promise.resolve(); // answer asynchronously, like a real client
    if (this.failWith) throw this.failWith;
  }

  private write(namespace: string, name: string, lease: Lease): Lease {
    const stored = structuredClone(lease);
    stored.metadata = { ...stored.metadata, namespace, name, resourceVersion: String(++this.store.revision) };
    this.store.leases.set(key(namespace, name), stored);
    return structuredClone(stored);
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function identify(lease: Lease): { namespace: string; name: string } {
  const namespace = lease.metadata?.namespace;
  const name = lease.metadata?.name;
  if (!namespace || !name) throw newBadRequest('lease needs metadata.namespace and metadata.name');
  return { namespace, name };
}
