// The gRPC front end of the apiserver (components talk to it; kubectl uses REST).
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Registry } from '../registry/registry';
import { ResourcesService } from './proto';
import { type RequestObserver, ResourcesServiceImpl } from './resources-service';

/** Largest request or response message (a big list, a pod with large annotations). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_GRPC_PORT = 6444;

export interface GrpcServerOptions {
  registry: Registry;
  logger: Logger;
  /** Default 127.0.0.1 (loopback, as the address plan says). */
  host?: string;
  /** Default 6444; 0 picks a free port (read it from the result). */
  port?: number;
  /** Default 16 MiB; larger requests fail with RESOURCE_EXHAUSTED. */
  maxMessageBytes?: number;
  /** How long stop() lets unary calls finish before it cuts connections (default 5 s). */
  shutdownGraceMs?: number;
  /** Watch bookmark interval when clients allow bookmarks (default: the store's, 60 s). */
  bookmarkIntervalMs?: number;
  /** Per-request observer (metrics). */
  onRequest?: RequestObserver;
}

export interface RunningGrpcServer {
  /** The bound port (the real one when port 0 was asked for). */
  readonly port: number;
  /** host:port, usable as a client address. */
  readonly address: string;
  readonly service: ResourcesServiceImpl;
  /** Ends open watches, lets in-flight calls finish (up to the grace period), then closes. Idempotent. */
  stop(): Promise<void>;
}

export async function startGrpcServer(opts: GrpcServerOptions): Promise<RunningGrpcServer> {
  const host = opts.host || '127.0.0.1';
  const maxMessageBytes = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const graceMs = opts.shutdownGraceMs ?? 5000;
  const logger = opts.logger;
  const server = new Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    // Ping idle connections so dead clients (and their watches) are noticed.
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    // Recycle no connection by age: watches are long-lived on purpose.
    'grpc.max_connection_idle_ms': 30 * 60_000,
  });
  const service = new ResourcesServiceImpl({ registry: opts.registry, logger, bookmarkIntervalMs: opts.bookmarkIntervalMs, onRequest: opts.onRequest });
  server.addService(ResourcesService, service.handlers());

  const hostPort = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${opts.port ?? DEFAULT_GRPC_PORT}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(hostPort, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  const address = `${hostPort.slice(0, hostPort.lastIndexOf(':'))}:${port}`;
  logger.info({ address }, 'gRPC server listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      service.closeWatches();
      const timer = setTimeout(() => {
        logger.warn({ graceMs }, 'gRPC calls still running after the grace period; closing connections');
        server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    }).then(() => logger.info({ address }, 'gRPC server stopped'));
    return stopping;
  };

  return { port, address, service, stop };
}
