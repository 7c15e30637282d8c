// Small strategies for the gRPC tests, so they do not depend on the real
// per-resource strategies (which other tests cover). Just enough behaviour
// to exercise the API edge: status handling, field selectors, validation
// errors with field paths, generation, cluster scope, pods/binding.
import type { Binding, Deployment, Namespace, Node, Pod } from '@k8ts/api';
import { type FieldError, invalid, nameIsDNSLabel, newConflict, path, required } from '@k8ts/apimachinery';
import type { Store } from '../../registry/generic/store';
import type { KubeObject, Strategy } from '../../registry/generic/strategy';
import type { SubresourceHandlers } from '../../registry/registry';

/** Keeps status on main updates, and everything but status on status updates. */
function statusSplit<T extends KubeObject & { status?: unknown }>(obj: T, old: T, subresource: '' | 'status'): void {
  if (subresource === 'status') {
    const status = obj.status;
    Object.assign(obj, structuredClone(old), { metadata: obj.metadata, status });
  } else {
    obj.status = structuredClone(old.status);
  }
}

export const testPodStrategy: Strategy<Pod> = {
  resource: 'pods',
  group: '',
  kind: 'Pod',
  namespaced: true,
  hasStatus: true,
  defaults(pod) {
    // Decoded messages carry explicit `undefined` fields: spread first, then default.
    pod.spec = { ...pod.spec };
    pod.spec.restartPolicy ||= 'Always';
  },
  prepareForCreate(pod) {
    pod.status = { phase: 'Pending' };
  },
  prepareForUpdate: statusSplit,
  validate(pod) {
    const errs: FieldError[] = [];
    const containers = pod.spec?.containers ?? [];
    const p = path('spec', 'containers');
    if (containers.length === 0) errs.push(required(p));
    containers.forEach((c, i) => {
      if (!c.name) errs.push(required(p.index(i).child('name')));
      if (!c.image) errs.push(required(p.index(i).child('image')));
    });
    return errs;
  },
  validateUpdate(pod, old) {
    const errs = this.validate(pod);
    if (old.spec?.nodeName && pod.spec?.nodeName !== old.spec.nodeName) {
      errs.push(invalid(path('spec', 'nodeName'), pod.spec?.nodeName, 'field is immutable once set'));
    }
    return errs;
  },
  fields(pod) {
    return { 'spec.nodeName': pod.spec?.nodeName ?? '', 'status.phase': pod.status?.phase ?? '' };
  },
};

export const testNamespaceStrategy: Strategy<Namespace> = {
  resource: 'namespaces',
  group: '',
  kind: 'Namespace',
  namespaced: false,
  hasStatus: true,
  validateName: nameIsDNSLabel,
  defaults() {
    // nothing to default
  },
  prepareForCreate(ns) {
    ns.status = { phase: 'Active' };
  },
  prepareForUpdate: statusSplit,
  validate: () => [],
  validateUpdate: () => [],
  fields(ns) {
    return { 'status.phase': ns.status?.phase ?? '' };
  },
};

export const testNodeStrategy: Strategy<Node> = {
  resource: 'nodes',
  group: '',
  kind: 'Node',
  namespaced: false,
  hasStatus: true,
  defaults() {
    // nothing to default
  },
  prepareForCreate(node) {
    node.status = {};
  },
  prepareForUpdate: statusSplit,
  validate: () => [],
  validateUpdate: () => [],
};

export const testDeploymentStrategy: Strategy<Deployment> = {
  resource: 'deployments',
  group: 'apps',
  kind: 'Deployment',
  namespaced: true,
  hasStatus: true,
  hasGeneration: true,
  defaults(d) {
    d.spec = { ...d.spec };
    d.spec.replicas ??= 1;
  },
  prepareForCreate(d) {
    d.status = {};
  },
  prepareForUpdate: statusSplit,
  validate(d) {
    const replicas = d.spec?.replicas ?? 0;
    return replicas < 0 ? [invalid(path('spec', 'replicas'), replicas, 'must be greater than or equal to 0')] : [];
  },
  validateUpdate(d) {
    return this.validate(d);
  },
};

export function testStrategies(): Strategy<KubeObject>[] {
  return [testPodStrategy, testNamespaceStrategy, testNodeStrategy, testDeploymentStrategy] as unknown as Strategy<KubeObject>[];
}

/** pods/binding: sets spec.nodeName of an unbound pod (Conflict when already bound). */
export const testSubresources: SubresourceHandlers = {
  bind: (pods: Store<Pod>, namespace: string, binding: Binding, ctx) =>
    pods.guaranteedUpdate(
      namespace,
      binding.metadata?.name ?? '',
      (pod) => {
        if (pod.spec?.nodeName) {
          throw newConflict({ group: '', resource: 'pods/binding' }, pod.metadata?.name ?? '', `pod is already assigned to node "${pod.spec.nodeName}"`);
        }
        return { ...pod, spec: { ...pod.spec, nodeName: binding.target?.name } };
      },
      ctx,
    ),
};
