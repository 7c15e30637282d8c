// The replicasets resource (apps/v1).
import type { ReplicaSet } from '@k8ts/api';
import { path } from '@k8ts/apimachinery';
import type { FieldSet, Strategy } from '../generic/strategy';
import { semanticallyEqual } from '../podtemplate/field-helpers';
import { setReplicaSetDefaults } from './defaults';
import { validateReplicaSet, validateReplicaSetStatus, validateReplicaSetUpdate } from './validation';

export function replicaSetFields(rs: ReplicaSet): FieldSet {
  return { 'status.replicas': String(rs.status?.replicas ?? 0) };
}

export const replicaSetStrategy: Strategy<ReplicaSet> = {
  resource: 'replicasets',
  group: 'apps',
  kind: 'ReplicaSet',
  namespaced: true,
  hasGeneration: true,
  hasStatus: true,

  defaults: setReplicaSetDefaults,

  prepareForCreate(rs) {
    rs.status = {};
  },

  prepareForUpdate(rs, old, subresource) {
    if (subresource === 'status') rs.spec = old.spec;
    else rs.status = old.status;
  },

  validate: validateReplicaSet,

  validateUpdate(rs, old) {
    // A write that keeps the spec and changes the status came through replicasets/status.
    if (semanticallyEqual(rs.spec, old.spec) && !semanticallyEqual(rs.status, old.status)) {
      return validateReplicaSetStatus(rs.status, path('status'));
    }
    return validateReplicaSetUpdate(rs, old);
  },

  fields: replicaSetFields,
};
