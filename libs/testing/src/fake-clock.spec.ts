import { FakeClock } from './fake-clock';

describe('FakeClock', () => {
  it('fires timeouts in due order and exposes the due time as now()', () => {
    const clock = new FakeClock(1000);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 10);
    clock.setTimeout(() => seen.push(['c', clock.now()]), 20);
    expect(clock.advance(15)).toBe(1);
    expect(seen).toEqual([['a', 1010]]);
    expect(clock.now()).toBe(1015);
    clock.advance(5);
    expect(seen).toEqual([
      ['a', 1010],
      ['b', 1020],
      ['c', 1020],
    ]);
    expect(clock.pending()).toBe(0);
  });

  it('clearTimeout cancels, and passes extra args', () => {
    const clock = new FakeClock();
    const fn = jest.fn();
    const h = clock.setTimeout(fn, 10, 'x');
    clock.setTimeout(fn, 10, 'y');
    clock.clearTimeout(h);
    clock.advance(10);
    expect(fn.mock.calls).toEqual([['y']]);
  });

  it('repeats intervals and runs timers scheduled by timers within the window', () => {
    const clock = new FakeClock(0);
    const ticks: number[] = [];
    const h = clock.setInterval(() => {
      ticks.push(clock.now());
      if (ticks.length === 3) clock.clearInterval(h);
    }, 100);
    const nested: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => nested.push(clock.now()), 50), 100);
    clock.advance(1000);
    expect(ticks).toEqual([100, 200, 300]);
    expect(nested).toEqual([150]);
    expect(clock.pending()).toBe(0);
  });

  it('nextDueIn and runAll', () => {
    const clock = new FakeClock(0);
    expect(clock.nextDueIn()).toBeUndefined();
    clock.setTimeout(() => undefined, 30);
    clock.setTimeout(() => undefined, 0);
    expect(clock.nextDueIn()).toBe(1);
    expect(clock.runAll()).toBe(2);
    expect(clock.now()).toBe(30);
    clock.setInterval(() => undefined, 1);
    expect(() => clock.runAll(5)).toThrow(/interval/);
  });

  it('advanceAsync lets awaiting code progress between timers', async () => {
    const clock = new FakeClock(0);
    const sleep = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));
    const steps: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(10);
        steps.push(clock.now());
      }
    })();
    await clock.advanceAsync(30);
    await loop;
    expect(steps).toEqual([10, 20, 30]);
  });
});
