// OTLP/HTTP JSON (ExportTraceServiceRequest, as the OpenTelemetry exporters
// send it with OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json) flattened into
// one SpanRecord per span: what the trace CLI stores and renders.
//
// In the JSON encoding traceId/spanId are lowercase hex, times are
// nanoseconds since the epoch as decimal strings (or numbers), and attribute
// values are AnyValue objects ({stringValue}, {intValue}, …).

export type AttrValue = string | number | boolean | AttrValue[];

export interface SpanLink {
  traceId: string;
  spanId: string;
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** service.name of the resource that produced the span. */
  service: string;
  /** Milliseconds since the epoch (fractional). */
  startMs: number;
  endMs: number;
  kind?: number;
  /** 0 unset, 1 ok, 2 error. */
  statusCode?: number;
  statusMessage?: string;
  attributes: Record<string, AttrValue>;
  links?: SpanLink[];
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValue[];
  links?: { traceId?: string; spanId?: string }[];
  status?: { code?: number; message?: string };
}
interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

/** The payload is not an OTLP JSON trace export. */
export class InvalidOtlpPayloadError extends Error {
  override readonly name = 'InvalidOtlpPayloadError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function attrValue(v: AnyValue | undefined): AttrValue {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(attrValue);
  if (v.kvlistValue) return JSON.stringify(attributesOf(v.kvlistValue.values));
  if (v.bytesValue !== undefined) return v.bytesValue;
  return '';
}

function attributesOf(kvs: KeyValue[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of kvs ?? []) if (kv.key) out[kv.key] = attrValue(kv.value);
  return out;
}

/** ns since epoch (string or number) → ms since epoch, keeping sub-ms precision. */
export function nanosToMs(v: string | number | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v / 1e6;
  if (!/^\d+$/.test(v)) throw new InvalidOtlpPayloadError(`bad time "${v}"`);
  return Number(BigInt(v) / 1000n) / 1000;
}

const EMPTY_ID = /^0*$/;

/** Flattens an ExportTraceServiceRequest (parsed JSON) into span records. */
export function spansFromOtlpJson(body: unknown): SpanRecord[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidOtlpPayloadError('expected an ExportTraceServiceRequest object');
  const req = body as ExportTraceServiceRequest;
  const out: SpanRecord[] = [];
  for (const rs of req.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    const service = String(resource['service.name'] ?? 'unknown');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        if (!s.traceId || !s.spanId) throw new InvalidOtlpPayloadError('span without traceId/spanId');
        const attributes = attributesOf(s.attributes);
        if (resource['k8s.node.name'] !== undefined && attributes['k8s.node.name'] === undefined) attributes['k8s.node.name'] = resource['k8s.node.name'];
        const links = (s.links ?? []).filter((l) => l.traceId && l.spanId).map((l) => ({ traceId: l.traceId as string, spanId: l.spanId as string }));
        out.push({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(s.parentSpanId && !EMPTY_ID.test(s.parentSpanId) ? { parentSpanId: s.parentSpanId } : {}),
          name: s.name ?? '',
          service,
          startMs: nanosToMs(s.startTimeUnixNano),
          endMs: nanosToMs(s.endTimeUnixNano),
          ...(s.kind !== undefined ? { kind: s.kind } : {}),
          ...(s.status?.code ? { statusCode: s.status.code } : {}),
          ...(s.status?.message ? { statusMessage: s.status.message } : {}),
          attributes,
          ...(links.length ? { links } : {}),
        });
      }
    }
  }
  return out;
}
