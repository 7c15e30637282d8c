import type { Lease } from '@k8ts/api';
import { isAlreadyExists, isConflict, isNotFound } from '@k8ts/apimachinery';
import type { ResourceClient } from '../resource-client';
import { FakeLeaseClient } from './fake-lease-client';
import { type LeaderElectionRecord, leaseSpecFromRecord, recordFromLeaseSpec, recordKey } from './leader-election-record';
import type { LeaseClient } from './lease-client';
import { LeaseLock } from './lease-lock';

// The typed gRPC client of this library must fit LeaseClient as is.
const _fitsTypedClient = (typed: ResourceClient<Lease>): LeaseClient => typed;

/** The error p rejects with (fails the test if it resolves). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

const record = (over: Partial<LeaderElectionRecord> = {}): LeaderElectionRecord => ({
  holderIdentity: 'a',
  leaseDurationSeconds: 15,
  acquireTime: '2024-01-01T00:00:00.000000Z',
  renewTime: '2024-01-01T00:00:02.000000Z',
  leaderTransitions: 2,
  ...over,
});

describe('LeaderElectionRecord', () => {
  it.each([
    { desc: 'a full record', rec: record() },
    { desc: 'a released record', rec: record({ holderIdentity: '', leaseDurationSeconds: 1 }) },
    { desc: 'coordinated fields', rec: record({ strategy: 'OldestEmulationVersion', preferredHolder: 'b' }) },
  ])('round-trips $desc through LeaseSpec', ({ rec }) => {
    expect(recordFromLeaseSpec(leaseSpecFromRecord(rec))).toEqual(rec);
  });

  it('reads an empty spec as an empty record', () => {
    expect(recordFromLeaseSpec(undefined)).toEqual({ holderIdentity: '', leaseDurationSeconds: 0, acquireTime: '', renewTime: '', leaderTransitions: 0 });
  });

  it.each([
    { desc: 'holder', change: { holderIdentity: 'b' } },
    { desc: 'renew time', change: { renewTime: '2024-01-01T00:00:04.000000Z' } },
    { desc: 'transitions', change: { leaderTransitions: 3 } },
  ])('gives a different key when the $desc changes', ({ change }) => {
    expect(recordKey(record(change))).not.toBe(recordKey(record()));
    expect(recordKey(record())).toBe(recordKey(record()));
  });
});

describe('LeaseLock', () => {
  it('creates, reads and updates the lease, with labels', async () => {
    const client = new FakeLeaseClient();
    const lock = new LeaseLock(client, 'ns', 'lock', 'a', { app: 'cm' });
    expect(isNotFound(await failure(lock.get()))).toBe(true);
    await lock.create(record());
    const observed = await lock.get();
    expect(observed.record).toEqual(record());
    await lock.update(record({ renewTime: '2024-01-01T00:00:04.000000Z' }));
    const stored = client.peek('ns', 'lock');
    expect(stored?.metadata).toMatchObject({ namespace: 'ns', name: 'lock', labels: { app: 'cm' }, resourceVersion: '2' });
    expect(stored?.spec?.renewTime).toBe('2024-01-01T00:00:04.000000Z');
    expect(lock.describe()).toBe('ns/lock');
  });

  it('fails an update with Conflict when the lease changed since it was read', async () => {
    const client = new FakeLeaseClient();
    const mine = new LeaseLock(client, 'ns', 'lock', 'a');
    const theirs = new LeaseLock(client.connect(), 'ns', 'lock', 'b');
    await mine.create(record());
    await theirs.get();
    await theirs.update(record({ holderIdentity: 'b' }));
    expect(isConflict(await failure(mine.update(record())))).toBe(true);
    await mine.get(); // re-read: now it applies
    await expect(mine.update(record())).resolves.toBeUndefined();
  });

  it('fails a second create with AlreadyExists', async () => {
    const client = new FakeLeaseClient();
    await new LeaseLock(client, 'ns', 'lock', 'a').create(record());
    expect(isAlreadyExists(await failure(new LeaseLock(client, 'ns', 'lock', 'b').create(record())))).toBe(true);
  });

  it('refuses to update before anything was read', async () => {
    await expect(new LeaseLock(new FakeLeaseClient(), 'ns', 'lock', 'a').update(record())).rejects.toThrow(/not initialized/);
  });
});
