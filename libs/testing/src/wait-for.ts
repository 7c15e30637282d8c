/**
 * Polling with a deadline. Tests use this instead of sleeps: it returns as
 * soon as the condition holds, and when it never does the error says what
 * was awaited, for how long, and the last thing the condition threw.
 */

export interface WaitForOptions {
  /** Give up after this many milliseconds (default 5000). */
  timeoutMs?: number;
  /** Pause between attempts (default 25). */
  intervalMs?: number;
  /** What is being waited for; goes into the timeout error. */
  desc?: string;
}

export class WaitForTimeoutError extends Error {
  constructor(
    message: string,
    readonly lastError?: unknown,
  ) {
    super(message);
    this.name = 'WaitForTimeoutError';
  }
}

/**
 * Calls `fn` until it returns a truthy value (which is returned) or the
 * deadline passes. A throw from `fn` counts as "not yet"; the last one is
 * reported if the deadline passes. An attempt that is still running at the
 * deadline is not interrupted, but its result is ignored.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  opts: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const intervalMs = opts.intervalMs ?? 25;
  const desc = opts.desc ?? 'condition';
  const start = Date.now();
  const deadline = start + timeoutMs;
  let attempts = 0;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    attempts++;
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      lastValue = value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const now = Date.now();
    if (now >= deadline) break;
    await sleepMs(Math.min(intervalMs, deadline - now));
  }
  const elapsed = Date.now() - start;
  const why =
    lastError !== undefined
      ? `last attempt threw: ${describeError(lastError)}`
      : `last result: ${formatValue(lastValue)}`;
  throw new WaitForTimeoutError(
    `timed out after ${elapsed}ms waiting for ${desc} (${attempts} attempts; ${why})`,
    lastError,
  );
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}
