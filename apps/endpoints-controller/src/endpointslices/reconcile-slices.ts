// EndpointSlice reconciliation: which slices to create, update and delete so
// that the Service's slices hold exactly its desired endpoints (upstream
// k8s.io/endpointslice reconciler.go, without topology hints, metrics and
// the node lookup).
//
// Per address type, and within it per set of ports:
//  1. Walk the existing slices (by name). Keep the endpoints still desired,
//     in place, taking their desired version; drop the others. A slice that
//     lost or changed endpoints is updated, or deleted when nothing is left;
//     a slice whose labels drifted is updated; any other is unchanged.
//  2. Fill slices already being updated with the remaining desired
//     endpoints, fullest first, up to maxEndpointsPerSlice.
//  3. Put what is left into one unchanged slice if it all fits there (the
//     closest fit), otherwise into new slices.
// Then: slices of port sets or address types no longer desired are deleted;
// a Service without endpoints keeps exactly one empty "placeholder" slice;
// and creates are turned into updates of slices that would be deleted, which
// saves a delete + create pair.
//
// Simplified from upstream:
//  - no topology: no zone on endpoints, no hints, no Node lookup (upstream
//    skips pods whose Node is missing; here every pod with an IP counts);
//  - deterministic instead of random: existing slices are walked by name,
//    desired endpoints are placed in pod-name order (upstream pops from a map);
//  - a headless Service without ipFamilies gets IPv4 slices only (upstream
//    assumes both families there);
//  - no trigger-time annotation, no metrics; the writes and the stale-cache
//    check are the caller's (controller/sync-service.ts);
//  - a last filter drops updates that would not change the stored slice.
// Like upstream, a partially-full slice that is not otherwise touched only
// takes new endpoints when all of them fit in it (one write); otherwise a
// new slice is created, leaving the full ones alone.
import { deepCopy, type Endpoint, type EndpointSlice, type Pod, type Service } from '@k8ts/api';
import { labelsEqual } from '@k8ts/apimachinery';
import { semanticallyEqual } from '../common/semantic-equal';
import { managesEndpoints, serviceAddressTypes } from '../common/service-helpers';
import {
  type AddressType,
  DEFAULT_MAX_ENDPOINTS_PER_SLICE,
  ENDPOINTSLICE_CONTROLLER_NAME,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
} from '../common/well-known';
import {
  desiredPortGroups,
  endpointKey,
  endpointSliceLabels,
  endpointsEqualBeyondKey,
  newEndpointSlice,
  ownedBy,
  type PortGroup,
  portMapKey,
} from './desired-slices';

export interface ReconcileSlicesOptions {
  /** Most endpoints in one slice (default 100). */
  maxEndpointsPerSlice?: number;
  /** The managed-by label value (default endpointslice-controller.k8s.io). */
  controllerName?: string;
}

/** Writes that bring the Service's slices to the desired state. Created slices have generateName and no name. */
export interface SliceChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

interface Settings {
  max: number;
  controllerName: string;
}

function sliceName(s: EndpointSlice): string {
  return s.metadata?.name ?? '';
}

