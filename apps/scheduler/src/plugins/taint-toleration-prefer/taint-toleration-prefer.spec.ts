import type { Taint, Toleration } from '@k8ts/api';
import { newSnapshot } from '../../framework/node-info';
import { runScore } from '../../testing/plugin-harness';
import { newNode, newPod } from '../../testing/builders';
import { TaintTolerationPrefer, name } from './taint-toleration-prefer';

describe(name, () => {
  const soft = (key: string, value = ''): Taint => ({ key, value, effect: 'PreferNoSchedule' });

  it.each<{ desc: string; taints: Record<string, Taint[]>; tolerations?: Toleration[]; want: Record<string, number> }>([
    { desc: 'no taints anywhere: every node 100', taints: { a: [], b: [] }, want: { a: 100, b: 100 } },
    {
      desc: 'fewer intolerable PreferNoSchedule taints score higher',
      taints: { a: [], b: [soft('x')], c: [soft('x'), soft('y')] },
      want: { a: 100, b: 50, c: 0 },
    },
    {
      desc: 'tolerated PreferNoSchedule taints do not count',
      taints: { a: [soft('x')], b: [soft('y')] },
      tolerations: [{ key: 'x', operator: 'Exists', effect: 'PreferNoSchedule' }],
      want: { a: 100, b: 0 },
    },
    {
      desc: 'a toleration with an empty effect counts',
      taints: { a: [soft('x', 'v')], b: [soft('y')] },
      tolerations: [{ key: 'x', operator: 'Equal', value: 'v' }],
      want: { a: 100, b: 0 },
    },
    {
      desc: 'a NoSchedule toleration does not tolerate PreferNoSchedule',
      taints: { a: [soft('x')], b: [] },
      tolerations: [{ key: 'x', operator: 'Exists', effect: 'NoSchedule' }],
      want: { a: 0, b: 100 },
    },
    {
      desc: 'NoSchedule taints are not scored',
      taints: { a: [{ key: 'x', effect: 'NoSchedule' }], b: [] },
      want: { a: 100, b: 100 },
    },
    {
      desc: 'normalization truncates',
      taints: { a: [soft('x')], b: [soft('x'), soft('y'), soft('z')] },
      want: { a: 67, b: 0 }, // 100 - trunc(100*1/3)
    },
  ])('$desc', ({ taints, tolerations, want }) => {
    const nodes = Object.entries(taints).map(([n, t]) => newNode({ name: n, taints: t }));
    expect(runScore(new TaintTolerationPrefer(), newPod({ name: 'p', tolerations }), newSnapshot(nodes).nodeInfos)).toEqual(want);
  });
});
