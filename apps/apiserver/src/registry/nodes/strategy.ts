// The Node registry strategy (cluster-scoped, with a status subresource).
//
// As upstream, a Node may be created with its status: a kubelet registers
// its node with capacity, addresses and conditions in one create, and then
// keeps the status current through the status subresource. Main updates
// keep the stored status; status updates keep the stored spec.
import type { Node } from '@k8ts/api';
import type { Strategy } from '../generic/strategy';
import { validateNode, validateNodeUpdate } from './validation';

export function defaultNode(node: Node): void {
  const spec = (node.spec ??= {});
  // podCIDR is the first of podCIDRs (v1 keeps both; podCIDRs wins).
  if ((spec.podCIDRs ?? []).length === 0 && spec.podCIDR) spec.podCIDRs = [spec.podCIDR];
  const first = spec.podCIDRs?.[0];
  if (first) spec.podCIDR = first;
  // Allocatable defaults to the full capacity.
  const status = node.status;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}

export const nodeStrategy: Strategy<Node> = {
  resource: 'nodes',
  group: '',
  kind: 'Node',
  namespaced: false,
  hasStatus: true,

  defaults: defaultNode,

  prepareForCreate: () => undefined,

  prepareForUpdate(node, old, subresource) {
    if (subresource === 'status') node.spec = structuredClone(old.spec);
    else node.status = structuredClone(old.status);
  },

  validate: validateNode,

  validateUpdate(node, old) {
    return [...validateNode(node), ...validateNodeUpdate(node, old)];
  },

  fields(node) {
    return { 'spec.unschedulable': String(node.spec?.unschedulable ?? false) };
  },
};
