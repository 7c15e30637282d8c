// Shared helpers of the leader election specs (test-only, not exported).
import { FakeClock } from '@k8ts/testing';
import type { LeaderElectionConfig } from '../leader-election-config';
import { LeaderElector } from '../leader-elector';
import { FakeLeaseClient } from '../fake-lease-client';

export const NS = 'kube-system';
export const NAME = 'controller-manager';

export interface Candidate {
  id: string;
  elector: LeaderElector;
  client: FakeLeaseClient;
  /** Callback calls in order: "started", "stopped", "new-leader b". */
  events: string[];
  startedAt?: number;
  stoppedLeadingAt?: number;
  /** Signal passed to onStartedLeading. */
  leading?: AbortSignal;
  abort: AbortController;
  /** run() has returned. */
  finished: boolean;
  done: Promise<void>;
}

/** Starts a candidate on a new connection to store's leases; jitter off. */
export function startCandidate(id: string, store: FakeLeaseClient, clock: FakeClock, overrides: Partial<LeaderElectionConfig> = {}): Candidate {
  const client = store.connect();
  const abort = new AbortController();
  const c = { id, client, events: [] as string[], abort, finished: false } as Candidate;
  c.elector = new LeaderElector({
    client,
    namespace: NS,
    name: NAME,
    identity: id,
    clock,
    random: () => 0,
    callbacks: {
      onStartedLeading: (signal) => {
        c.events.push('started');
        c.startedAt = clock.now();
        c.leading = signal;
        signal.addEventListener('abort', () => (c.stoppedLeadingAt = clock.now()));
      },
      onStoppedLeading: () => c.events.push('stopped'),
      onNewLeader: (leader) => c.events.push(`new-leader ${leader}`),
    },
    ...overrides,
  });
  c.done = c.elector.run(abort.signal).then(() => {
    c.finished = true;
  });
  return c;
}

/** Candidates whose guarded work is running right now. */
export const leaders = (...cs: Candidate[]): string[] => cs.filter((c) => c.leading && !c.leading.aborted).map((c) => c.id);

export function newWorld(): { clock: FakeClock; store: FakeLeaseClient } {
  return { clock: new FakeClock(), store: new FakeLeaseClient() };
}
