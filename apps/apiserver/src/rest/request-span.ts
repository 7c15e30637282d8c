// The span of one REST request: `apiserver <verb>` (SERVER), parented by the
// caller's W3C traceparent header. Store writes made while handling it are
// its children, so whoever reacts to the change continues the trace.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Attributes, context, propagation, SpanKind, SpanStatusCode, type TextMapGetter } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_K8TS_SUBRESOURCE, objectAttributes } from '../tracing/attributes';
import { tracer } from '../tracing/context';
import type { ResourceRequestInfo } from './request-info';

const headerGetter: TextMapGetter<IncomingMessage['headers']> = {
  keys: (h) => Object.keys(h),
  get: (h, key) => h[key.toLowerCase()],
};

export async function inRestSpan(req: IncomingMessage, res: ServerResponse, info: ResourceRequestInfo, fn: () => Promise<void>): Promise<void> {
  const parent = propagation.extract(context.active(), req.headers, headerGetter);
  const attributes: Attributes = {
    'http.request.method': req.method ?? 'GET',
    'url.path': (req.url ?? '/').split('?')[0],
    ...objectAttributes({ group: info.group, resource: info.resource, namespace: info.namespace, name: info.name }),
    ...(info.subresource ? { [ATTR_K8TS_SUBRESOURCE]: info.subresource } : {}),
  };
  await tracer().startActiveSpan(`apiserver ${info.verb}`, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
    try {
      await fn();
    } catch (err) {
      const status = (err as { status?: { reason?: string; code?: number } }).status;
      span.setAttribute(ATTR_ERROR_TYPE, status?.reason || (err instanceof Error ? err.name : 'Error'));
      if (!status?.code || status.code >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      if (res.headersSent) span.setAttribute('http.response.status_code', res.statusCode);
      span.end();
    }
  });
}
