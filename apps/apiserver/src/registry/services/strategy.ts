// The Service registry strategy. Cluster IPs and node ports are allocated by
// the ServiceAllocation admission plugin (admission/service-allocation.ts),
// which runs after this strategy has prepared, defaulted and validated the
// object; this file never allocates.
import type { Service } from '@k8ts/api';
import { nameIsDNS1035Label } from '@k8ts/apimachinery';
import type { Strategy } from '../generic/strategy';
import { defaultService } from './defaults';
import { prepareServiceForCreate, prepareServiceForUpdate } from './prepare';
import { validateServiceSpec } from './validation';
import { validateServiceStatus } from './validate-status';
import { validateServiceSpecUpdate } from './validate-update';

export const serviceStrategy: Strategy<Service> = {
  resource: 'services',
  group: '',
  kind: 'Service',
  namespaced: true,
  hasStatus: true,
  validateName: nameIsDNS1035Label,

  defaults: defaultService,
  prepareForCreate: prepareServiceForCreate,
  prepareForUpdate: prepareServiceForUpdate,

  validate(svc) {
    return validateServiceSpec(svc);
  },

  // The interface does not say which subresource is being written. On a
  // status write the spec was copied from the stored object (so its checks
  // pass as before), and on a main write the status was, so running every
  // check covers both.
  validateUpdate(svc, old) {
    return [...validateServiceSpecUpdate(svc, old), ...validateServiceSpec(svc), ...validateServiceStatus(svc)];
  },

  fields(svc) {
    return {
      'spec.clusterIP': svc.spec?.clusterIP ?? '',
      'spec.type': svc.spec?.type ?? '',
    };
  },
};
