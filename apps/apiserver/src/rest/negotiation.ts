// Content negotiation. Responses are JSON whatever the client prefers
// (kubectl lists protobuf first and falls back to JSON without complaint);
// the only alternatives chosen here are the Table and aggregated-discovery
// forms, which a client asks for through Accept parameters.

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export const AGGREGATED_DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const JSON_CONTENT_TYPE = 'application/json';
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** Parses an Accept header into its media ranges, in order. */
export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept
    .split(',')
    .map((part) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      }
      return { type: type.toLowerCase(), params };
    })
    .filter((m) => m.type !== '');
}

function accepts(m: MediaRange, type: string): boolean {
  return m.type === type || m.type === '*/*' || m.type === `${type.split('/')[0]}/*`;
}

/** True when the first JSON-capable range asks for a meta.k8s.io Table (v1 or v1beta1). */
export function wantsTable(accept: string | undefined): boolean {
  for (const m of parseAccept(accept)) {
    if (m.params.as === 'Table' && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1')) return accepts(m, 'application/json') || m.type === PROTOBUF_CONTENT_TYPE;
    if (!m.params.as && accepts(m, 'application/json')) return false;
  }
  return false;
}

/** True when the client asks for apidiscovery.k8s.io/v2 APIGroupDiscoveryList before anything else it takes. */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  for (const m of parseAccept(accept)) {
    if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io' && m.params.v === 'v2') return true;
    if (!m.params.as && (accepts(m, 'application/json') || m.type === PROTOBUF_CONTENT_TYPE)) return false;
  }
  return false;
}

/** The media type of a Content-Type header, lower-case, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
