import type { Pod } from '@k8ts/api';
import { newSnapshot } from '../../framework/node-info';
import { runScore } from '../../testing/plugin-harness';
import { NodeOptions, newNode, newPod } from '../../testing/builders';
import { BalancedAllocation, balancedResourceScore, name } from './balanced-allocation';

describe(name, () => {
  const n1: NodeOptions = { name: 'n1', cpu: '4', memory: '8Gi' };

  it.each<{ desc: string; nodes?: NodeOptions[]; existing?: Pod[]; pod: Pod; want: Record<string, number> | 'skip' }>([
    { desc: 'equal cpu and memory fractions', pod: newPod({ name: 'p', cpu: '1', memory: '2Gi' }), want: { n1: 100 } },
    { desc: 'unequal fractions (0.5 vs 0.125)', pod: newPod({ name: 'p', cpu: '2', memory: '1Gi' }), want: { n1: 81 } },
    { desc: 'memory-only pod (0 vs 0.5)', pod: newPod({ name: 'p', memory: '4Gi' }), want: { n1: 75 } },
    { desc: 'fractions are capped at 1', pod: newPod({ name: 'p', cpu: '8', memory: '1Gi' }), want: { n1: 56 } },
    {
      desc: 'pods on the node count',
      existing: [newPod({ name: 'e', nodeName: 'n1', cpu: '1' })],
      pod: newPod({ name: 'p', cpu: '1', memory: '4Gi' }),
      want: { n1: 100 },
    },
    {
      desc: 'best-effort pods on the node count as zero',
      existing: [newPod({ name: 'e', nodeName: 'n1' })],
      pod: newPod({ name: 'p', cpu: '1', memory: '2Gi' }),
      want: { n1: 100 },
    },
    { desc: 'best-effort pod skips the plugin', pod: newPod({ name: 'p' }), want: 'skip' },
    {
      desc: 'the node that stays balanced wins',
      nodes: [n1, { name: 'n2', cpu: '8', memory: '4Gi' }],
      pod: newPod({ name: 'p', cpu: '2', memory: '1Gi' }),
      want: { n1: 81, n2: 100 },
    },
  ])('$desc', ({ nodes, existing, pod, want }) => {
    const snapshot = newSnapshot((nodes ?? [n1]).map(newNode), existing);
    expect(runScore(new BalancedAllocation(), pod, snapshot.nodeInfos)).toEqual(want);
  });

  it.each([
    { desc: 'two equal fractions', requested: [1, 2], allocatable: [4, 8], want: 100 },
    { desc: 'two fractions', requested: [2, 1], allocatable: [4, 8], want: 81 },
    { desc: 'three fractions use the standard deviation', requested: [2, 5, 8], allocatable: [10, 10, 10], want: 75 },
    { desc: 'resources not offered are left out', requested: [2, 5], allocatable: [4, 0], want: 100 },
  ])('balancedResourceScore: $desc', ({ requested, allocatable, want }) => {
    expect(balancedResourceScore(requested, allocatable)).toBe(want);
  });
});
