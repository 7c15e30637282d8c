// The deployments resource (apps/v1).
import type { Deployment } from '@k8ts/api';
import type { Strategy } from '../generic/strategy';
import { semanticallyEqual } from '../podtemplate/field-helpers';
import { setDeploymentDefaults } from './defaults';
import { validateDeployment, validateDeploymentStatusUpdate, validateDeploymentUpdate } from './validation';

export const deploymentStrategy: Strategy<Deployment> = {
  resource: 'deployments',
  group: 'apps',
  kind: 'Deployment',
  namespaced: true,
  hasGeneration: true,
  hasStatus: true,

  defaults: setDeploymentDefaults,

  prepareForCreate(d) {
    d.status = {};
  },

  prepareForUpdate(d, old, subresource) {
    if (subresource === 'status') {
      d.spec = old.spec;
      return;
    }
    d.status = old.status;
    // Annotations are copied onto the ReplicaSets, so changing them is a new
    // generation too (the store itself bumps it for spec changes).
    const meta = d.metadata ?? {};
    if (!semanticallyEqual(meta.annotations, old.metadata?.annotations)) {
      d.metadata = { ...meta, generation: (old.metadata?.generation ?? 0) + 1 };
    }
  },

  validate: validateDeployment,

  validateUpdate(d, old) {
    // A write that keeps the spec and changes the status came through deployments/status.
    if (semanticallyEqual(d.spec, old.spec) && !semanticallyEqual(d.status, old.status)) return validateDeploymentStatusUpdate(d, old);
    return validateDeploymentUpdate(d, old);
  },
};
