// The Namespace registry strategy (cluster-scoped, with status).
//
// spec.finalizers is owned by the system: a create always gets
// "kubernetes", main and status updates keep the stored list, and only a
// finalize write (namespaceFinalizeStrategy) may shrink it. Status is
// Active until the namespace is marked terminating (see deletion.ts).
import type { DeleteOptions, Namespace } from '@k8ts/api';
import { type FieldError, type FieldPath, invalid, nameIsDNSLabel, path, validateFinalizerName } from '@k8ts/apimachinery';
import type { Strategy } from '../generic/strategy';
import { FINALIZER_KUBERNETES, planNamespaceDelete, shouldDeleteNamespaceDuringUpdate } from './deletion';

/** Label every namespace carries with its own name, for namespace selectors. */
export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';

/** Finalizer names without a domain must be standard ones; only "kubernetes" is. */
function validateSpecFinalizer(name: string, p: FieldPath): FieldError[] {
  const errs = validateFinalizerName(name, p);
  if (!name.includes('/') && name !== FINALIZER_KUBERNETES) {
    errs.push(invalid(p, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

function validateSpecFinalizers(ns: Namespace): FieldError[] {
  return (ns.spec?.finalizers ?? []).flatMap((f, i) => validateSpecFinalizer(f, path('spec', 'finalizers').index(i)));
}

/** The phase must say what deletionTimestamp says. */
function validatePhase(ns: Namespace): FieldError[] {
  const phase = ns.status?.phase ?? '';
  // Upstream reports this under "status.Phase"; k8ts uses the JSON name.
  const p = path('status', 'phase');
  if (!ns.metadata?.deletionTimestamp) {
    return phase === 'Active' ? [] : [invalid(p, phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  }
  return phase === 'Terminating' ? [] : [invalid(p, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
}

export function defaultNamespace(ns: Namespace): void {
  if (!ns.status?.phase) ns.status = { ...ns.status, phase: 'Active' };
  // Namespaces created with generateName get the label once named; the
  // store runs defaults before it generates the name (see the report).
  const name = ns.metadata?.name;
  if (name) ns.metadata = { ...ns.metadata, labels: { ...ns.metadata?.labels, [LABEL_METADATA_NAME]: name } };
}

/**
 * Hooks beyond the Strategy interface that the generic store needs to
 * delete namespaces as upstream does; see deletion.ts.
 */
export interface NamespaceStrategyHooks {
  /** Consulted before the store removes a terminating object during an update. */
  shouldDeleteDuringUpdate(ns: Namespace, old: Namespace): boolean;
  /**
   * Consulted by DELETE: an object to write instead of deleting (it may set
   * metadata.deletionTimestamp), or undefined to delete as usual.
   */
  beforeDelete(ns: Namespace, options: DeleteOptions, now: string): Namespace | undefined;
}

export const namespaceStrategy: Strategy<Namespace> & NamespaceStrategyHooks = {
  resource: 'namespaces',
  group: '',
  kind: 'Namespace',
  namespaced: false,
  hasStatus: true,
  validateName: nameIsDNSLabel,

  defaults: defaultNamespace,

  prepareForCreate(ns) {
    ns.status = { phase: 'Active' };
    const finalizers = ns.spec?.finalizers ?? [];
    if (!finalizers.includes(FINALIZER_KUBERNETES)) ns.spec = { ...ns.spec, finalizers: [...finalizers, FINALIZER_KUBERNETES] };
  },

  prepareForUpdate(ns, old, subresource) {
    if (subresource === 'status') {
      ns.spec = structuredClone(old.spec);
      return;
    }
    ns.spec = { ...ns.spec, finalizers: [...(old.spec?.finalizers ?? [])] };
    ns.status = structuredClone(old.status);
  },

  validate: validateSpecFinalizers,

  validateUpdate(ns) {
    return [...validateSpecFinalizers(ns), ...validatePhase(ns)];
  },

  fields(ns) {
    return {
      'status.phase': ns.status?.phase ?? '',
      // Upstream keeps this alias of metadata.name for old clients.
      name: ns.metadata?.name ?? '',
    };
  },

  shouldDeleteDuringUpdate: shouldDeleteNamespaceDuringUpdate,

  beforeDelete(ns, options, now) {
    const step = planNamespaceDelete(ns, options, now);
    return step.action === 'delete' ? undefined : step.object;
  },

  // What the generic store uses: spec.finalizers hold deletion like
  // metadata.finalizers do, and a delete marks the namespace Terminating.
  pendingFinalizers: (ns) => [...(ns.spec?.finalizers ?? [])],
  prepareForTerminating(ns) {
    ns.status = { ...ns.status, phase: 'Terminating' };
  },
};

/**
 * The finalize subresource (PUT /api/v1/namespaces/{name}/finalize): only
 * spec.finalizers changes. Serve it with a Store built on this strategy
 * (same storage); the namespace controller writes finalizeNamespace()
 * through it.
 */
export const namespaceFinalizeStrategy: Strategy<Namespace> & NamespaceStrategyHooks = {
  ...namespaceStrategy,
  prepareForUpdate(ns, old) {
    const finalizers = ns.spec?.finalizers;
    ns.spec = { ...structuredClone(old.spec), finalizers: finalizers ? [...finalizers] : [] };
    ns.status = structuredClone(old.status);
  },
  validateUpdate: validateSpecFinalizers,
};
