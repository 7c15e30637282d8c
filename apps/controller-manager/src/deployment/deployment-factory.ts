// Builds the DeploymentController from the controller-manager context.
import type { Controller, ControllerContext } from '../manager/context';

export function newDeploymentController(ctx: ControllerContext): Controller {
  void ctx;
  throw new Error('deployment controller: not implemented yet');
}
