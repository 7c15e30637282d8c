// Builds the ReplicaSet controller from the controller-manager context:
// informers for replicasets and pods, handlers that enqueue, events as
// "replicaset-controller".
import type { Pod, ReplicaSet } from '@k8ts/api';
import type { Controller, ControllerContext } from '../manager/context';
import { ReplicaSetController } from './replicaset-controller';

export function newReplicaSetController(ctx: ControllerContext): Controller {
  const rsInformer = ctx.informers.informerFor('replicasets');
  const podInformer = ctx.informers.informerFor('pods');
  const controller = new ReplicaSetController({
    client: ctx.client,
    rsLister: rsInformer.lister,
    podLister: podInformer.lister,
    recorder: ctx.recorder('replicaset-controller'),
    clock: ctx.clock,
    logger: ctx.logger,
    metrics: ctx.metrics,
  });
  rsInformer.addEventHandler({
    onAdd: (rs: ReplicaSet) => controller.onReplicaSetAdd(rs),
    onUpdate: (old: ReplicaSet, cur: ReplicaSet) => controller.onReplicaSetUpdate(old, cur),
    onDelete: (rs) => controller.onReplicaSetDelete(rs),
  });
  podInformer.addEventHandler({
    onAdd: (pod: Pod) => controller.onPodAdd(pod),
    onUpdate: (old: Pod, cur: Pod) => controller.onPodUpdate(old, cur),
    onDelete: (pod) => controller.onPodDelete(pod),
  });
  return controller;
}
