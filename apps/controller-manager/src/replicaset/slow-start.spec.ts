import { slowStartBatch } from './slow-start';

describe('slowStartBatch', () => {
  it.each([
    { desc: 'all succeed in batches 1,2,4,3', count: 10, failAt: undefined, wantCalls: 10, wantSuccesses: 10, wantBatches: [1, 2, 4, 3] },
    { desc: 'first call fails: one call only', count: 10, failAt: 0, wantCalls: 1, wantSuccesses: 0, wantBatches: [1] },
    { desc: 'failure in the third batch stops after it', count: 10, failAt: 4, wantCalls: 7, wantSuccesses: 6, wantBatches: [1, 2, 4] },
    { desc: 'nothing to do', count: 0, failAt: undefined, wantCalls: 0, wantSuccesses: 0, wantBatches: [] },
  ])('$desc', async ({ count, failAt, wantCalls, wantSuccesses, wantBatches }) => {
    const batches: number[] = [];
    let inFlight = 0;
    let calls = 0;
    const { successes, error } = await slowStartBatch(count, 1, async (i) => {
      calls++;
      if (inFlight === 0) batches.push(0);
      inFlight++;
      batches[batches.length - 1]++;
      await Promise.resolve();
      inFlight--;
      if (i === failAt) throw new Error('quota');
    });
    expect(calls).toBe(wantCalls);
    expect(successes).toBe(wantSuccesses);
    expect(batches).toEqual(wantBatches);
    expect(error === undefined).toBe(failAt === undefined);
  });
});
