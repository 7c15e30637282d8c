// The pods/binding subresource: assigns a pending pod to a node (what the
// scheduler does), setting spec.nodeName and the PodScheduled condition.
import type { Binding, Pod } from '@k8ts/api';
import {
  type FieldError,
  StatusError,
  newConflict,
  newInvalid,
  notSupported,
  path,
  required,
} from '@k8ts/apimachinery';
import { type WriteContext, k8sTime } from '../generic/store';
import type { Store } from '../generic/store';
import { runAsBinding } from './binding-context';
import { updatePodCondition } from './status';

export interface BindContext extends WriteContext {
  /** Clock for the condition's lastTransitionTime (default: the wall clock). */
  now?: () => Date;
}

export function validateBinding(binding: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const kind = binding.target?.kind ?? '';
  if (kind !== '' && kind !== 'Node') errs.push(notSupported(path('target', 'kind'), kind, ['Node', '<empty>']));
  if (!binding.target?.name) errs.push(required(path('target', 'name')));
  if (!binding.metadata?.name) errs.push(required(path('metadata', 'name')));
  return errs;
}

/** Why `pod` cannot be bound, or undefined when it can. */
function bindingRefusal(pod: Pod): string | undefined {
  const name = pod.metadata?.name ?? '';
  if (pod.metadata?.deletionTimestamp) return `pod ${name} is being deleted, cannot be assigned to a host`;
  if (pod.spec?.nodeName) return `pod ${name} is already assigned to node ${JSON.stringify(pod.spec.nodeName)}`;
  if (pod.spec?.schedulingGates?.length) return `pod ${name} has non-empty .spec.schedulingGates`;
  return undefined;
}

/**
 * Binds the pod named by binding.metadata.name to binding.target.name.
 * binding.metadata.uid / resourceVersion, when set, are preconditions.
 * Binding annotations are copied onto the pod. Returns the updated pod.
 */
export async function bindPod(store: Store<Pod>, namespace: string, binding: Binding, ctx: BindContext = {}): Promise<Pod> {
  const name = binding.metadata?.name ?? '';
  const errs = validateBinding(binding);
  if (errs.length > 0) throw newInvalid({ group: '', kind: 'Binding' }, name, errs);
  const conflict = (msg: string) => newConflict({ group: '', resource: 'pods/binding' }, name, msg);
  const wantUID = binding.metadata?.uid;
  const wantRV = binding.metadata?.resourceVersion;
  const node = binding.target?.name ?? '';
  const now = ctx.now ?? (() => new Date());
  try {
    return await runAsBinding(() =>
      store.guaranteedUpdate(
        namespace,
        name,
        (pod) => {
          const meta = pod.metadata ?? {};
          if (wantUID && wantUID !== meta.uid) {
            throw conflict(`Precondition failed: UID in precondition: ${wantUID}, UID in object meta: ${meta.uid ?? ''}`);
          }
          if (wantRV && wantRV !== meta.resourceVersion) {
            throw conflict(`Precondition failed: ResourceVersion in precondition: ${wantRV}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`);
          }
          const refusal = bindingRefusal(pod);
          if (refusal) throw conflict(refusal);
          pod.spec = { ...pod.spec, nodeName: node };
          pod.metadata = { ...meta, annotations: { ...meta.annotations, ...binding.metadata?.annotations } };
          updatePodCondition((pod.status ??= {}), { type: 'PodScheduled', status: 'True' }, k8sTime(now()));
          return pod;
        },
        ctx,
      ),
    );
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw conflict(err instanceof Error ? err.message : String(err));
  }
}
