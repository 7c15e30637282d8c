/**
 * In-memory tracing for tests: spans are recorded synchronously when they
 * end, so a test can assert on them right after the code under test runs.
 *
 *   const tracing = startTestTracing();
 *   afterAll(() => tracing.shutdown());
 *   ...
 *   expect(tracing.spans().map((s) => s.name)).toContain('scheduler.bind');
 */
import { type Attributes, type Tracer, context, propagation, trace } from '@opentelemetry/api';
import type * as ContextAsyncHooks from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';
import type { BasicTracerProvider, InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { w3cPropagator } from './propagator';

export interface TestTracing {
  readonly exporter: InMemorySpanExporter;
  readonly provider: BasicTracerProvider;
  /** A tracer from this provider. */
  tracer(name?: string): Tracer;
  /** Finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** Forgets the spans recorded so far. */
  reset(): void;
  /** Shuts the provider down and unregisters the global tracer, context manager and propagator. */
  shutdown(): Promise<void>;
}

export interface StartTestTracingOptions {
  /** service.name of the recorded spans (default 'test'). */
  serviceName?: string;
  attributes?: Attributes;
}

let active = false;

/** Registers an in-memory tracer provider, AsyncLocalStorage context and W3C propagation globally. */
export function startTestTracing(opts: StartTestTracingOptions = {}): TestTracing {
  if (active) throw new Error('startTestTracing: already active; call shutdown() of the previous one first');
  // Loaded here, not at import: apps import this package for startTelemetry
  // and should not load a tracing SDK they may never start.
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof SdkTraceBase;
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof ContextAsyncHooks;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ ...opts.attributes, [ATTR_SERVICE_NAME]: opts.serviceName ?? 'test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (
    !context.setGlobalContextManager(contextManager) ||
    !trace.setGlobalTracerProvider(provider) ||
    !propagation.setGlobalPropagator(w3cPropagator())
  ) {
    trace.disable();
    context.disable();
    propagation.disable();
    throw new Error('startTestTracing: an OpenTelemetry global was already registered (is an SDK running?)');
  }
  active = true;

  let done: Promise<void> | undefined;
  return {
    exporter,
    provider,
    tracer: (name = 'k8ts-test') => provider.getTracer(name),
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    shutdown() {
      done ??= provider.shutdown().finally(() => {
        trace.disable();
        context.disable();
        propagation.disable();
        active = false;
      });
      return done;
    },
  };
}
