// slowStartBatch (upstream pkg/controller/replicaset): runs fn `count` times
// in batches of 1, 2, 4, ... (each batch concurrently), stopping after the
// first batch with an error, so a failing create (quota, admission) costs
// one call instead of hundreds. Returns how many calls succeeded and the
// first error.
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export async function slowStartBatch(count: number, initialBatchSize: number, fn: (i: number) => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  let started = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(started++)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= batch;
  }
  return { successes };
}
