/**
 * OpenTelemetry SDK bootstrap for k8ts apps. Libraries never import this;
 * they use @opentelemetry/api only.
 *
 * Call it from the app's telemetry bootstrap module, the first import of its
 * main (so instrumentations patch their modules before anything loads them):
 *
 *   // apps/<app>/src/telemetry.ts
 *   export const telemetry = startTelemetry({ serviceName: 'scheduler' });
 *   // apps/<app>/src/main.ts
 *   import { telemetry } from './telemetry'; // first import
 *   process.on('SIGTERM', () => void telemetry.shutdown().finally(() => process.exit(0)));
 *
 * Export is configured only by the standard OTEL_* environment variables
 * (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL,
 * OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER, …; the
 * default is OTLP http/protobuf to localhost:4318). OTEL_SDK_DISABLED=true
 * turns the whole thing into a no-op: the SDK is not even loaded, and
 * instrumentations given as a factory are never created. OTEL_SERVICE_NAME,
 * when set, wins over `serviceName` (handy to tell two kubelets apart).
 */
import { type Attributes } from '@opentelemetry/api';
import { getBooleanFromEnv } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import type * as SdkNode from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAMESPACE } from '@opentelemetry/semantic-conventions';
import { randomUUID } from 'node:crypto';
import { w3cPropagator } from './propagator';

/** What NodeSDK accepts as instrumentations (instances, or arrays of them). */
export type Instrumentations = SdkNode.NodeSDKConfiguration['instrumentations'];

export interface StartTelemetryOptions {
  /** service.name, normally the component: apiserver, scheduler, kubelet… */
  serviceName: string;
  /** Extra resource attributes (e.g. k8s.node.name for a kubelet). */
  attributes?: Attributes;
  /**
   * Instrumentations to enable, e.g. gRPC. Prefer a factory: it runs only
   * when the SDK is enabled, so OTEL_SDK_DISABLED=true patches nothing
   * (an instrumentation instance hooks `require` as soon as it is built).
   * Instances passed directly are disabled again when the SDK is off.
   */
  instrumentations?: Instrumentations | (() => Instrumentations);
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
    if (Array.isArray(opts.instrumentations)) for (const i of opts.instrumentations.flat()) i.disable();
    return { enabled: false, shutdown: async () => undefined };
  }
  if (started) throw new Error('startTelemetry: already started in this process');
  started = true;

  // Loaded here, not at import: the SDK (exporters, metrics, logs) is a few
  // hundred modules that a disabled process has no use for.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof SdkNode;
  const envServiceName = process.env['OTEL_SERVICE_NAME']?.trim();
  const instrumentations = typeof opts.instrumentations === 'function' ? opts.instrumentations() : (opts.instrumentations ?? []);
  const sdk = new NodeSDK({
    resource: defaultResource().merge(
      // service.instance.id tells two replicas (or a restarted process) apart.
      resourceFromAttributes({ [ATTR_SERVICE_NAMESPACE]: K8TS_SERVICE_NAMESPACE, 'service.instance.id': randomUUID(), ...opts.attributes }),
    ),
    // service.name from options unless OTEL_SERVICE_NAME is set (then the env detector supplies it).
    ...(envServiceName ? {} : { serviceName: opts.serviceName }),
    textMapPropagator: w3cPropagator(),
    instrumentations,
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
