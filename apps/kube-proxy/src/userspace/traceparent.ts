// Reads W3C trace context headers from the start of an HTTP/1.x request, as
// the proxy sees it in the first chunk of a connection. Anything else (TLS,
// other protocols, a request line split across chunks) yields undefined.
import type { TraceContext } from '@k8ts/client';

const REQUEST_LINE = /^[A-Z]{3,10} \S+ HTTP\/1\.[01]\r\n/;
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

export function httpTraceContext(chunk: Buffer): TraceContext | undefined {
  // Only the head: at most 16 KiB, up to the blank line.
  const head = chunk.subarray(0, 16_384).toString('latin1');
  if (!REQUEST_LINE.test(head)) return undefined;
  const end = head.indexOf('\r\n\r\n');
  const lines = (end >= 0 ? head.slice(0, end) : head).split('\r\n').slice(1);
  let traceparent: string | undefined;
  let tracestate: string | undefined;
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (name === 'traceparent') traceparent = value.toLowerCase();
    else if (name === 'tracestate') tracestate = value;
  }
  if (!traceparent || !TRACEPARENT.test(traceparent)) return undefined;
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
