import type { PreferredSchedulingTerm } from '@k8ts/api';
import { newSnapshot } from '../../framework/node-info';
import { runScore } from '../../testing/plugin-harness';
import { newNode, newPod } from '../../testing/builders';
import { NodeAffinityPreferred, name } from './node-affinity-preferred';

const pref = (weight: number, key: string, operator: string, values?: string[]): PreferredSchedulingTerm => ({
  weight,
  preference: { matchExpressions: [{ key, operator, values }] },
});

describe(name, () => {
  const nodes = [
    newNode({ name: 'a', labels: { zone: 'a', disk: 'ssd' } }),
    newNode({ name: 'b', labels: { zone: 'b' } }),
    newNode({ name: 'c' }),
  ];

  it.each<{ desc: string; preferred?: PreferredSchedulingTerm[]; want: Record<string, number> | 'skip' }>([
    { desc: 'no preferred terms skips the plugin', want: 'skip' },
    { desc: 'only weight-0 terms skips the plugin', preferred: [pref(0, 'zone', 'In', ['a'])], want: 'skip' },
    {
      desc: 'matching weights add up; the best node gets 100',
      preferred: [pref(10, 'zone', 'In', ['a']), pref(5, 'disk', 'Exists')],
      want: { a: 100, b: 0, c: 0 },
    },
    {
      desc: 'scores are scaled to the best node (integer division)',
      preferred: [pref(2, 'zone', 'In', ['a']), pref(3, 'zone', 'In', ['b'])],
      want: { a: 66, b: 100, c: 0 },
    },
    { desc: 'no node matches: all 0', preferred: [pref(5, 'zone', 'In', ['z'])], want: { a: 0, b: 0, c: 0 } },
    {
      desc: 'invalid terms are ignored',
      preferred: [pref(50, 'zone', 'Near', ['a']), pref(1, 'zone', 'In', ['b'])],
      want: { a: 0, b: 100, c: 0 },
    },
    {
      desc: 'DoesNotExist prefers unlabelled nodes',
      preferred: [pref(4, 'zone', 'DoesNotExist')],
      want: { a: 0, b: 0, c: 100 },
    },
  ])('$desc', ({ preferred, want }) => {
    const pod = newPod({
      name: 'p',
      affinity: preferred ? { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred } } : undefined,
    });
    expect(runScore(new NodeAffinityPreferred(), pod, newSnapshot(nodes).nodeInfos)).toEqual(want);
  });
});
