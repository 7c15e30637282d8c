// @k8ts/telemetry: OpenTelemetry SDK bootstrap (apps only) and in-memory tracing for tests.
export * from './telemetry';
export * from './test-tracing';
export * from './propagator';
