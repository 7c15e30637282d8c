import type { Pod } from '@k8ts/api';
import { newSnapshot } from '../../framework/node-info';
import { runScore } from '../../testing/plugin-harness';
import { NodeOptions, newNode, newPod } from '../../testing/builders';
import { LeastAllocated, leastRequestedScore, name } from './least-allocated';

describe(name, () => {
  const n1: NodeOptions = { name: 'n1', cpu: '4', memory: '8Gi' };

  it.each<{ desc: string; nodes?: NodeOptions[]; existing?: Pod[]; pod: Pod; want: Record<string, number> }>([
    { desc: 'empty node: free share after placing the pod', pod: newPod({ name: 'p', cpu: '1', memory: '2Gi' }), want: { n1: 75 } },
    {
      desc: 'requests of pods already on the node count',
      existing: [newPod({ name: 'e', nodeName: 'n1', cpu: '2', memory: '4Gi' })],
      pod: newPod({ name: 'p', cpu: '1', memory: '2Gi' }),
      want: { n1: 25 },
    },
    {
      desc: 'a best-effort pod counts as 100m cpu and 200Mi memory',
      pod: newPod({ name: 'p' }),
      want: { n1: 97 }, // cpu 3900/4000 → 97, memory (8Gi-200Mi)/8Gi → 97
    },
    {
      desc: 'best-effort pods on the node count with the defaults too',
      existing: [newPod({ name: 'e', nodeName: 'n1' })],
      pod: newPod({ name: 'p', cpu: '1', memory: '2Gi' }),
      want: { n1: 72 },
    },
    {
      desc: 'an over-committed resource scores 0 (then averaged)',
      pod: newPod({ name: 'p', cpu: '5', memory: '2Gi' }),
      want: { n1: 37 },
    },
    {
      desc: 'resources the node does not offer are left out',
      nodes: [{ name: 'n1', cpu: '4', memory: '0' }],
      pod: newPod({ name: 'p', cpu: '1', memory: '2Gi' }),
      want: { n1: 75 },
    },
    {
      desc: 'the bigger node scores higher',
      nodes: [n1, { name: 'n2', cpu: '8', memory: '8Gi' }],
      pod: newPod({ name: 'p', cpu: '2', memory: '2Gi' }),
      want: { n1: 62, n2: 75 },
    },
  ])('$desc', ({ nodes, existing, pod, want }) => {
    const snapshot = newSnapshot((nodes ?? [n1]).map(newNode), existing);
    expect(runScore(new LeastAllocated(), pod, snapshot.nodeInfos)).toEqual(want);
  });

  it.each([
    { desc: 'nothing requested', requested: 0, allocatable: 4000, want: 100 },
    { desc: 'half requested', requested: 2000, allocatable: 4000, want: 50 },
    { desc: 'truncates', requested: 1, allocatable: 3, want: 66 },
    { desc: 'over-committed', requested: 5000, allocatable: 4000, want: 0 },
    { desc: 'nothing allocatable', requested: 0, allocatable: 0, want: 0 },
  ])('leastRequestedScore: $desc', ({ requested, allocatable, want }) => {
    expect(leastRequestedScore(requested, allocatable)).toBe(want);
  });
});
