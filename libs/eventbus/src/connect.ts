// Connecting a component to NATS at start-up: the server may come up after
// the component (compose, npm start, restarts), so the first connection is
// retried with backoff until a deadline; after that the client reconnects
// forever on its own (maxReconnectAttempts -1).
import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface ConnectWithRetryOptions {
  /** Connection name shown by the server (the component). */
  name: string;
  /** Give up after this long (default 60 s). */
  deadlineMs?: number;
  /** Stop retrying when aborted (the process is shutting down). */
  signal?: AbortSignal;
  /** Told about each failed attempt. */
  onRetry?(info: { err: string; attempt: number; url: string }): void;
}

/** `url` may list several servers, comma-separated. */
export async function connectWithRetry(url: string, opts: ConnectWithRetryOptions): Promise<NatsConnection> {
  const started = Date.now();
  const deadlineMs = opts.deadlineMs ?? 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect({ servers: url.split(','), name: opts.name, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 2000 });
    } catch (err) {
      if (opts.signal?.aborted || Date.now() - started > deadlineMs) throw err;
      opts.onRetry?.({ err: (err as Error).message, attempt, url });
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
  }
}
