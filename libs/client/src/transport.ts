// One gRPC channel to the apiserver and the call discipline on top of it:
// a deadline on every unary call, retries with exponential backoff and jitter
// for idempotent calls, the caller's OpenTelemetry context in the metadata,
// and errors turned into StatusError.
import {
  type CallOptions as GrpcCallOptions,
  type ChannelCredentials,
  Client,
  type ClientOptions,
  type ClientReadableStream,
  credentials as grpcCredentials,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { context, propagation, type Context, type TextMapSetter } from '@opentelemetry/api';
import { GrpcCode } from '@k8ts/apimachinery';
import { toApiError } from './errors';

/** The parts of a generated method definition a call needs. */
export interface MethodDefinition<Req, Res> {
  readonly path: string;
  requestSerialize(value: Req): Buffer;
  responseDeserialize(value: Buffer): Res;
}

/** Per-call options of every client method. */
export interface CallOptions {
  /** Overrides the client's deadline for this call (unary calls only). */
  deadlineMs?: number;
  /** Cancels the call (and any retry wait). */
  signal?: AbortSignal;
}

export interface TransportOptions {
  address: string;
  deadlineMs: number;
  retries: number;
  userAgent?: string;
  credentials?: ChannelCredentials;
  /** First retry delay; doubles per attempt (default 100 ms). */
  retryBaseDelayMs?: number;
  /** Cap of one retry delay (default 2 s). */
  retryMaxDelayMs?: number;
  /** Largest message received (default 16 MiB, the server's limit). */
  maxMessageBytes?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: Partial<ClientOptions>;
}

const RETRYABLE = new Set<number>([GrpcCode.UNAVAILABLE, GrpcCode.DEADLINE_EXCEEDED]);

const metadataSetter: TextMapSetter<Metadata> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

/** Request metadata carrying `ctx` (traceparent, tracestate, baggage: whatever the global propagator writes). */
export function outgoingMetadata(ctx: Context = context.active()): Metadata {
  const md = new Metadata();
  propagation.inject(ctx, md, metadataSetter);
  return md;
}

export class Transport {
  readonly raw: Client;
  private readonly closers = new Set<() => void>();
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;

  constructor(readonly opts: TransportOptions) {
    const maxMessageBytes = opts.maxMessageBytes ?? 16 * 1024 * 1024;
    this.raw = new Client(opts.address, opts.credentials ?? grpcCredentials.createInsecure(), {
      'grpc.max_receive_message_length': maxMessageBytes,
      'grpc.max_send_message_length': maxMessageBytes,
      // Notice a dead apiserver even while only a watch is open.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 5_000,
      ...(opts.userAgent ? { 'grpc.primary_user_agent': opts.userAgent } : {}),
      ...opts.channelOptions,
    });
    this.retryBaseDelayMs = opts.retryBaseDelayMs ?? 100;
    this.retryMaxDelayMs = opts.retryMaxDelayMs ?? 2_000;
  }

  /**
   * A unary call with a deadline per attempt. Idempotent calls are retried on
   * UNAVAILABLE and DEADLINE_EXCEEDED up to `retries` times.
   */
  async unary<Req, Res>(method: MethodDefinition<Req, Res>, request: Req, opts: CallOptions = {}, idempotent = false): Promise<Res> {
    const ctx = context.active();
    const retries = idempotent ? this.opts.retries : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, request, ctx, opts);
      } catch (err) {
        const code = (err as Partial<ServiceError>).code;
        if (attempt >= retries || code === undefined || !RETRYABLE.has(code) || opts.signal?.aborted) throw toApiError(err);
        await this.backoff(attempt, opts.signal);
      }
    }
  }

  /** A server-streaming call: no deadline, cancellable via the returned stream or `signal`. */
  stream<Req, Res>(method: MethodDefinition<Req, Res>, request: Req, opts: CallOptions = {}): ClientReadableStream<Res> {
    const call = this.raw.makeServerStreamRequest(
      method.path,
      (v: Req) => method.requestSerialize(v),
      (b: Buffer) => method.responseDeserialize(b),
      request,
      outgoingMetadata(),
      {},
    );
    if (opts.signal) {
      const signal = opts.signal;
      const cancel = () => call.cancel();
      if (signal.aborted) queueMicrotask(cancel);
      else {
        signal.addEventListener('abort', cancel, { once: true });
        call.once('close', () => signal.removeEventListener('abort', cancel));
      }
    }
    return call;
  }

  /** Registers `fn` to run on close() (open watches stop); returns the unregister function. */
  onClose(fn: () => void): () => void {
    this.closers.add(fn);
    return () => this.closers.delete(fn);
  }

  /** Stops open streams and closes the channel. */
  close(): void {
    for (const fn of [...this.closers]) fn();
    this.closers.clear();
    this.raw.close();
  }

  private once<Req, Res>(method: MethodDefinition<Req, Res>, request: Req, ctx: Context, opts: CallOptions): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const signal = opts.signal;
      if (signal?.aborted) {
        reject(cancelledError());
        return;
      }
      const callOptions: Partial<GrpcCallOptions> = { deadline: Date.now() + (opts.deadlineMs ?? this.opts.deadlineMs) };
      let onAbort: (() => void) | undefined;
      const call = this.raw.makeUnaryRequest(
        method.path,
        (v: Req) => method.requestSerialize(v),
        (b: Buffer) => method.responseDeserialize(b),
        request,
        outgoingMetadata(ctx),
        callOptions,
        (err, res) => {
          if (onAbort) signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve(res as Res);
        },
      );
      if (signal) {
        onAbort = () => call.cancel();
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  /** Exponential backoff with equal jitter: a delay in [d/2, d], d = base * 2^attempt (capped). */
  private backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const full = Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** attempt);
    const delay = full / 2 + Math.random() * (full / 2);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      const onAbort = () => {
        clearTimeout(timer);
        reject(toApiError(cancelledError()));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function cancelledError(): ServiceError {
  return Object.assign(new Error('Cancelled by the caller'), {
    code: GrpcCode.CANCELLED as number,
    details: 'Cancelled by the caller',
    metadata: new Metadata(),
  }) as ServiceError;
}
