import { WaitForTimeoutError, waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    const v = await waitFor(() => (++n >= 3 ? `done after ${n}` : undefined), { intervalMs: 1 });
    expect(v).toBe('done after 3');
  });

  it('treats throws as "not yet"', async () => {
    let n = 0;
    await expect(
      waitFor(
        async () => {
          if (++n < 3) throw new Error('not yet');
          return true;
        },
        { intervalMs: 1 },
      ),
    ).resolves.toBe(true);
  });

  it('times out with a helpful message naming the condition and the last error', async () => {
    const p = waitFor(
      () => {
        throw new Error('boom');
      },
      { timeoutMs: 50, intervalMs: 5, desc: 'the thing' },
    );
    await expect(p).rejects.toBeInstanceOf(WaitForTimeoutError);
    await expect(p).rejects.toThrow(/waiting for the thing .*last attempt threw: Error: boom/);
  });

  it('reports the last falsy result', async () => {
    await expect(waitFor(() => 0, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(/last result: 0/);
  });
});
