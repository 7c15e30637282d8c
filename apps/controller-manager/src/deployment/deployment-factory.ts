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
    onAdd: (d: Deployment, _initial, meta) => controller.during(meta, () => controller.onDeploymentAdd(d)),
    onUpdate: (old: Deployment, cur: Deployment, meta) => controller.during(meta, () => controller.onDeploymentUpdate(old, cur)),
    onDelete: (d, meta) => controller.during(meta, () => controller.onDeploymentDelete(d)),
  });
  rsInformer.addEventHandler({
    onAdd: (rs: ReplicaSet, _initial, meta) => controller.during(meta, () => controller.onReplicaSetAdd(rs)),
    onUpdate: (old: ReplicaSet, cur: ReplicaSet, meta) => controller.during(meta, () => controller.onReplicaSetUpdate(old, cur)),
    onDelete: (rs, meta) => controller.during(meta, () => controller.onReplicaSetDelete(rs)),
  });
  podInformer.addEventHandler({ onDelete: (pod, meta) => controller.during(meta, () => controller.onPodDelete(pod)) });
  return controller;
}
