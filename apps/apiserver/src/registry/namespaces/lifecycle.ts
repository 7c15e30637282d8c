// The NamespaceLifecycle admission plugin (upstream
// plugin/pkg/admission/namespace/lifecycle):
// - nothing may be written into a namespace that does not exist (NotFound);
// - nothing new may be created in a namespace that is being terminated
//   (Forbidden, with a NamespaceTerminating cause);
// - the system namespaces default, kube-system and kube-public may not be
//   deleted (Forbidden).
// Deletes of namespaced objects always pass, so a terminating namespace
// can be emptied.
import type { Namespace } from '@k8ts/api';
import { StatusError, newForbidden, newNotFound } from '@k8ts/apimachinery';
import type { AdmissionContext, AdmissionPlugin, KubeObject } from '../generic/strategy';
import { isTerminating } from './deletion';

export const IMMORTAL_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public'];

/** Cause type clients (kubectl, controllers) look for to recognise the refusal. */
export const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

/** Resources that are checks, not content, and so pass even in a missing namespace. */
const ACCESS_REVIEW_RESOURCES = new Set(['localsubjectaccessreviews']);

export type NamespaceGetter = (name: string) => Promise<Namespace | undefined>;

export class NamespaceLifecycle implements AdmissionPlugin {
  readonly name = 'NamespaceLifecycle';
  private readonly immortal: ReadonlySet<string>;

  constructor(
    private readonly getNamespace: NamespaceGetter,
    immortal: readonly string[] = IMMORTAL_NAMESPACES,
  ) {
    this.immortal = new Set(immortal);
  }

  async admit(ctx: AdmissionContext, obj: KubeObject): Promise<void> {
    if (ctx.resource === 'namespaces') {
      if (ctx.operation === 'DELETE' && ctx.name && this.immortal.has(ctx.name)) {
        throw newForbidden({ group: '', resource: 'namespaces' }, ctx.name, new Error('this namespace may not be deleted'));
      }
      return;
    }
    const namespace = ctx.namespace ?? '';
    if (!namespace || ctx.operation === 'DELETE' || ACCESS_REVIEW_RESOURCES.has(ctx.resource)) return;

    const ns = await this.getNamespace(namespace);
    if (!ns) throw newNotFound({ group: '', resource: 'namespaces' }, namespace);
    if (ctx.operation === 'CREATE' && isTerminating(ns)) throw terminatingError(ctx, obj, namespace);
  }
}

function terminatingError(ctx: AdmissionContext, obj: KubeObject, namespace: string): StatusError {
  // AdmissionContext has no API group yet; use it when the wiring adds one.
  const group = (ctx as AdmissionContext & { group?: string }).group ?? '';
  const name = ctx.name || obj.metadata?.name || '';
  const base = newForbidden(
    { group, resource: ctx.resource },
    name,
    new Error(`unable to create new content in namespace ${namespace} because it is being terminated`),
  );
  const details = base.status.details ?? {};
  return new StatusError({
    ...base.status,
    details: {
      ...details,
      causes: [
        ...(details.causes ?? []),
        { reason: NAMESPACE_TERMINATING_CAUSE, message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ],
    },
  });
}
