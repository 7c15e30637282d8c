// Builds the Deployment controller from the controller-manager context:
// informers for deployments, replicasets and pods; events as
// "deployment-controller".
import type { Deployment, ReplicaSet } from '@k8ts/api';
import type { Controller, ControllerContext } from '../manager/context';
import { DeploymentController } from './deployment-controller';

export function newDeploymentController(ctx: ControllerContext): Controller {
  const dInformer = ctx.informers.informerFor('deployments');
  const rsInformer = ctx.informers.informerFor('replicasets');
  const podInformer = ctx.informers.informerFor('pods');
  const controller = new DeploymentController({
    client: ctx.client,
    dLister: dInformer.lister,
    rsLister: rsInformer.lister,
    podLister: podInformer.lister,
    recorder: ctx.recorder('deployment-controller'),
    clock: ctx.clock,
    logger: ctx.logger,
    metrics: ctx.metrics,
  });
  dInformer.addEventHandler({
    onAdd: (d: Deployment) => controller.onDeploymentAdd(d),
    onUpdate: (old: Deployment, cur: Deployment) => controller.onDeploymentUpdate(old, cur),
    onDelete: (d) => controller.onDeploymentDelete(d),
  });
  rsInformer.addEventHandler({
    onAdd: (rs: ReplicaSet) => controller.onReplicaSetAdd(rs),
    onUpdate: (old: ReplicaSet, cur: ReplicaSet) => controller.onReplicaSetUpdate(old, cur),
    onDelete: (rs) => controller.onReplicaSetDelete(rs),
  });
  podInformer.addEventHandler({ onDelete: (pod) => controller.onPodDelete(pod) });
  return controller;
}
