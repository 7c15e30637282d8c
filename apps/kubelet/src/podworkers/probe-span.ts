// A probe result change is an asynchronous step of the pod's life (the
// readiness probe that passes seconds after the container started): it is
// recorded as a span in the pod's trace, so the trace shows when the pod
// became ready and why its status changed.
import type { Pod } from '@k8ts/api';
import { type Context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ProbeKind, ProbeResult } from '../prober/prober';

const tracer = trace.getTracer('@k8ts/kubelet');

/** `kubelet readiness probe succeeded`, `kubelet liveness probe failed`, … */
export function probeSpanName(kind: ProbeKind, result: ProbeResult): string {
  const outcome = result === 'success' ? 'succeeded' : result === 'failure' ? 'failed' : 'unknown';
  return `kubelet ${kind} probe ${outcome}`;
}

export function recordProbeResult(pod: Pod, ctx: Context, nodeName: string, container: string, kind: ProbeKind, result: ProbeResult, output: string): void {
  const span = tracer.startSpan(
    probeSpanName(kind, result),
    {
      attributes: {
        'k8s.pod.name': pod.metadata?.name ?? '',
        'k8s.namespace.name': pod.metadata?.namespace ?? '',
        'k8s.pod.uid': pod.metadata?.uid ?? '',
        'k8s.node.name': nodeName,
        'k8s.container.name': container,
        'k8ts.probe.kind': kind,
        'k8ts.probe.result': result,
      },
    },
    ctx,
  );
  if (result === 'failure') span.setStatus({ code: SpanStatusCode.ERROR, message: output.slice(0, 200) });
  span.end();
}
