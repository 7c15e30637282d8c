// syncMirroring: one reconcile of one Service key for the EndpointSlice
// mirroring controller. Reads the caches (Service, Endpoints, this
// controller's slices), computes the changes with reconcileMirroredSlices,
// and writes only those. A slice cache that does not show the controller's
// own last writes yet fails the sync with StaleCacheError (retried), so a
// quick second sync never creates duplicate slices.
import { splitKey, type EndpointSlice } from '@k8ts/api';
import { hasStatusCause, isNotFound, selectorFromSet } from '@k8ts/apimachinery';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../common/well-known';
import type { EndpointSliceLister, EndpointsLister, ResourceWriter, ServiceLister } from '../controller/deps';
import type { EndpointSliceTracker } from '../controller/endpoint-slice-tracker';
import { StaleCacheError } from '../controller/sync-service';
import { MIRRORING_CONTROLLER_NAME, serviceIsMirrored, shouldMirror } from './desired-mirrored-slices';
import { reconcileMirroredSlices } from './reconcile-mirrored-slices';

export interface MirroringDeps {
  serviceLister: ServiceLister;
  endpointsLister: EndpointsLister;
  sliceLister: EndpointSliceLister;
  client: { endpointSlices: ResourceWriter<EndpointSlice> };
  maxEndpointsPerSubset?: number;
  sliceTracker?: EndpointSliceTracker;
}

export interface MirroringResult {
  /** mirrored: slices reconciled to the Endpoints; removed: nothing to mirror (slices, if any, deleted). */
  outcome: 'mirrored' | 'removed';
  created: number;
  updated: number;
  deleted: number;
  skipped: number;
}

const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

export function mirroredSliceSelector(serviceName: string) {
  return selectorFromSet({ [LABEL_SERVICE_NAME]: serviceName, [LABEL_MANAGED_BY]: MIRRORING_CONTROLLER_NAME });
}

export async function syncMirroring(key: string, deps: MirroringDeps): Promise<MirroringResult> {
  const { namespace, name } = splitKey(key);
  const service = deps.serviceLister.get(namespace, name);
  const endpoints = deps.endpointsLister.get(namespace, name);
  const slices = deps.sliceLister.list(namespace, mirroredSliceSelector(name));
  if (service && deps.sliceTracker?.staleSlices(service, slices)) {
    throw new StaleCacheError(`mirrored endpointslices of ${key}: cache does not show the last writes yet`);
  }
  const changes = reconcileMirroredSlices(service, endpoints, slices, { maxEndpointsPerSubset: deps.maxEndpointsPerSubset });
  const result: MirroringResult = {
    outcome: serviceIsMirrored(service) && shouldMirror(endpoints) ? 'mirrored' : 'removed',
    created: 0,
    updated: 0,
    deleted: 0,
    skipped: changes.skipped,
  };
  const errors: unknown[] = [];
  // No new slices for a Service being deleted: the garbage collector would race them.
  if (!service?.metadata?.deletionTimestamp) {
    for (const slice of changes.create) {
      try {
        const created = await deps.client.endpointSlices.create(slice);
        deps.sliceTracker?.update(created);
        result.created++;
      } catch (err) {
        if (hasStatusCause(err, NAMESPACE_TERMINATING_CAUSE)) break;
        errors.push(err);
      }
    }
  }
  for (const slice of changes.update) {
    try {
      const updated = await deps.client.endpointSlices.update(slice);
      deps.sliceTracker?.update(updated);
      result.updated++;
    } catch (err) {
      errors.push(err);
    }
  }
  for (const slice of changes.delete) {
    try {
      await deps.client.endpointSlices.delete(namespace, slice.metadata?.name ?? '');
      result.deleted++;
    } catch (err) {
      if (!isNotFound(err)) errors.push(err);
    }
    deps.sliceTracker?.expectDeletion(slice);
  }
  if (!service) deps.sliceTracker?.deleteService(namespace, name);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `mirroring ${key}: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
  return result;
}
