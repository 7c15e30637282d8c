import type { Taint, Toleration } from '@k8ts/api';
import { newNodeInfo } from '../../framework/node-info';
import { runFilter } from '../../testing/plugin-harness';
import { newNode, newPod } from '../../testing/builders';
import { TaintToleration, name } from './taint-toleration';

describe(name, () => {
  const dedicated: Taint = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };
  const controlPlane: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
  const ok = { code: 'Success', reasons: [] as string[] };
  const no = (reason: string) => ({ code: 'UnschedulableAndUnresolvable', reasons: [reason] });

  it.each<{ desc: string; taints?: Taint[]; tolerations?: Toleration[]; want: { code: string; reasons: string[] } }>([
    { desc: 'node without taints', want: ok },
    { desc: 'untolerated NoSchedule taint', taints: [dedicated], want: no('node(s) had untolerated taint {dedicated: db}') },
    {
      desc: 'a taint without value prints an empty value',
      taints: [controlPlane],
      want: no('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'),
    },
    {
      desc: 'untolerated NoExecute taint',
      taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }],
      want: no('node(s) had untolerated taint {k: v}'),
    },
    { desc: 'PreferNoSchedule taints do not filter', taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }], want: ok },
    {
      desc: 'Equal toleration with the same value',
      taints: [dedicated],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }],
      want: ok,
    },
    {
      desc: 'empty operator means Equal',
      taints: [dedicated],
      tolerations: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }],
      want: ok,
    },
    {
      desc: 'Equal toleration with another value',
      taints: [dedicated],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      want: no('node(s) had untolerated taint {dedicated: db}'),
    },
    {
      desc: 'Exists toleration ignores the value',
      taints: [dedicated],
      tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
      want: ok,
    },
    { desc: 'empty key with Exists tolerates every taint', taints: [dedicated, controlPlane], tolerations: [{ operator: 'Exists' }], want: ok },
    {
      desc: 'empty effect matches every effect',
      taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }],
      tolerations: [{ key: 'k', operator: 'Exists' }],
      want: ok,
    },
    {
      desc: 'a toleration for another effect does not match',
      taints: [dedicated],
      tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }],
      want: no('node(s) had untolerated taint {dedicated: db}'),
    },
    {
      desc: 'an unknown operator tolerates nothing',
      taints: [dedicated],
      tolerations: [{ key: 'dedicated', operator: 'Gt', value: 'db', effect: 'NoSchedule' }],
      want: no('node(s) had untolerated taint {dedicated: db}'),
    },
    {
      desc: 'the first untolerated taint in node order is reported',
      taints: [controlPlane, dedicated, { key: 'x', value: 'y', effect: 'NoSchedule' }],
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }],
      want: no('node(s) had untolerated taint {dedicated: db}'),
    },
  ])('$desc', ({ taints, tolerations, want }) => {
    const status = runFilter(new TaintToleration(), newPod({ name: 'p', tolerations }), newNodeInfo(newNode({ name: 'n1', taints })));
    expect({ code: status.code, reasons: status.reasons }).toEqual(want);
  });
});
