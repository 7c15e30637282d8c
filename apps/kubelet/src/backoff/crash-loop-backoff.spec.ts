import { FakeClock } from '@k8ts/testing';
import { backoffKey, CrashLoopBackOff, shouldRestart } from './crash-loop-backoff';

describe('CrashLoopBackOff', () => {
  it('doubles from 10 s up to the 300 s cap', () => {
    const clock = new FakeClock();
    const b = new CrashLoopBackOff({ now: () => clock.now() });
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      delays.push(b.next('uid/c', clock.now(), 1_000) / 1000);
      clock.advance(delays[i] * 1000);
    }
    expect(delays).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it.each([
    { desc: 'ran 10 min: resets to base', ranForMs: 600_000, want: 10_000 },
    { desc: 'ran just under 10 min: keeps doubling', ranForMs: 599_999, want: 80_000 },
    { desc: 'crashed immediately: keeps doubling', ranForMs: 0, want: 80_000 },
  ])('$desc', ({ ranForMs, want }) => {
    const b = new CrashLoopBackOff({ now: () => 0 });
    b.next('k', 0, 0);
    b.next('k', 0, 0);
    b.next('k', 0, 0);
    expect(b.next('k', 0, ranForMs)).toBe(want);
  });

  it('reports waiting and remaining time relative to finishedAt', () => {
    const clock = new FakeClock(1_000_000);
    const b = new CrashLoopBackOff({ now: () => clock.now() });
    expect(b.inBackoff('k')).toEqual({ waiting: false, remainingMs: 0 });
    b.next('k', 1_000_000 - 4_000, 100);
    expect(b.inBackoff('k')).toEqual({ waiting: true, remainingMs: 6_000 });
    clock.advance(6_000);
    expect(b.inBackoff('k')).toEqual({ waiting: false, remainingMs: 0 });
    b.reset('k');
    expect(b.next('k', clock.now(), 0)).toBe(10_000);
  });

  it('honours custom base and cap; keys are independent; resetPod clears a pod', () => {
    const b = new CrashLoopBackOff({ baseMs: 1_000, maxMs: 3_000, now: () => 0 });
    expect([b.next('a/x', 0, 0), b.next('a/x', 0, 0), b.next('a/x', 0, 0)]).toEqual([1_000, 2_000, 3_000]);
    expect(b.next(backoffKey('b', 'x'), 0, 0)).toBe(1_000);
    b.resetPod('a');
    expect(b.next('a/x', 0, 0)).toBe(1_000);
    expect(b.next('b/x', 0, 0)).toBe(2_000);
  });
});

describe('shouldRestart', () => {
  it.each([
    { desc: 'Always, success', policy: 'Always', exitCode: 0, want: true },
    { desc: 'Always, failure', policy: 'Always', exitCode: 1, want: true },
    { desc: 'absent means Always', policy: undefined, exitCode: 0, want: true },
    { desc: 'OnFailure, success', policy: 'OnFailure', exitCode: 0, want: false },
    { desc: 'OnFailure, failure', policy: 'OnFailure', exitCode: 137, want: true },
    { desc: 'Never, success', policy: 'Never', exitCode: 0, want: false },
    { desc: 'Never, failure', policy: 'Never', exitCode: 2, want: false },
  ])('$desc', ({ policy, exitCode, want }) => {
    expect(shouldRestart(policy, exitCode)).toBe(want);
  });
});