function byName(a: EndpointSlice, b: EndpointSlice): number {
  const na = sliceName(a);
  const nb = sliceName(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Whether the slice is one of this controller's slices of this Service. */
function isServiceSlice(slice: EndpointSlice, service: Service, controllerName: string): boolean {
  const labels = slice.metadata?.labels ?? {};
  return (
    (slice.metadata?.namespace ?? '') === (service.metadata?.namespace ?? '') &&
    labels[LABEL_SERVICE_NAME] === service.metadata?.name &&
    labels[LABEL_MANAGED_BY] === controllerName
  );
}

/**
 * The creates, updates and deletes that make the Service's EndpointSlices
 * match its pods. `existingSlices` are the slices as cached (slices of other
 * Services or controllers, and slices being deleted, are ignored); they are
 * never modified: updates are copies. An unchanged slice appears nowhere.
 * A Service this controller does not manage (no selector, ExternalName)
 * yields no changes.
 */
export function reconcileSlices(
  service: Service,
  pods: readonly Pod[],
  existingSlices: readonly EndpointSlice[],
  opts: ReconcileSlicesOptions = {},
): SliceChanges {
  const settings: Settings = {
    max: opts.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    controllerName: opts.controllerName ?? ENDPOINTSLICE_CONTROLLER_NAME,
  };
  if (!Number.isInteger(settings.max) || settings.max < 1) throw new RangeError(`maxEndpointsPerSlice must be a positive integer, got ${settings.max}`);
  const changes: SliceChanges = { create: [], update: [], delete: [] };
  if (!managesEndpoints(service)) return changes;

  const addressTypes = serviceAddressTypes(service);
  const slicesByType = new Map<string, EndpointSlice[]>();
  const mine = existingSlices.filter((s) => isServiceSlice(s, service, settings.controllerName) && !s.metadata?.deletionTimestamp).sort(byName);
  for (const slice of mine) {
    const type = slice.addressType ?? '';
    if (!(addressTypes as string[]).includes(type)) {
      changes.delete.push(slice);
      continue;
    }
    const list = slicesByType.get(type) ?? [];
    list.push(slice);
    slicesByType.set(type, list);
  }
  const before = new Map(mine.map((s) => [sliceName(s), s]));
  for (const type of addressTypes) {
    const c = reconcileAddressType(service, pods, slicesByType.get(type) ?? [], type, settings);
    changes.create.push(...c.create);
    // Belt and braces: an update that changes nothing is not a write.
    changes.update.push(...c.update.filter((u) => !sameSliceContent(before.get(sliceName(u)), u)));
    changes.delete.push(...c.delete);
  }
  return changes;
}

/** The slices have the same labels, owners, address type, ports and endpoints. */
function sameSliceContent(a: EndpointSlice | undefined, b: EndpointSlice): boolean {
  return (
    a !== undefined &&
    a.addressType === b.addressType &&
    labelsEqual(a.metadata?.labels, b.metadata?.labels) &&
    semanticallyEqual(a.metadata?.ownerReferences, b.metadata?.ownerReferences) &&
    semanticallyEqual(a.ports, b.ports) &&
    semanticallyEqual(a.endpoints, b.endpoints)
  );
}

function reconcileAddressType(
  service: Service,
  pods: readonly Pod[],
  existing: readonly EndpointSlice[],
  addressType: AddressType,
  settings: Settings,
): SliceChanges {
  let create: EndpointSlice[] = [];
  const update: EndpointSlice[] = [];
  let remove: EndpointSlice[] = [];

  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, service)) {
      // Left over from an earlier Service of the same name.
      remove.push(slice);
      continue;
    }
    const key = portMapKey(slice.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), slice]);
  }

  const desired = desiredPortGroups(service, pods, addressType);
  for (const [key, group] of desired) {
    const c = reconcilePortGroup(service, existingByPorts.get(key) ?? [], group, addressType, settings);
    create.push(...c.create);
    update.push(...c.update);
    remove.push(...c.delete);
  }
  for (const [key, slices] of existingByPorts) {
    if (!desired.has(key)) remove.push(...slices);
  }

  // A Service without endpoints still gets one empty slice, so consumers can
  // tell "no endpoints" from "not reconciled yet".
  if (existing.length === remove.length && create.length === 0) {
    const placeholder = newEndpointSlice(service, [], addressType, settings.controllerName);
    if (remove.length === 1 && isEquivalentPlaceholder(remove[0], placeholder)) remove = [];
    else create.push(placeholder);
  }

  // Reuse slices about to be deleted for slices about to be created.
  const stillRemove: EndpointSlice[] = [];
  for (const old of remove) {
    const fresh = create[create.length - 1];
    if (fresh && old.addressType === fresh.addressType && ownedBy(old, service)) {
      create = create.slice(0, -1);
      update.push(reuseSlice(old, fresh));
    } else {
      stillRemove.push(old);
    }
  }
  return { create, update, delete: stillRemove };
}

