import type { Toleration } from '@k8ts/api';
import { newNodeInfo } from '../../framework/node-info';
import { runFilter } from '../../testing/plugin-harness';
import { newNode, newPod } from '../../testing/builders';
import { ERR_REASON_UNSCHEDULABLE, NodeUnschedulable, name } from './node-unschedulable';

describe(name, () => {
  const key = 'node.kubernetes.io/unschedulable';
  it.each<{ desc: string; unschedulable: boolean; tolerations?: Toleration[]; code: string; reasons: string[] }>([
    { desc: 'schedulable node', unschedulable: false, code: 'Success', reasons: [] },
    {
      desc: 'cordoned node, no toleration',
      unschedulable: true,
      code: 'UnschedulableAndUnresolvable',
      reasons: [ERR_REASON_UNSCHEDULABLE],
    },
    {
      desc: 'cordoned node, tolerates unschedulable:NoSchedule',
      unschedulable: true,
      tolerations: [{ key, operator: 'Exists', effect: 'NoSchedule' }],
      code: 'Success',
      reasons: [],
    },
    {
      desc: 'cordoned node, toleration with empty effect matches NoSchedule',
      unschedulable: true,
      tolerations: [{ key, operator: 'Exists' }],
      code: 'Success',
      reasons: [],
    },
    {
      desc: 'cordoned node, tolerate-everything toleration',
      unschedulable: true,
      tolerations: [{ operator: 'Exists' }],
      code: 'Success',
      reasons: [],
    },
    {
      desc: 'cordoned node, toleration for the wrong effect',
      unschedulable: true,
      tolerations: [{ key, operator: 'Exists', effect: 'NoExecute' }],
      code: 'UnschedulableAndUnresolvable',
      reasons: [ERR_REASON_UNSCHEDULABLE],
    },
    {
      desc: 'cordoned node, toleration for another key',
      unschedulable: true,
      tolerations: [{ key: 'other', operator: 'Exists', effect: 'NoSchedule' }],
      code: 'UnschedulableAndUnresolvable',
      reasons: [ERR_REASON_UNSCHEDULABLE],
    },
  ])('$desc', ({ unschedulable, tolerations, code, reasons }) => {
    const status = runFilter(
      new NodeUnschedulable(),
      newPod({ name: 'p', tolerations }),
      newNodeInfo(newNode({ name: 'n1', unschedulable })),
    );
    expect(status.code).toBe(code);
    expect(status.reasons).toEqual(reasons);
  });
});
