import type { Node, NodeCondition, Taint } from '@k8ts/api';
import { reconcileTaints } from './taints';

const NOW = Date.UTC(2024, 0, 1);
const STAMP = '2024-01-01T00:00:00Z';

function node(ready: string | undefined, o: { taints?: Taint[]; conds?: NodeCondition[]; unschedulable?: boolean } = {}): Node {
  const conditions = [...(ready ? [{ type: 'Ready', status: ready }] : []), ...(o.conds ?? [])];
  return { metadata: { name: 'n' }, spec: { taints: o.taints, unschedulable: o.unschedulable }, status: { conditions } };
}

const t = (key: string, effect: string, timeAdded?: string): Taint => ({ key, effect, ...(timeAdded ? { timeAdded } : {}) });
const NR = 'node.kubernetes.io/not-ready';
const UR = 'node.kubernetes.io/unreachable';

describe('reconcileTaints', () => {
  it.each<{ desc: string; n: Node; want: Taint[] | undefined }>([
    { desc: 'a Ready node with no taints: nothing to do', n: node('True'), want: undefined },
    { desc: 'no Ready condition yet: left alone', n: node(undefined, { taints: [t(NR, 'NoSchedule')] }), want: undefined },
    { desc: 'Ready=False: not-ready NoExecute (stamped) and NoSchedule', n: node('False'), want: [t(NR, 'NoExecute', STAMP), t(NR, 'NoSchedule')] },
    { desc: 'Ready=Unknown: unreachable NoExecute (stamped) and NoSchedule', n: node('Unknown'), want: [t(UR, 'NoExecute', STAMP), t(UR, 'NoSchedule')] },
    {
      desc: 'False → Unknown swaps not-ready for unreachable',
      n: node('Unknown', { taints: [t(NR, 'NoExecute', '2023-01-01T00:00:00Z'), t(NR, 'NoSchedule')] }),
      want: [t(UR, 'NoExecute', STAMP), t(UR, 'NoSchedule')],
    },
    {
      desc: 'recovery removes ours and keeps everybody else’s',
      n: node('True', { taints: [t('dedicated', 'NoSchedule'), t(UR, 'NoExecute', '2023-01-01T00:00:00Z'), t(UR, 'NoSchedule')] }),
      want: [t('dedicated', 'NoSchedule')],
    },
    {
      desc: 'an existing taint keeps its timeAdded',
      n: node('Unknown', { taints: [t(UR, 'NoExecute', '2023-01-01T00:00:00Z'), t(UR, 'NoSchedule')] }),
      want: undefined,
    },
    {
      desc: 'pressure conditions and unschedulable add NoSchedule taints',
      n: node('True', {
        unschedulable: true,
        conds: [
          { type: 'MemoryPressure', status: 'True' },
          { type: 'DiskPressure', status: 'False' },
          { type: 'PIDPressure', status: 'True' },
        ],
      }),
      want: [t('node.kubernetes.io/memory-pressure', 'NoSchedule'), t('node.kubernetes.io/pid-pressure', 'NoSchedule'), t('node.kubernetes.io/unschedulable', 'NoSchedule')],
    },
  ])('$desc', ({ n, want }) => {
    expect(reconcileTaints(n, NOW)).toEqual(want);
  });
});

describe('reconcileTaints in a disruption', () => {
  it.each<{ desc: string; n: Node; mode: 'hold' | 'lift'; want: Taint[] | undefined }>([
    { desc: 'lift: an unreachable node gets only the NoSchedule taint', n: node('Unknown'), mode: 'lift', want: [t(UR, 'NoSchedule')] },
    { desc: 'lift: an existing NoExecute taint is removed', n: node('Unknown', { taints: [t(UR, 'NoExecute', '2023-01-01T00:00:00Z'), t(UR, 'NoSchedule')] }), mode: 'lift', want: [t(UR, 'NoSchedule')] },
    { desc: 'hold: no new NoExecute taint', n: node('Unknown'), mode: 'hold', want: [t(UR, 'NoSchedule')] },
    { desc: 'hold: an existing NoExecute taint stays', n: node('Unknown', { taints: [t(UR, 'NoExecute', '2023-01-01T00:00:00Z'), t(UR, 'NoSchedule')] }), mode: 'hold', want: undefined },
    {
      desc: 'hold: a not-ready taint is not swapped for unreachable',
      n: node('Unknown', { taints: [t(NR, 'NoExecute', '2023-01-01T00:00:00Z')] }),
      mode: 'hold',
      want: [t(NR, 'NoExecute', '2023-01-01T00:00:00Z'), t(UR, 'NoSchedule')],
    },
    { desc: 'hold: recovery still removes it', n: node('True', { taints: [t(UR, 'NoExecute', '2023-01-01T00:00:00Z')] }), mode: 'hold', want: [] },
  ])('$desc', ({ n, mode, want }) => {
    expect(reconcileTaints(n, NOW, mode)).toEqual(want);
  });
});
