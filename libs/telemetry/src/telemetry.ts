/**
 * OpenTelemetry SDK bootstrap for k8ts apps. Libraries never import this;
 * they use @opentelemetry/api only.
 *
 * Call it first thing in an app's main, before other imports do work:
 *
 *   const telemetry = startTelemetry({ serviceName: 'scheduler' });
 *   process.on('SIGTERM', () => void telemetry.shutdown().finally(() => process.exit(0)));
 *
 * Export is configured only by the standard OTEL_* environment variables
 * (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL,
 * OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER, …; the
 * default is OTLP http/protobuf to localhost:4318). OTEL_SDK_DISABLED=true
 * turns the whole thing into a no-op. OTEL_SERVICE_NAME, when set, wins
 * over `serviceName` (handy to tell two kubelets apart).
 */
import { type Attributes } from '@opentelemetry/api';
import { getBooleanFromEnv } from '@opentelemetry/core';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAMESPACE } from '@opentelemetry/semantic-conventions';
import { w3cPropagator } from './propagator';

export interface StartTelemetryOptions {
  /** service.name, normally the component: apiserver, scheduler, kubelet… */
  serviceName: string;
  /** Extra resource attributes (e.g. k8s.node.name for a kubelet). */
  attributes?: Attributes;
  /** Instrumentations to enable, e.g. gRPC. */
  instrumentations?: NodeSDKConfiguration['instrumentations'];
}

export interface Telemetry {
  /** False when OTEL_SDK_DISABLED=true. */
  readonly enabled: boolean;
  /** Flushes pending telemetry and stops the SDK. Safe to call twice. */
  shutdown(): Promise<void>;
}

/** service.namespace of every k8ts service (overridable via attributes). */
export const K8TS_SERVICE_NAMESPACE = 'k8ts';

let started = false;

export function startTelemetry(opts: StartTelemetryOptions): Telemetry {
  if (getBooleanFromEnv('OTEL_SDK_DISABLED')) {
    return { enabled: false, shutdown: async () => undefined };
  }
  if (started) throw new Error('startTelemetry: already started in this process');
  started = true;

  const envServiceName = process.env['OTEL_SERVICE_NAME']?.trim();
  const sdk = new NodeSDK({
    resource: defaultResource().merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAMESPACE]: K8TS_SERVICE_NAMESPACE, ...opts.attributes }),
    ),
    // service.name from options unless OTEL_SERVICE_NAME is set (then the env detector supplies it).
    ...(envServiceName ? {} : { serviceName: opts.serviceName }),
    textMapPropagator: w3cPropagator(),
    instrumentations: opts.instrumentations ?? [],
  });
  sdk.start();

  let done: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown() {
      done ??= sdk.shutdown().finally(() => {
        started = false;
      });
      return done;
    },
  };
}
