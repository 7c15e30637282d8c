// A real gRPC server over a Registry on 127.0.0.1:<free port>, for tests.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { Registry } from '../../registry/registry';
import type { RawStorage } from '../../storage/interface';
import { type RunningGrpcServer, startGrpcServer } from '../server';
import { ProbeStorage } from './probe-storage';
import { testStrategies, testSubresources } from './test-strategies';

export interface TestApi {
  readonly storage: ProbeStorage;
  readonly registry: Registry;
  readonly server: RunningGrpcServer;
  readonly address: string;
  readonly logger: Logger;
  /** Log records written so far (parsed JSON). */
  logs(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface TestApiOptions {
  bookmarkIntervalMs?: number;
  shutdownGraceMs?: number;
}

/** Starts a server over `storage` (wrapped in a ProbeStorage) with the test strategies. */
export async function startTestApi(storage: RawStorage, opts: TestApiOptions = {}): Promise<TestApi> {
  const probe = new ProbeStorage(storage);
  const registry = new Registry({ storage: probe, strategies: testStrategies(), subresources: testSubresources });
  const records: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const server = await startGrpcServer({
    registry,
    logger,
    host: '127.0.0.1',
    port: 0,
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
    shutdownGraceMs: opts.shutdownGraceMs ?? 2000,
  });
  return {
    storage: probe,
    registry,
    server,
    address: server.address,
    logger,
    logs: () => records,
    stop: () => server.stop(),
  };
}
