// The autoscaling/v1 Scale subresource of ReplicaSets and Deployments:
// a view of spec.replicas / status.replicas plus the selector as a string.
import type { LabelSelector, Scale } from '@k8ts/api';
import {
  type FieldError,
  OPTIMISTIC_LOCK_ERROR_MSG,
  invalid,
  newBadRequest,
  newConflict,
  newInternalError,
  newInvalid,
  path,
  selectorFromLabelSelector,
} from '@k8ts/apimachinery';
import type { Store, WriteContext } from '../generic/store';
import type { KubeObject } from '../generic/strategy';

/** Anything with replicas and a label selector (ReplicaSet, Deployment). */
export interface ScalableObject extends KubeObject {
  spec?: { replicas?: number | undefined; selector?: LabelSelector | undefined } | undefined;
  status?: { replicas?: number | undefined } | undefined;
}

/** The Scale view of `obj`. */
export function scaleFor(obj: ScalableObject): Scale {
  let selector: string;
  try {
    selector = selectorFromLabelSelector(obj.spec?.selector).toString();
  } catch (err) {
    throw newInternalError(err);
  }
  const m = obj.metadata ?? {};
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector },
  };
}

export async function getScale<T extends ScalableObject>(store: Store<T>, namespace: string | undefined, name: string): Promise<Scale> {
  return scaleFor(await store.get(namespace, name));
}

export function validateScale(scale: Scale): FieldError[] {
  const replicas = scale.spec?.replicas ?? 0;
  return replicas < 0 ? [invalid(path('spec', 'replicas'), replicas, 'must be greater than or equal to 0')] : [];
}

/**
 * Sets spec.replicas from `scale`. A resourceVersion or uid in
 * scale.metadata must match the current object (Conflict otherwise).
 */
export async function updateScale<T extends ScalableObject>(
  store: Store<T>,
  namespace: string | undefined,
  name: string,
  scale: Scale,
  ctx: WriteContext = {},
): Promise<Scale> {
  const given = scale.metadata ?? {};
  if (given.name && given.name !== name) throw newBadRequest('the name of the object does not match the name on the URL');
  const errs = validateScale(scale);
  if (errs.length > 0) throw newInvalid({ group: 'autoscaling', kind: 'Scale' }, name, errs);
  const { group, resource } = store.strategy;
  const replicas = scale.spec?.replicas ?? 0;
  const updated = await store.guaranteedUpdate(
    namespace,
    name,
    (current) => {
      const meta = current.metadata ?? {};
      if (given.uid && given.uid !== meta.uid) {
        const msg = `Precondition failed: UID in precondition: ${given.uid}, UID in object meta: ${meta.uid ?? ''}`;
        throw newConflict({ group, resource: `${resource}/scale` }, name, msg);
      }
      if (given.resourceVersion && given.resourceVersion !== meta.resourceVersion) {
        throw newConflict({ group, resource }, name, OPTIMISTIC_LOCK_ERROR_MSG);
      }
      const target: ScalableObject = current;
      target.spec = { ...target.spec, replicas };
      return current;
    },
    ctx,
  );
  return scaleFor(updated);
}
