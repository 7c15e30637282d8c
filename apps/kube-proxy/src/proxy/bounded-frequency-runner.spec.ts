import { FakeClock } from '@k8ts/testing';
import { BoundedFrequencyRunner, type RunnerClock } from './bounded-frequency-runner';

function setup(opts: { min: number; max: number; burst?: number; fnMs?: number }) {
  const clock = new FakeClock(0);
  const runs: number[] = [];
  const rc: RunnerClock = { now: () => clock.now(), setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (h) => clock.clearTimeout(h as number) };
  const runner = new BoundedFrequencyRunner({
    name: 'test',
    minIntervalMs: opts.min,
    maxIntervalMs: opts.max,
    burstRuns: opts.burst ?? 1,
    clock: rc,
    fn: async () => {
      runs.push(clock.now());
      if (opts.fnMs) await new Promise<void>((r) => clock.setTimeout(r, opts.fnMs));
    },
  });
  return { clock, runs, runner };
}

describe('BoundedFrequencyRunner', () => {
  it.each([
    { desc: 'runs at once on start, then every maxInterval', min: 100, max: 1000, requests: [] as number[], until: 3500, want: [0, 1000, 2000, 3000] },
    { desc: 'a request waits out minInterval', min: 100, max: 1000, requests: [10], until: 500, want: [0, 100] },
    { desc: 'requests within minInterval coalesce into one run', min: 100, max: 1000, requests: [10, 20, 30, 90], until: 500, want: [0, 100] },
    { desc: 'a request after minInterval runs at once', min: 100, max: 1000, requests: [250], until: 500, want: [0, 250] },
    { desc: 'the periodic run counts from the last run', min: 100, max: 1000, requests: [400], until: 1500, want: [0, 400, 1400] },
    { desc: 'burst of 2 lets a second run through at once', min: 100, max: 1000, burst: 2, requests: [10, 20, 30], until: 500, want: [0, 10, 100] },
    { desc: 'minInterval 0: every request runs at once', min: 0, max: 1000, requests: [10, 20], until: 500, want: [0, 10, 20] },
  ])('$desc', async ({ min, max, burst, requests, until, want }) => {
    const { clock, runs, runner } = setup({ min, max, burst });
    runner.start();
    await clock.advanceAsync(0);
    let t = 0;
    for (const at of requests) {
      await clock.advanceAsync(at - t);
      t = at;
      runner.run();
      await clock.advanceAsync(0);
    }
    await clock.advanceAsync(until - t);
    await runner.stop();
    expect(runs).toEqual(want);
  });

  it('never runs fn concurrently; a request during a run leads to one more run after it', async () => {
    const { clock, runs, runner } = setup({ min: 10, max: 10_000, fnMs: 50 });
    runner.start(); // run at 0, busy until 50
    await clock.advanceAsync(5);
    runner.run();
    runner.run();
    await clock.advanceAsync(200);
    await runner.stop();
    expect(runs).toEqual([0, 50]);
  });

  it('waits for start(): requests before it do not run', async () => {
    const { clock, runs, runner } = setup({ min: 10, max: 100 });
    runner.run();
    await clock.advanceAsync(500);
    expect(runs).toEqual([]);
    runner.start();
    await clock.advanceAsync(0);
    expect(runs).toEqual([500]);
    await runner.stop();
  });

  it('stops: no runs after stop()', async () => {
    const { clock, runs, runner } = setup({ min: 10, max: 100 });
    runner.start();
    await clock.advanceAsync(0);
    await runner.stop();
    runner.run();
    await clock.advanceAsync(1000);
    expect(runs).toEqual([0]);
    expect(clock.pending()).toBe(0);
  });

  it('keeps going after fn throws', async () => {
    const clock = new FakeClock(0);
    const errors: unknown[] = [];
    let n = 0;
    const runner = new BoundedFrequencyRunner({
      name: 't',
      minIntervalMs: 10,
      maxIntervalMs: 100,
      clock: { now: () => clock.now(), setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (h) => clock.clearTimeout(h as number) },
      fn: () => {
        n++;
        throw new Error('boom');
      },
      onError: (e) => errors.push(e),
    });
    runner.start();
    await clock.advanceAsync(250);
    await runner.stop();
    expect(n).toBe(3);
    expect(errors).toHaveLength(3);
  });

  it('rejects minInterval > maxInterval', () => {
    expect(() => new BoundedFrequencyRunner({ name: 'x', fn: () => undefined, minIntervalMs: 10, maxIntervalMs: 5 })).toThrow();
  });
});
