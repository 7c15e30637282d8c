// The echo image's telemetry bootstrap; main.ts imports it FIRST.
//
// @opentelemetry/instrumentation-http is not a workspace dependency, so the
// server continues incoming traces by hand (propagation.extract on the
// request headers + a SERVER span per request, see echo-server.ts). That
// needs only the global propagator and tracer provider this registers.
// OTEL_SDK_DISABLED=true makes it a no-op.
import { startTelemetry } from '@k8ts/telemetry';

const attributes: Record<string, string> = {};
if (process.env['POD_NAME']) attributes['k8s.pod.name'] = process.env['POD_NAME'];
if (process.env['POD_NAMESPACE']) attributes['k8s.namespace.name'] = process.env['POD_NAMESPACE'];
if (process.env['NODE_NAME']) attributes['k8s.node.name'] = process.env['NODE_NAME'];

export const telemetry = startTelemetry({ serviceName: 'echo', attributes });
