// EndpointSlice mirroring reconciliation (upstream endpointslicemirroring
// reconciler.go, simplified): the slices to create, update and delete so
// that the mirrored slices of a selectorless Service hold exactly its
// Endpoints.
//
//  - Nothing to mirror (no Service, Service with a selector, no Endpoints,
//    skip-mirror): every mirrored slice is deleted.
//  - Otherwise, per (address type, port set) group, the endpoints are cut
//    into slices of maxEndpointsPerSlice. The existing slices of the group
//    (by name) take the chunks in order: equal ones are left alone, others
//    updated; extra existing slices are deleted, extra chunks created.
//  - Slices of groups no longer desired are deleted, except that a create
//    of the same address type reuses one of them as an update (addressType
//    is immutable), which saves a delete + create pair.
//  - A Service whose Endpoints have no addresses keeps no slices (upstream
//    mirrors nothing for an empty Endpoints).
import { deepCopy, type Endpoint, type EndpointSlice, type Endpoints, type Service } from '@k8ts/api';
import { labelsEqual } from '@k8ts/apimachinery';
import { IGNORE_RESOURCE_VERSION, semanticallyEqual } from '../common/semantic-equal';
import { ownedBy, serviceOwnerReference } from '../endpointslices/desired-slices';
import {
  DEFAULT_MAX_ENDPOINTS_PER_SUBSET,
  desiredMirroredGroups,
  groupKey,
  mirroredSliceAnnotations,
  mirroredSliceLabels,
  newMirroredSlice,
  serviceIsMirrored,
  shouldMirror,
  type MirroredGroup,
} from './desired-mirrored-slices';

export interface MirroredSliceChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Addresses left out (not an IP, or over the per-subset limit). */
  skipped: number;
}

export interface ReconcileMirroringOptions {
  /** Most endpoints per subset and per slice (upstream --mirroring-max-endpoints-per-subset, default 1000). */
  maxEndpointsPerSubset?: number;
}

function byName(a: EndpointSlice, b: EndpointSlice): number {
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function endpointsEqual(a: Endpoint[] | undefined, b: Endpoint[] | undefined): boolean {
  return semanticallyEqual(a ?? [], b ?? [], IGNORE_RESOURCE_VERSION);
}

/** The existing slice updated to hold `members` of the group; undefined when it already does. */
function updatedSlice(existing: EndpointSlice, service: Service, endpoints: Endpoints, group: MirroredGroup, members: Endpoint[]): EndpointSlice | undefined {
  const labels = mirroredSliceLabels(endpoints);
  const annotations = mirroredSliceAnnotations(endpoints);
  const same =
    endpointsEqual(existing.endpoints, members) &&
    groupKey(existing.addressType, existing.ports) === groupKey(group.addressType, group.ports) &&
    labelsEqual(existing.metadata?.labels ?? {}, labels) &&
    labelsEqual(existing.metadata?.annotations ?? {}, annotations) &&
    ownedBy(existing, service);
  if (same) return undefined;
  const next = deepCopy(existing);
  next.metadata = { ...next.metadata, labels, annotations, ownerReferences: [serviceOwnerReference(service)] };
  next.endpoints = deepCopy(members);
  next.ports = group.ports.map((p) => ({ ...p }));
  return next;
}

export function reconcileMirroredSlices(
  service: Service | undefined,
  endpoints: Endpoints | undefined,
  existing: readonly EndpointSlice[],
  opts: ReconcileMirroringOptions = {},
): MirroredSliceChanges {
  const changes: MirroredSliceChanges = { create: [], update: [], delete: [], skipped: 0 };
  const current = [...existing].filter((s) => !s.metadata?.deletionTimestamp).sort(byName);
  if (!serviceIsMirrored(service) || !shouldMirror(endpoints)) {
    changes.delete = current;
    return changes;
  }
  const max = Math.max(1, opts.maxEndpointsPerSubset ?? DEFAULT_MAX_ENDPOINTS_PER_SUBSET);
  const { groups, skipped } = desiredMirroredGroups(endpoints, max);
  changes.skipped = skipped;

  const byGroup = new Map<string, EndpointSlice[]>();
  for (const slice of current) {
    const key = groupKey(slice.addressType, slice.ports);
    byGroup.set(key, [...(byGroup.get(key) ?? []), slice]);
  }
  const creates: { group: MirroredGroup; members: Endpoint[] }[] = [];
  for (const [key, group] of groups) {
    const slices = byGroup.get(key) ?? [];
    byGroup.delete(key);
    const parts = chunks(group.endpoints, max);
    parts.forEach((members, i) => {
      const slice = slices[i];
      if (!slice) {
        creates.push({ group, members });
        return;
      }
      const next = updatedSlice(slice, service, endpoints, group, members);
      if (next) changes.update.push(next);
    });
    changes.delete.push(...slices.slice(parts.length));
  }
  for (const leftover of byGroup.values()) changes.delete.push(...leftover);

  // Reuse slices being deleted for creates of the same address type.
  for (const { group, members } of creates) {
    const i = changes.delete.findIndex((s) => s.addressType === group.addressType);
    if (i >= 0) {
      const [reused] = changes.delete.splice(i, 1);
      changes.update.push(updatedSlice(reused, service, endpoints, group, members) ?? reused);
    } else {
      changes.create.push(newMirroredSlice(service, endpoints, group, members));
    }
  }
  return changes;
}
