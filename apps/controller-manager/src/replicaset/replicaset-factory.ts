// Builds the ReplicaSetController from the controller-manager context.
import type { Controller, ControllerContext } from '../manager/context';

export function newReplicaSetController(ctx: ControllerContext): Controller {
  void ctx;
  throw new Error('replicaset controller: not implemented yet');
}
