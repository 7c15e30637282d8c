// Latency statistics for benchmarks.
export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samplesMs: number[]): Summary {
  const s = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { count: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1] ?? 0, mean };
}

export function fmt(ms: number): string {
  return `${ms.toFixed(2)}ms`;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; returns per-task latencies. */
export async function runBounded(count: number, concurrency: number, task: (i: number) => Promise<unknown>, deadlineMs: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const stopAt = Date.now() + deadlineMs;
  const worker = async () => {
    while (next < count && Date.now() < stopAt) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      await task(i);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return latencies;
}
