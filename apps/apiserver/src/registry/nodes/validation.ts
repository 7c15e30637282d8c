// Node validation (upstream ValidateNode / ValidateNodeUpdate). Nodes are
// written by kubelets: spec is mostly set once (podCIDRs, providerID),
// taints and unschedulable change freely, and status carries resources and
// addresses.
import { isIPv6 } from 'node:net';
import type { Node, Taint } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  forbidden,
  invalid,
  isValidCIDRForLegacyField,
  isValidLabelValue,
  notSupported,
  path,
  required,
  validateLabelName,
} from '@k8ts/apimachinery';
import { validateResourceList } from './resources';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
export const NODE_ADDRESS_TYPES = ['ExternalDNS', 'ExternalIP', 'Hostname', 'InternalDNS', 'InternalIP'];

export function validateNode(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  // Upstream reports taints under "metadata.taints"; k8ts uses the real path.
  errs.push(...validateTaints(node.spec?.taints ?? [], path('spec', 'taints')));
  errs.push(...validateResourceList(node.status?.capacity, path('status', 'capacity')));
  errs.push(...validateResourceList(node.status?.allocatable, path('status', 'allocatable')));
  errs.push(...validatePodCIDRs(node.spec?.podCIDRs ?? []));
  // k8ts addition: upstream leaves address types unchecked.
  (node.status?.addresses ?? []).forEach((a, i) => {
    const p = path('status', 'addresses').index(i).child('type');
    if (!a.type) errs.push(required(p));
    else if (!NODE_ADDRESS_TYPES.includes(a.type)) errs.push(notSupported(p, a.type, NODE_ADDRESS_TYPES));
  });
  return errs;
}

/** What an update may not do, on top of {@link validateNode}. */
export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs: FieldError[] = [];

  const seen = new Set<string>();
  (node.status?.addresses ?? []).forEach((a, i) => {
    const key = `${a.type ?? ''}\u0000${a.address ?? ''}`;
    if (seen.has(key)) errs.push(duplicate(path('status', 'addresses').index(i), { type: a.type ?? '', address: a.address ?? '' }));
    seen.add(key);
  });

  // The node IPAM controller may assign CIDRs once; after that they stay.
  const oldCidrs = old.spec?.podCIDRs ?? [];
  const cidrs = node.spec?.podCIDRs ?? [];
  if (oldCidrs.length > 0 && (oldCidrs.length !== cidrs.length || oldCidrs.some((c, i) => c !== cidrs[i]))) {
    errs.push(forbidden(path('spec', 'podCIDRs'), 'node updates may not change podCIDR except from "" to valid'));
  }

  const oldProvider = old.spec?.providerID ?? '';
  if (oldProvider && oldProvider !== (node.spec?.providerID ?? '')) {
    errs.push(forbidden(path('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }

  if ((node.spec?.externalID ?? '') !== (old.spec?.externalID ?? '')) {
    errs.push(forbidden(path('spec', 'externalID'), 'may not be updated'));
  }
  return errs;
}

function validatePodCIDRs(cidrs: string[]): FieldError[] {
  const p = path('spec', 'podCIDRs');
  const errs: FieldError[] = [];
  cidrs.forEach((cidr, i) => errs.push(...isValidCIDRForLegacyField(p.index(i), cidr, true)));
  if (errs.length > 0 || cidrs.length < 2) return errs;
  // Dual-stack: at most one CIDR per family, no repeats.
  if (cidrs.length > 2 || isIPv6(cidrs[0].split('/')[0]) === isIPv6(cidrs[1].split('/')[0])) {
    errs.push(invalid(p, cidrs, 'may specify no more than one CIDR for each IP family'));
  }
  const seen = new Set<string>();
  cidrs.forEach((cidr, i) => {
    if (seen.has(cidr)) errs.push(duplicate(p.index(i), cidr));
    seen.add(cidr);
  });
  return errs;
}

export function validateTaints(taints: Taint[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  taints.forEach((taint, i) => {
    const tp = p.index(i);
    const key = taint.key ?? '';
    const effect = taint.effect ?? '';
    errs.push(...validateLabelName(key, tp.child('key')));
    const valueErrs = isValidLabelValue(taint.value ?? '');
    if (valueErrs.length > 0) errs.push(invalid(tp.child('value'), taint.value ?? '', valueErrs.join(';')));
    if (!effect) errs.push(required(tp.child('effect')));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(notSupported(tp.child('effect'), effect, TAINT_EFFECTS));
    const id = `${effect}\u0000${key}`;
    if (seen.has(id)) {
      errs.push({ ...duplicate(tp, taint), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    seen.add(id);
  });
  return errs;
}
