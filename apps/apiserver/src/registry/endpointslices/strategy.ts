// The EndpointSlice (discovery.k8s.io/v1) registry strategy.
//
// EndpointSlices have no spec, so the generic store's "spec changed" rule
// never bumps their generation; as upstream, prepareForUpdate bumps it
// whenever anything but metadata (or the labels) changed. The
// EndpointSlice controller relies on that to tell its own writes apart.
import type { Endpoint, EndpointSlice } from '@k8ts/api';
import { isDNS1123Subdomain, path, semanticEqual, validateImmutableField } from '@k8ts/apimachinery';
import type { Strategy } from '../generic/strategy';
import { validateEndpointSlice } from './validation';

/** Label the v1beta1 API used to record an endpoint's node. */
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const port of slice.ports ?? []) {
    port.name ??= '';
    port.protocol ??= 'TCP';
  }
}

function content(slice: EndpointSlice): unknown {
  return { addressType: slice.addressType, endpoints: slice.endpoints, ports: slice.ports };
}

/**
 * deprecatedTopology cannot be written through v1 (the only version k8ts
 * serves). When a write changes the endpoints, the field is dropped; a node
 * name it carried moves to nodeName if the stored slice already named it.
 */
function dropDeprecatedTopology(slice: EndpointSlice, old: EndpointSlice | undefined): void {
  if (old && semanticEqual(old.endpoints, slice.endpoints)) return;
  const known = new Set<string>();
  for (const ep of old?.endpoints ?? []) {
    const node = ep.deprecatedTopology?.[HOSTNAME_LABEL];
    if (node) known.add(node);
  }
  for (const ep of slice.endpoints ?? []) {
    const node = ep.deprecatedTopology?.[HOSTNAME_LABEL];
    if (ep.nodeName === undefined && node && known.has(node) && isDNS1123Subdomain(node).length === 0) ep.nodeName = node;
    (ep as Endpoint).deprecatedTopology = undefined;
  }
}

export const endpointSliceStrategy: Strategy<EndpointSlice> = {
  resource: 'endpointslices',
  group: 'discovery.k8s.io',
  kind: 'EndpointSlice',
  namespaced: true,
  hasGeneration: true,

  defaults: defaultEndpointSlice,

  prepareForCreate(slice) {
    dropDeprecatedTopology(slice, undefined);
  },

  prepareForUpdate(slice, old) {
    dropDeprecatedTopology(slice, old);
    // Default first, so an omitted default does not count as a change.
    defaultEndpointSlice(slice);
    const changed = !semanticEqual(content(slice), content(old)) || !semanticEqual(slice.metadata?.labels, old.metadata?.labels);
    if (changed) slice.metadata = { ...slice.metadata, generation: (old.metadata?.generation ?? 0) + 1 };
  },

  validate: (slice) => validateEndpointSlice(slice),

  validateUpdate(slice, old) {
    return [
      ...validateEndpointSlice(slice, true),
      ...validateImmutableField(slice.addressType ?? '', old.addressType ?? '', path('addressType')),
    ];
  },
};
