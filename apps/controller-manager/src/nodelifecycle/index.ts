// The node lifecycle controller (with its taint-eviction part), built from
// the controller-manager context.
import type { Node, Pod } from '@k8ts/api';
import { NODE_NAME_INDEX, nodeNameIndexFunc, objectReference } from '@k8ts/client';
import { Counter, Gauge } from 'prom-client';
import type { Controller, ControllerContext } from '../manager/context';
import { NodeLifecycleController } from './node-lifecycle-controller';

export { NodeLifecycleController, type NodeLifecycleApi, type NodeLifecycleOptions, type NodeSyncResult } from './node-lifecycle-controller';
export { updateNodeHealth, type NodeHealth } from './node-health';
export { reconcileTaints, wantedTaints } from './taints';
export { evictionDecision, effectiveTolerations, toleratesTaint } from './tolerations';
export * from './well-known';

export const NODE_CONTROLLER_COMPONENT = 'node-controller';

export function newNodeLifecycleController(ctx: ControllerContext): Controller {
  const nodes = ctx.informers.informerFor('nodes');
  const leases = ctx.informers.informerFor('leases');
  const pods = ctx.informers.informerFor('pods', { indexers: { [NODE_NAME_INDEX]: nodeNameIndexFunc } });
  const recorder = ctx.recorder(NODE_CONTROLLER_COMPONENT);
  const evictions = new Counter({ name: 'taint_eviction_controller_pod_deletions_total', help: 'Pods deleted by the taint-eviction part of the node lifecycle controller', registers: [ctx.metrics] });
  const unhealthy = new Gauge({ name: 'node_collector_unhealthy_nodes', help: 'Nodes whose Ready condition is not True', registers: [ctx.metrics] });
  const cfg = ctx.config;
  const controller = new NodeLifecycleController({
    nodeLister: nodes.lister,
    leaseLister: leases.lister,
    podLister: pods.lister,
    api: {
      updateNodeStatus: (node: Node) => ctx.client.nodes.updateStatus(node),
      updateNode: (node: Node) => ctx.client.nodes.update(node),
      updatePodStatus: (pod: Pod) => ctx.client.pods.updateStatus(pod),
      deletePod: async (namespace, name, uid) => {
        await ctx.client.pods.delete(namespace, name, { preconditions: { uid } });
      },
    },
    recorder: { event: (obj, kind, type, reason, message) => recorder.event(objectReference(obj, kind), type, reason, message) },
    now: () => ctx.clock.now().getTime(),
    nodeMonitorGracePeriodMs: cfg.nodeMonitorGracePeriodSeconds * 1000,
    nodeMonitorPeriodMs: cfg.nodeMonitorPeriodSeconds * 1000,
    defaultTolerationSeconds: { notReady: cfg.defaultNotReadyTolerationSeconds, unreachable: cfg.defaultUnreachableTolerationSeconds },
    logger: ctx.logger,
    metrics: { evicted: () => evictions.inc(), unhealthy: (n) => unhealthy.set(n) },
  });
  nodes.addEventHandler({
    onAdd: (n) => controller.onNodeAdd(n),
    onUpdate: (old, n) => controller.onNodeUpdate(old, n),
    onDelete: (n) => controller.onNodeDelete(n),
  });
  pods.addEventHandler({
    onAdd: (p) => controller.onPodAdd(p),
    onUpdate: (old, p) => controller.onPodUpdate(old, p),
  });
  return { name: 'nodelifecycle', run: (workers, signal) => controller.run(workers, signal) };
}
