// The Endpoints registry strategy: no status, ports default to TCP
// (upstream SetDefaults_Endpoints), and the same validation on create and
// update.
import type { Endpoints } from '@k8ts/api';
import type { Strategy } from '../generic/strategy';
import { validateEndpoints } from './validation';

export function defaultEndpoints(ep: Endpoints): void {
  for (const subset of ep.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      if (!port.protocol) port.protocol = 'TCP';
    }
  }
}

export const endpointsStrategy: Strategy<Endpoints> = {
  resource: 'endpoints',
  group: '',
  kind: 'Endpoints',
  namespaced: true,

  defaults: defaultEndpoints,
  prepareForCreate: () => undefined,
  prepareForUpdate: () => undefined,
  validate: validateEndpoints,
  validateUpdate: (ep) => validateEndpoints(ep),
};