/** `fresh` written over the stored `old` slice: old's identity (name, uid, resourceVersion), fresh's content. */
function reuseSlice(old: EndpointSlice, fresh: EndpointSlice): EndpointSlice {
  const metadata = deepCopy(old.metadata ?? {});
  metadata.labels = { ...fresh.metadata?.labels };
  metadata.ownerReferences = deepCopy(fresh.metadata?.ownerReferences);
  return { ...deepCopy(fresh), metadata };
}

function isEquivalentPlaceholder(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    (slice.metadata?.namespace ?? '') === (placeholder.metadata?.namespace ?? '') &&
    labelsEqual(slice.metadata?.labels, placeholder.metadata?.labels) &&
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0
  );
}

/** Steps 1-3 of the file comment for the slices of one port set. */
function reconcilePortGroup(
  service: Service,
  existing: readonly EndpointSlice[],
  group: PortGroup,
  addressType: AddressType,
  settings: Settings,
): SliceChanges {
  const pending = new Map(group.endpoints);
  const current = new Map<string, EndpointSlice>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();
  const labels = endpointSliceLabels(service, settings.controllerName);

  // 1. Keep desired endpoints where they are; drop the rest.
  for (const slice of existing) {
    const name = sliceName(slice);
    current.set(name, slice);
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of slice.endpoints ?? []) {
      const key = endpointKey(ep);
      const want = pending.get(key);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondKey(want, ep)) changed = true;
      pending.delete(key);
    }
    const labelsChanged = !labelsEqual(slice.metadata?.labels, labels);
    if (changed || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) {
        toDelete.add(name);
        continue;
      }
      const copy = deepCopy(slice);
      copy.endpoints = kept;
      copy.metadata = { ...copy.metadata, labels: { ...labels } };
      current.set(name, copy);
      toUpdate.add(name);
    } else if (labelsChanged) {
      const copy = deepCopy(slice);
      copy.metadata = { ...copy.metadata, labels: { ...labels } };
      current.set(name, copy);
      toUpdate.add(name);
    } else {
      unchanged.add(name);
    }
  }

  const takeOne = (slice: EndpointSlice): void => {
    const [key, ep] = pending.entries().next().value as [string, Endpoint];
    pending.delete(key);
    (slice.endpoints ??= []).push(ep);
  };

  // 2. Fill the slices that are written anyway, fullest first.
  if (pending.size > 0 && toUpdate.size > 0) {
    const slices = [...toUpdate].map((n) => current.get(n) as EndpointSlice);
    slices.sort((a, b) => (b.endpoints ?? []).length - (a.endpoints ?? []).length || byName(a, b));
    for (const slice of slices) {
      while (pending.size > 0 && (slice.endpoints ?? []).length < settings.max) takeOne(slice);
    }
  }

  // 3. The rest goes into the unchanged slice it fits best, or new slices.
  const create: EndpointSlice[] = [];
  while (pending.size > 0) {
    let target: EndpointSlice | undefined;
    if (pending.size < settings.max && unchanged.size > 0) {
      const candidate = closestFit([...unchanged].map((n) => current.get(n) as EndpointSlice), pending.size, settings.max);
      if (candidate) {
        target = deepCopy(candidate);
        current.set(sliceName(target), target);
      }
    }
    target ??= newEndpointSlice(service, group.ports, addressType, settings.controllerName);
    while (pending.size > 0 && (target.endpoints ?? []).length < settings.max) takeOne(target);
    const name = sliceName(target);
    if (name) {
      toUpdate.add(name);
      unchanged.delete(name);
    } else {
      create.push(target);
    }
  }

  return {
    create,
    update: [...toUpdate].map((n) => current.get(n) as EndpointSlice),
    delete: [...toDelete].map((n) => current.get(n) as EndpointSlice),
  };
}

/**
 * The slice that would be closest to full after adding n endpoints without
 * going over max (upstream getSliceToFill), if any.
 */
function closestFit(slices: readonly EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  let bestRoom = max;
  for (const slice of slices) {
    const room = max - (n + (slice.endpoints ?? []).length);
    if (room >= 0 && room < bestRoom) {
      bestRoom = room;
      best = slice;
      if (room === 0) break;
    }
  }
  return best;
}
