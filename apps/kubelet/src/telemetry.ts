// The kubelet's telemetry bootstrap. main.ts imports it FIRST, before
// anything loads @grpc/grpc-js, so the gRPC instrumentation patches grpc-js
// before the client is built (grpc-js stays external in the esbuild bundle,
// so it is a real require() that the instrumentation sees).
//
// Resource attribute k8s.node.name comes from K8TS_NODE_NAME when set (the
// flag is parsed later). The instrumentations are a factory: with
// OTEL_SDK_DISABLED=true neither the SDK nor the instrumentation is loaded.
import type * as GrpcInstrumentationModule from '@opentelemetry/instrumentation-grpc';
import { startTelemetry } from '@k8ts/telemetry';

const nodeName = process.env['K8TS_NODE_NAME']?.trim();

export const telemetry = startTelemetry({
  serviceName: 'kubelet',
  attributes: nodeName ? { 'k8s.node.name': nodeName } : {},
  instrumentations: () => {
    const { GrpcInstrumentation } = require('@opentelemetry/instrumentation-grpc') as typeof GrpcInstrumentationModule;
    return [new GrpcInstrumentation()];
  },
});
