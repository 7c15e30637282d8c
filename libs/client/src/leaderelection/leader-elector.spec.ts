import { microTimeFromDate } from '@k8ts/api';
import { newServiceUnavailable } from '@k8ts/apimachinery';
import type { FakeClock } from '@k8ts/testing';
import { LeaderElector } from './leader-elector';
import { type Candidate, leaders, NAME, newWorld, NS, startCandidate } from './testing/candidates';

const LEASE_MS = 15_000;
const RETRY_MS = 2_000;
const RENEW_DEADLINE_MS = 10_000;

/** Advances in retry-period steps until pred holds; returns the clock time then. */
async function advanceUntil(clock: FakeClock, pred: () => boolean, limitMs = 120_000): Promise<number> {
  await clock.advanceAsync(0);
  for (let waited = 0; !pred(); waited += 100) {
    if (waited > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await clock.advanceAsync(100);
  }
  return clock.now();
}

describe('LeaderElector', () => {
  it('a single candidate creates the lease and leads, then renews it every retry period', async () => {
    const { clock, store } = newWorld();
    const t0 = clock.now();
    const a = startCandidate('a', store, clock);
    await clock.advanceAsync(0);

    expect(a.events).toEqual(['new-leader a', 'started']);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.elector.getLeader()).toBe('a');
    const created = store.peek(NS, NAME);
    expect(created?.spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: microTimeFromDate(t0),
      renewTime: microTimeFromDate(t0),
      leaseTransitions: 0,
    });

    await clock.advanceAsync(RETRY_MS);
    const renewed = store.peek(NS, NAME);
    expect(renewed?.spec?.renewTime).toBe(microTimeFromDate(t0 + RETRY_MS));
    expect(renewed?.spec?.acquireTime).toBe(microTimeFromDate(t0));
    expect(renewed?.metadata?.resourceVersion).not.toBe(created?.metadata?.resourceVersion);
    expect(a.elector.check(0)).toBeUndefined();

    a.abort.abort();
    await a.done;
  });

  it.each([
    { desc: 'absent', lease: undefined, wantAfterMs: 0, wantTransitions: 0 },
    { desc: 'released (empty holder)', lease: { holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 3 }, wantAfterMs: 0, wantTransitions: 4 },
    { desc: 'held by this identity (restart)', lease: { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 3 }, wantAfterMs: 0, wantTransitions: 3 },
    { desc: 'held by another and fresh', lease: { holderIdentity: 'x', leaseDurationSeconds: 15, leaseTransitions: 3, fresh: true }, wantAfterMs: 16_000, wantTransitions: 4 },
    {
      // Expiry is measured from when *we* saw the lease change, never from the
      // remote renewTime: a stale-looking timestamp does not shorten the wait.
      desc: 'held by another with a renewTime an hour old',
      lease: { holderIdentity: 'x', leaseDurationSeconds: 15, leaseTransitions: 3 },
      wantAfterMs: 16_000,
      wantTransitions: 4,
    },
    { desc: 'held by another with a short duration', lease: { holderIdentity: 'x', leaseDurationSeconds: 3, leaseTransitions: 0 }, wantAfterMs: 4_000, wantTransitions: 1 },
  ])('acquires a lease that is $desc after $wantAfterMs ms', async ({ lease, wantAfterMs, wantTransitions }) => {
    const { clock, store } = newWorld();
    const t0 = clock.now();
    if (lease) {
      const { fresh, ...spec } = { fresh: false, ...lease };
      const renewTime = microTimeFromDate(fresh ? t0 : t0 - 3_600_000);
      store.put({ metadata: { namespace: NS, name: NAME }, spec: { ...spec, acquireTime: renewTime, renewTime } });
    }
    const a = startCandidate('a', store, clock);
    const acquiredAt = await advanceUntil(clock, () => a.events.includes('started'));
    expect(acquiredAt - t0).toBe(wantAfterMs);
    const spec = store.peek(NS, NAME)?.spec;
    expect(spec?.holderIdentity).toBe('a');
    expect(spec?.leaseTransitions).toBe(wantTransitions);
    a.abort.abort();
    await a.done;
  });

  it.each([
    { desc: 'one starts first', stagger: true },
    { desc: 'both race to create the lease', stagger: false },
  ])('of two candidates exactly one leads ($desc), and both report it', async ({ stagger }) => {
    const { clock, store } = newWorld();
    const a = startCandidate('a', store, clock);
    if (stagger) await clock.advanceAsync(0);
    const b = startCandidate('b', store, clock);
    for (let i = 0; i < 20; i++) {
      await clock.advanceAsync(RETRY_MS / 2);
      expect(leaders(a, b)).toEqual(['a']);
    }
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.getLeader()).toBe('a');
    expect(b.events).toEqual(['new-leader a']);
    a.abort.abort();
    b.abort.abort();
    await Promise.all([a.done, b.done]);
  });

  it('retries acquiring every retryPeriod * (1 + random * 1.2)', async () => {
    const { clock, store } = newWorld();
    const a = startCandidate('a', store, clock);
    await clock.advanceAsync(0);
    const b = startCandidate('b', store, clock, { random: () => 0.5 });
    await clock.advanceAsync(0);
    const gets = (): number => b.client.calls.filter((c) => c.op === 'get').length;
    expect(gets()).toBe(1);
    await clock.advanceAsync(RETRY_MS * 1.6 - 1);
    expect(gets()).toBe(1);
    await clock.advanceAsync(1);
    expect(gets()).toBe(2);
    a.abort.abort();
    b.abort.abort();
    await Promise.all([a.done, b.done]);
  });

  it('a standby takes over from a crashed leader within leaseDuration + one retry period, never before leaseDuration', async () => {
    const { clock, store } = newWorld();
    const a = startCandidate('a', store, clock, { releaseOnCancel: false });
    await clock.advanceAsync(0);
    const b = startCandidate('b', store, clock);
    await clock.advanceAsync(10_000);

    // Crash: a stops renewing and does not release.
    a.abort.abort();
    await a.done;
    const crashedAt = clock.now();
    expect(a.elector.isLeader()).toBe(false);
    expect(store.peek(NS, NAME)?.spec?.holderIdentity).toBe('a');

    const tookOverAt = await advanceUntil(clock, () => b.events.includes('started'));
    expect(tookOverAt - crashedAt).toBeGreaterThanOrEqual(LEASE_MS);
    expect(tookOverAt - crashedAt).toBeLessThanOrEqual(LEASE_MS + RETRY_MS);
    expect(store.peek(NS, NAME)?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, acquireTime: microTimeFromDate(tookOverAt) });
    expect(b.events).toEqual(['new-leader a', 'new-leader b', 'started']);
    b.abort.abort();
    await b.done;
  });

  it('on cancel the leader releases the lease and a standby takes over within one retry period', async () => {
    const { clock, store } = newWorld();
    const a = startCandidate('a', store, clock);
    await clock.advanceAsync(0);
    const b = startCandidate('b', store, clock);
    await clock.advanceAsync(7_000);

    a.abort.abort();
    await a.done;
    const releasedAt = clock.now();
    expect(a.leading?.aborted).toBe(true);
    expect(a.events).toEqual(['new-leader a', 'started', 'stopped']);
    expect(a.elector.isLeader()).toBe(false);
    expect(store.peek(NS, NAME)?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });

    const tookOverAt = await advanceUntil(clock, () => b.events.includes('started'));
    expect(tookOverAt - releasedAt).toBeLessThanOrEqual(RETRY_MS);
    expect(store.peek(NS, NAME)?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    b.abort.abort();
    await b.done;
  });

  it('a leader whose renewals fail for renewDeadline steps down before anyone may take over', async () => {
    const { clock, store } = newWorld();
    const a = startCandidate('a', store, clock);
    await clock.advanceAsync(0);
    const b = startCandidate('b', store, clock);
    await clock.advanceAsync(4_000);
    const lastRenewal = clock.now();

    a.client.failWith = newServiceUnavailable('apiserver unreachable');
    const steppedDownAt = await advanceUntil(clock, () => a.finished);
    expect(a.leading?.aborted).toBe(true);
    expect(a.stoppedLeadingAt).toBe(steppedDownAt);
    expect(a.events).toEqual(['new-leader a', 'started', 'stopped']);
    expect(steppedDownAt - lastRenewal).toBeLessThanOrEqual(RETRY_MS + RENEW_DEADLINE_MS);

    const tookOverAt = await advanceUntil(clock, () => b.events.includes('started'));
    expect(tookOverAt).toBeGreaterThan(steppedDownAt); // no overlap
    expect(tookOverAt - lastRenewal).toBeGreaterThanOrEqual(LEASE_MS);
    b.abort.abort();
    await b.done;
  });

  it('a leader that finds another holder in the lease steps down at its next renewal', async () => {
    const { clock, store } = newWorld();
    const a = startCandidate('a', store, clock);
    await clock.advanceAsync(1_000);
    const lease = store.peek(NS, NAME);
    store.put({ ...lease, spec: { ...lease?.spec, holderIdentity: 'intruder' } });

    await clock.advanceAsync(RETRY_MS);
    expect(a.finished).toBe(true);
    expect(a.leading?.aborted).toBe(true);
    expect(a.events).toEqual(['new-leader a', 'started', 'new-leader intruder', 'stopped']);
    expect(store.peek(NS, NAME)?.spec?.holderIdentity).toBe('intruder'); // not released: not ours
  });

  it('counts every change of holder in leaseTransitions', async () => {
    const { clock, store } = newWorld();
    const holders: string[] = [];
    let current: Candidate | undefined;
    for (const id of ['a', 'b', 'a', 'c']) {
      current = startCandidate(id, store, clock);
      await advanceUntil(clock, () => current?.events.includes('started') ?? false);
      holders.push(`${store.peek(NS, NAME)?.spec?.holderIdentity}:${store.peek(NS, NAME)?.spec?.leaseTransitions}`);
      current.abort.abort();
      await current.done;
    }
    expect(holders).toEqual(['a:0', 'b:1', 'a:2', 'c:3']);
  });

  it('calls onStoppedLeading when cancelled as a standby, without touching the lease', async () => {
    const { clock, store } = newWorld();
    const a = startCandidate('a', store, clock);
    await clock.advanceAsync(0);
    const b = startCandidate('b', store, clock);
    await clock.advanceAsync(RETRY_MS);
    const before = store.peek(NS, NAME);
    b.abort.abort();
    await b.done;
    expect(b.events).toEqual(['new-leader a', 'stopped']);
    expect(store.peek(NS, NAME)).toEqual(before);
    a.abort.abort();
    await a.done;
  });

  it('releases only once the work started by onStartedLeading has finished', async () => {
    const { clock, store } = newWorld();
    const a = startCandidate('a', store, clock, {
      callbacks: {
        onStartedLeading: (signal) =>
          new Promise<void>((resolve) => signal.addEventListener('abort', () => clock.setTimeout(resolve, 3_000))),
      },
    });
    await clock.advanceAsync(0);
    a.abort.abort();
    await clock.advanceAsync(2_999);
    expect(store.peek(NS, NAME)?.spec?.holderIdentity).toBe('a');
    await clock.advanceAsync(1);
    await a.done;
    expect(store.peek(NS, NAME)?.spec?.holderIdentity).toBe('');
  });

  it('survives callbacks that throw', async () => {
    const { clock, store } = newWorld();
    const boom = (): never => {
      throw new Error('boom');
    };
    const elector = new LeaderElector({
      client: store,
      namespace: NS,
      name: NAME,
      identity: 'a',
      clock,
      callbacks: { onStartedLeading: boom, onStoppedLeading: boom, onNewLeader: boom },
    });
    const ac = new AbortController();
    const done = elector.run(ac.signal);
    await clock.advanceAsync(RETRY_MS * 3);
    expect(elector.isLeader()).toBe(true);
    ac.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it('refuses to run twice at once', async () => {
    const { clock, store } = newWorld();
    const a = startCandidate('a', store, clock);
    await expect(a.elector.run()).rejects.toThrow(/already running/);
    a.abort.abort();
    await a.done;
  });

  it('check() reports a leader that has not renewed for longer than leaseDuration + tolerance', async () => {
    const { clock, store } = newWorld();
    // A clock whose timers never fire: the leader acquires, then is stuck.
    const frozen = { now: () => clock.now(), setTimeout: () => 0, clearTimeout: () => undefined };
    const elector = new LeaderElector({ client: store, namespace: NS, name: NAME, identity: 'a', clock: frozen, callbacks: { onStartedLeading: () => undefined } });
    void elector.run();
    await clock.advanceAsync(0);
    expect(elector.isLeader()).toBe(true);
    clock.advance(LEASE_MS + 1);
    expect(elector.check(5_000)).toBeUndefined();
    expect(elector.check(0)).toBeInstanceOf(Error);
  });

  it.each([
    { desc: 'lease shorter than renew deadline', cfg: { leaseDurationMs: 5_000, renewDeadlineMs: 10_000 }, err: /leaseDurationMs must be greater than renewDeadlineMs/ },
    { desc: 'renew deadline within jittered retry', cfg: { renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }, err: /renewDeadlineMs must be greater than retryPeriodMs/ },
    { desc: 'sub-second lease', cfg: { leaseDurationMs: 900, renewDeadlineMs: 500, retryPeriodMs: 100 }, err: /at least 1000/ },
    { desc: 'zero retry period', cfg: { retryPeriodMs: 0 }, err: /retryPeriodMs must be greater than zero/ },
    { desc: 'empty identity', cfg: { identity: '' }, err: /identity must not be empty/ },
  ])('rejects a config with $desc', ({ cfg, err }) => {
    const { store } = newWorld();
    expect(() => new LeaderElector({ client: store, namespace: NS, name: NAME, identity: 'a', callbacks: { onStartedLeading: () => undefined }, ...cfg })).toThrow(err);
  });
});
