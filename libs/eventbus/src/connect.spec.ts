import { freePort, startNatsServer, waitFor } from '@k8ts/testing';
import { connectWithRetry } from './connect';

describe('connectWithRetry', () => {
  it('keeps trying until the server is up', async () => {
    const port = await freePort();
    const retries: number[] = [];
    const pending = connectWithRetry(`nats://127.0.0.1:${port}`, { name: 'test', deadlineMs: 20_000, onRetry: (i) => retries.push(i.attempt) });
    // At least one attempt fails before the server exists.
    await waitFor(() => retries.length > 0, { timeoutMs: 10_000, desc: 'a failed attempt' });
    const nats = await startNatsServer({ port });
    try {
      const nc = await pending;
      expect(retries.length).toBeGreaterThan(0);
      await nc.close();
    } finally {
      await nats.stop();
    }
  });

  it.each([
    { desc: 'the deadline passes', deadlineMs: 200, abort: false },
    { desc: 'the signal aborts', deadlineMs: 60_000, abort: true },
  ])('gives up when $desc', async ({ deadlineMs, abort }) => {
    const port = await freePort();
    const ac = new AbortController();
    const pending = connectWithRetry(`nats://127.0.0.1:${port}`, { name: 'test', deadlineMs, signal: ac.signal });
    if (abort) ac.abort();
    await expect(pending).rejects.toThrow();
  });
});
