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
    onAdd: (rs: ReplicaSet, _initial, meta) => controller.during(meta, () => controller.onReplicaSetAdd(rs)),
    onUpdate: (old: ReplicaSet, cur: ReplicaSet, meta) => controller.during(meta, () => controller.onReplicaSetUpdate(old, cur)),
    onDelete: (rs, meta) => controller.during(meta, () => controller.onReplicaSetDelete(rs)),
  });
  podInformer.addEventHandler({
    onAdd: (pod: Pod, _initial, meta) => controller.during(meta, () => controller.onPodAdd(pod)),
    onUpdate: (old: Pod, cur: Pod, meta) => controller.during(meta, () => controller.onPodUpdate(old, cur)),
    onDelete: (pod, meta) => controller.during(meta, () => controller.onPodDelete(pod)),
  });
  return controller;
}
