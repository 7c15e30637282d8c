// Decides the one write (if any) that turns the stored Endpoints into the
// desired one (upstream syncService's "see if there's actually an update").
import { deepCopy, type Endpoints } from '@k8ts/api';
import { labelsEqual } from '@k8ts/apimachinery';
import { IGNORE_RESOURCE_VERSION, semanticallyEqual } from '../common/semantic-equal';
import { ANNOTATION_LAST_CHANGE_TRIGGER_TIME, ANNOTATION_OVER_CAPACITY } from '../common/well-known';

export type EndpointsWrite = { action: 'none' } | { action: 'create'; object: Endpoints } | { action: 'update'; object: Endpoints };

/**
 * Compares the stored Endpoints (undefined: none yet) with the desired one
 * from desiredEndpoints().
 *
 * Equal means: same subsets (ignoring the pods' resourceVersion in
 * targetRefs), same labels and the same over-capacity annotation. Then
 * nothing is written. Otherwise the result is a create of the desired
 * object, or an update of a copy of the stored one (keeping its
 * resourceVersion, uid and unrelated annotations) with the desired subsets,
 * labels and over-capacity annotation. Inputs are never modified.
 */
export function planEndpointsWrite(current: Endpoints | undefined, desired: Endpoints): EndpointsWrite {
  if (!current) return { action: 'create', object: deepCopy(desired) };
  const wantOverCapacity = desired.metadata?.annotations?.[ANNOTATION_OVER_CAPACITY];
  const haveOverCapacity = current.metadata?.annotations?.[ANNOTATION_OVER_CAPACITY];
  if (
    semanticallyEqual(current.subsets, desired.subsets, IGNORE_RESOURCE_VERSION) &&
    labelsEqual(current.metadata?.labels, desired.metadata?.labels) &&
    wantOverCapacity === haveOverCapacity
  ) {
    return { action: 'none' };
  }
  const object = deepCopy(current);
  const annotations: Record<string, string> = { ...object.metadata?.annotations };
  // k8ts does not track trigger times yet; a stale one would mislead latency tooling.
  delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
  if (wantOverCapacity !== undefined) annotations[ANNOTATION_OVER_CAPACITY] = wantOverCapacity;
  else delete annotations[ANNOTATION_OVER_CAPACITY];
  object.metadata = { ...object.metadata, labels: { ...desired.metadata?.labels }, annotations };
  object.subsets = deepCopy(desired.subsets);
  return { action: 'update', object };
}
