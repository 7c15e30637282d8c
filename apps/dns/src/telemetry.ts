// The dns's telemetry bootstrap. main.ts imports it FIRST,
// before anything loads @grpc/grpc-js, so the gRPC instrumentation patches
// grpc-js before the client is built (grpc-js stays external in the esbuild
// bundle, so it is a real require() that the instrumentation sees).
//
// The instrumentations are a factory: with OTEL_SDK_DISABLED=true neither the
// SDK nor the instrumentation is loaded, and nothing is patched.
import type * as GrpcInstrumentationModule from '@opentelemetry/instrumentation-grpc';
import { startTelemetry } from '@k8ts/telemetry';

export const telemetry = startTelemetry({
  serviceName: 'dns',
  instrumentations: () => {
    const { GrpcInstrumentation } = require('@opentelemetry/instrumentation-grpc') as typeof GrpcInstrumentationModule;
    return [new GrpcInstrumentation()];
  },
});
