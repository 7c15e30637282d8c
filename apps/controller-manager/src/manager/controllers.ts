// The controllers this process can run, by the names of the --controllers
// flag. Each factory registers its informers and handlers on the shared
// factory; the manager builds the selected ones, starts the informers and,
// on the leader, runs them with workersFor(name) workers.
import type { ControllerManagerConfig } from '../config';
import { newDeploymentController } from '../deployment/deployment-factory';
import { newGarbageCollector } from '../garbagecollector';
import { newNodeLifecycleController } from '../nodelifecycle';
import { newReplicaSetController } from '../replicaset/replicaset-factory';
import { newServiceLBController } from '../servicelb';
import type { ControllerFactory } from './context';

export const controllerFactories: Record<string, ControllerFactory> = {
  replicaset: newReplicaSetController,
  deployment: newDeploymentController,
  nodelifecycle: newNodeLifecycleController,
  garbagecollector: newGarbageCollector,
  servicelb: newServiceLBController,
};

/** Worker count of a controller (its --concurrent-*-syncs flag; 1 when it has none). */
export function workersFor(name: string, config: ControllerManagerConfig): number {
  switch (name) {
    case 'replicaset':
      return config.concurrentReplicasetSyncs;
    case 'deployment':
      return config.concurrentDeploymentSyncs;
    case 'garbagecollector':
      return config.concurrentGcSyncs;
    default:
      return 1;
  }
}
