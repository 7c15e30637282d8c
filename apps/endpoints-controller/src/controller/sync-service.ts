// syncService: one reconcile of one Service key, for both the core/v1
// Endpoints (upstream endpoint controller) and the discovery/v1
// EndpointSlices (upstream EndpointSlice controller). It reads only the
// caches, computes the desired objects, and writes only the differences.
//
// - Service gone: its Endpoints and this controller's slices are deleted.
//   (Upstream leaves the slices to the garbage collector through their
//   owner reference; k8ts has no garbage collector yet.)
// - Service without selector, or ExternalName: left alone.
// - Otherwise both parts run even if the other fails; the errors are thrown
//   together, so the workqueue retries the key.
import { splitKey, type Endpoints, type EndpointSlice, type Pod, type Service } from '@k8ts/api';
import { hasStatusCause, isNotFound, selectorFromSet } from '@k8ts/apimachinery';
import { managesEndpoints, serviceSelector } from '../common/service-helpers';
import { ENDPOINTSLICE_CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../common/well-known';
import { desiredEndpoints } from '../endpoints/desired-endpoints';
import { planEndpointsWrite } from '../endpoints/plan-endpoints-write';
import { reconcileSlices } from '../endpointslices/reconcile-slices';
import type { EndpointSliceLister, EndpointsLister, EndpointsWriters, PodLister, ServiceLister } from './deps';
import type { EndpointSliceTracker } from './endpoint-slice-tracker';
import type { StaleEndpointsTracker } from './stale-endpoints-tracker';

export interface SyncServiceDeps {
  serviceLister: ServiceLister;
  podLister: PodLister;
  endpointsLister: EndpointsLister;
  sliceLister: EndpointSliceLister;
  client: EndpointsWriters;
  /** Most endpoints per EndpointSlice (default 100). */
  maxEndpointsPerSlice?: number;
  /** managed-by label of the slices (default endpointslice-controller.k8s.io). */
  controllerName?: string;
  /** When given, syncs on a slice cache that lags the controller's writes fail with StaleCacheError. */
  sliceTracker?: EndpointSliceTracker;
  /** When given, syncs on an Endpoints cache that lags the controller's writes fail with StaleCacheError. */
  endpointsTracker?: StaleEndpointsTracker;
}

export type EndpointsOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'skipped';

export interface SyncResult {
  /** synced: reconciled; gone: the Service does not exist; unmanaged: no selector or ExternalName. */
  service: 'synced' | 'gone' | 'unmanaged';
  endpoints: EndpointsOutcome;
  slices: { created: number; updated: number; deleted: number };
}

/** The informer cache does not show the controller's own last write yet; retry later. */
export class StaleCacheError extends Error {
  override readonly name = 'StaleCacheError';
}

/** Upstream's NamespaceTerminatingCause: creates in a terminating namespace keep failing. */
const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

function noSlices(): SyncResult['slices'] {
  return { created: 0, updated: 0, deleted: 0 };
}

function sliceSelector(serviceName: string, controllerName: string) {
  return selectorFromSet({ [LABEL_SERVICE_NAME]: serviceName, [LABEL_MANAGED_BY]: controllerName });
}

async function ignoreNotFound(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function throwAll(key: string, errors: unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    const text = errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
    throw new AggregateError(errors, `syncing service ${key}: ${text}`);
  }
}

/** Reconciles the Endpoints and EndpointSlices of the Service `key` ("namespace/name"). */
export async function syncService(key: string, deps: SyncServiceDeps): Promise<SyncResult> {
  const { namespace, name } = splitKey(key);
  const service = deps.serviceLister.get(namespace, name);
  if (!service) return removeForGoneService(key, namespace, name, deps);
  if (!managesEndpoints(service)) return { service: 'unmanaged', endpoints: 'skipped', slices: noSlices() };

  const pods = deps.podLister.list(namespace, serviceSelector(service));
  const errors: unknown[] = [];
  const result: SyncResult = { service: 'synced', endpoints: 'unchanged', slices: noSlices() };
  try {
    result.endpoints = await syncEndpoints(service, pods, deps);
  } catch (err) {
    errors.push(err);
  }
  try {
    await syncSlices(service, pods, deps, result.slices);
  } catch (err) {
    errors.push(err);
  }
  throwAll(key, errors);
  return result;
}

async function removeForGoneService(key: string, namespace: string, name: string, deps: SyncServiceDeps): Promise<SyncResult> {
  const result: SyncResult = { service: 'gone', endpoints: 'unchanged', slices: noSlices() };
  const errors: unknown[] = [];
  // Unconditional, as upstream: the cache may not show Endpoints written just before.
  try {
    if (await ignoreNotFound(deps.client.endpoints.delete(namespace, name))) result.endpoints = 'deleted';
  } catch (err) {
    errors.push(err);
  }
  deps.endpointsTracker?.delete(namespace, name);
  const slices = deps.sliceLister.list(namespace, sliceSelector(name, deps.controllerName ?? ENDPOINTSLICE_CONTROLLER_NAME));
  for (const slice of slices) {
    if (slice.metadata?.deletionTimestamp) continue;
    try {
      if (await ignoreNotFound(deps.client.endpointSlices.delete(namespace, slice.metadata?.name ?? ''))) result.slices.deleted++;
    } catch (err) {
      errors.push(err);
    }
  }
  deps.sliceTracker?.deleteService(namespace, name);
  throwAll(key, errors);
  return result;
}

async function syncEndpoints(service: Service, pods: Pod[], deps: SyncServiceDeps): Promise<EndpointsOutcome> {
  const desired = desiredEndpoints(service, pods) as Endpoints;
  const namespace = service.metadata?.namespace ?? '';
  const current = deps.endpointsLister.get(namespace, service.metadata?.name ?? '');
  if (current && deps.endpointsTracker?.isStale(current)) {
    throw new StaleCacheError(`endpoints ${namespace}/${service.metadata?.name}: cache still shows resourceVersion ${current.metadata?.resourceVersion}, already replaced`);
  }
  const plan = planEndpointsWrite(current, desired);
  if (plan.action === 'none') return 'unchanged';
  if (plan.action === 'create') {
    try {
      await deps.client.endpoints.create(plan.object);
    } catch (err) {
      if (hasStatusCause(err, NAMESPACE_TERMINATING_CAUSE)) return 'skipped';
      throw err;
    }
    return 'created';
  }
  const updated = await deps.client.endpoints.update(plan.object);
  if (current && updated.metadata?.resourceVersion !== current.metadata?.resourceVersion) deps.endpointsTracker?.stale(current);
  return 'updated';
}

async function syncSlices(service: Service, pods: Pod[], deps: SyncServiceDeps, counts: SyncResult['slices']): Promise<void> {
  const namespace = service.metadata?.namespace ?? '';
  const controllerName = deps.controllerName ?? ENDPOINTSLICE_CONTROLLER_NAME;
  const slices = deps.sliceLister
    .list(namespace, sliceSelector(service.metadata?.name ?? '', controllerName))
    .filter((s: EndpointSlice) => !s.metadata?.deletionTimestamp);
  if (deps.sliceTracker?.staleSlices(service, slices)) {
    throw new StaleCacheError(`endpointslices of ${namespace}/${service.metadata?.name}: cache does not show the last writes yet`);
  }
  const changes = reconcileSlices(service, pods, slices, { maxEndpointsPerSlice: deps.maxEndpointsPerSlice, controllerName });

  // No new slices for a Service being deleted: the garbage collector would race them.
  if (!service.metadata?.deletionTimestamp) {
    for (const slice of changes.create) {
      let created: EndpointSlice;
      try {
        created = await deps.client.endpointSlices.create(slice);
      } catch (err) {
        if (hasStatusCause(err, NAMESPACE_TERMINATING_CAUSE)) return;
        throw err;
      }
      deps.sliceTracker?.update(created);
      counts.created++;
    }
  }
  for (const slice of changes.update) {
    // Not `tracker?.update(await ...)`: optional chaining would skip the write.
    const updated = await deps.client.endpointSlices.update(slice);
    deps.sliceTracker?.update(updated);
    counts.updated++;
  }
  for (const slice of changes.delete) {
    await ignoreNotFound(deps.client.endpointSlices.delete(namespace, slice.metadata?.name ?? ''));
    deps.sliceTracker?.expectDeletion(slice);
    counts.deleted++;
  }
}
