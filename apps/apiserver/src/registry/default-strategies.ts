// Every resource the apiserver serves, with its subresource handlers.
import { deploymentStrategy } from './deployments/strategy';
import { endpointSliceStrategy } from './endpointslices/strategy';
import { endpointsStrategy } from './endpoints/strategy';
import { eventStrategy } from './events/strategy';
import type { KubeObject, Strategy } from './generic/strategy';
import { leaseStrategy } from './leases/strategy';
import { namespaceStrategy } from './namespaces/strategy';
import { nodeStrategy } from './nodes/strategy';
import { bindPod } from './pods/binding';
import { podStrategy } from './pods/strategy';
import { getScale, updateScale } from './podtemplate/scale';
import type { SubresourceHandlers } from './registry';
import { replicaSetStrategy } from './replicasets/strategy';
import { serviceStrategy } from './services/strategy';

export function defaultStrategies(): Strategy<KubeObject>[] {
  return [
    podStrategy,
    serviceStrategy,
    endpointsStrategy,
    nodeStrategy,
    namespaceStrategy,
    eventStrategy,
    replicaSetStrategy,
    deploymentStrategy,
    endpointSliceStrategy,
    leaseStrategy,
  ] as unknown as Strategy<KubeObject>[];
}

export function defaultSubresources(): SubresourceHandlers {
  return { bind: bindPod, getScale, updateScale };
}
