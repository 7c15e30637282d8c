// The Lease (coordination.k8s.io/v1) registry strategy, used for leader
// election and node heartbeats. No status, no defaults; the spec checks of
// upstream ValidateLeaseSpec apply on create and update.
//
// k8ts addition: holderIdentity is capped at HOLDER_IDENTITY_MAX characters
// (upstream has no limit; identities are node names or "host_uuid").
import type { Lease } from '@k8ts/api';
import { type FieldError, forbidden, invalid, isQualifiedName, notSupported, path, tooLongCharacters } from '@k8ts/apimachinery';
import type { Strategy } from '../generic/strategy';

export const LEASE_STRATEGIES = ['OldestEmulationVersion'];
export const HOLDER_IDENTITY_MAX = 1024;

export function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid(path('spec', 'leaseDurationSeconds'), spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) {
    errs.push(invalid(path('spec', 'leaseTransitions'), spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (spec.holderIdentity !== undefined && [...spec.holderIdentity].length > HOLDER_IDENTITY_MAX) {
    errs.push(tooLongCharacters(path('spec', 'holderIdentity'), spec.holderIdentity, HOLDER_IDENTITY_MAX));
  }
  if (spec.strategy !== undefined) {
    // Upstream reports these under "spec.strategy.strategy"; k8ts uses the real path.
    const p = path('spec', 'strategy');
    if (!spec.strategy.includes('/')) {
      if (!LEASE_STRATEGIES.includes(spec.strategy)) errs.push(notSupported(p, spec.strategy, LEASE_STRATEGIES));
    } else {
      for (const msg of isQualifiedName(spec.strategy)) errs.push(invalid(p, spec.strategy, msg));
    }
  }
  if (spec.preferredHolder && !spec.strategy) {
    errs.push(forbidden(path('spec', 'preferredHolder'), 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const leaseStrategy: Strategy<Lease> = {
  resource: 'leases',
  group: 'coordination.k8s.io',
  kind: 'Lease',
  namespaced: true,

  defaults: () => undefined,
  prepareForCreate: () => undefined,
  prepareForUpdate: () => undefined,
  validate: validateLease,
  validateUpdate: (lease) => validateLease(lease),
};
