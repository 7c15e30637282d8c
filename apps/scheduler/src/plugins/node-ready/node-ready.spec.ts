import type { Taint, Toleration } from '@k8ts/api';
import { newNodeInfo } from '../../framework/node-info';
import { runFilter } from '../../testing/plugin-harness';
import { newNode, newPod } from '../../testing/builders';
import { ERR_REASON_NOT_READY, NodeReady, name } from './node-ready';

describe(name, () => {
  const notReady = 'node.kubernetes.io/not-ready';
  const unreachable = 'node.kubernetes.io/unreachable';
  const ok = { code: 'Success', reasons: [] as string[] };
  const no = { code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_NOT_READY] };

  it.each<{ desc: string; ready: boolean | string | null; taints?: Taint[]; tolerations?: Toleration[]; want: typeof ok }>([
    { desc: 'Ready=True', ready: true, want: ok },
    { desc: 'Ready=False', ready: false, want: no },
    { desc: 'Ready=Unknown', ready: 'Unknown', want: no },
    { desc: 'no Ready condition yet', ready: null, want: no },
    {
      desc: 'Ready=False, pod tolerates not-ready',
      ready: false,
      tolerations: [{ key: notReady, operator: 'Exists', effect: 'NoSchedule' }],
      want: ok,
    },
    {
      desc: 'Ready=Unknown, pod tolerates unreachable',
      ready: 'Unknown',
      tolerations: [{ key: unreachable, operator: 'Exists' }],
      want: ok,
    },
    {
      desc: 'Ready=Unknown, pod tolerates only not-ready',
      ready: 'Unknown',
      tolerations: [{ key: notReady, operator: 'Exists' }],
      want: no,
    },
    {
      desc: 'Ready=False, pod tolerates not-ready only for NoExecute',
      ready: false,
      tolerations: [{ key: notReady, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      want: no,
    },
    { desc: 'Ready=True but tainted not-ready:NoExecute', ready: true, taints: [{ key: notReady, effect: 'NoExecute' }], want: no },
    { desc: 'Ready=True but tainted unreachable:NoSchedule', ready: true, taints: [{ key: unreachable, effect: 'NoSchedule' }], want: no },
    {
      desc: 'Ready=True, readiness taint tolerated',
      ready: true,
      taints: [{ key: notReady, effect: 'NoExecute' }],
      tolerations: [{ key: notReady, operator: 'Exists' }],
      want: ok,
    },
    {
      desc: 'other taints are left to TaintToleration',
      ready: true,
      taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }],
      want: ok,
    },
  ])('$desc', ({ ready, taints, tolerations, want }) => {
    const status = runFilter(new NodeReady(), newPod({ name: 'p', tolerations }), newNodeInfo(newNode({ name: 'n1', ready, taints })));
    expect({ code: status.code, reasons: status.reasons }).toEqual(want);
  });
});
