import type { Node, Pod } from '@k8ts/api';
import { Selector, selectorFromSet } from '@k8ts/apimachinery';
import { newSnapshot } from '../../framework/node-info';
import { runScore } from '../../testing/plugin-harness';
import { newNode, newPod } from '../../testing/builders';
import { SelectorSpread, name, zoneKey } from './selector-spread';

describe(name, () => {
  const web = { app: 'web' };
  // The Service "web" selects app=web; the ReplicaSet web-1 selects app=web,rev=1.
  const selectorsFor = (pod: Pod): Selector[] => {
    const labels = pod.metadata?.labels ?? {};
    const out: Selector[] = [];
    if (labels.app === 'web') out.push(selectorFromSet(web));
    if (labels.app === 'web' && labels.rev === '1') out.push(selectorFromSet({ app: 'web', rev: '1' }));
    return out;
  };
  const on = (node: string, i: number, labels: Record<string, string> = web, extra: Partial<Parameters<typeof newPod>[0]> = {}) =>
    newPod({ name: `${node}-${i}`, nodeName: node, labels, ...extra });
  const plain = ['a', 'b', 'c'].map((n) => newNode({ name: n }));

  it.each<{ desc: string; nodes?: Node[]; existing: Pod[]; podLabels?: Record<string, string>; want: Record<string, number> | 'skip' }>([
    { desc: 'pod no selector groups: skip', existing: [on('a', 1)], podLabels: { app: 'other' }, want: 'skip' },
    { desc: 'no siblings anywhere: every node 100', existing: [], want: { a: 100, b: 100, c: 100 } },
    {
      desc: 'fewer siblings on a node score higher',
      existing: [on('a', 1), on('a', 2), on('b', 1)],
      want: { a: 0, b: 50, c: 100 },
    },
    {
      desc: 'pods that do not match are not counted',
      existing: [on('a', 1, { app: 'db' }), on('b', 1)],
      want: { a: 100, b: 0, c: 100 },
    },
    {
      desc: 'pods in other namespaces are not counted',
      existing: [on('a', 1, web, { namespace: 'other' }), on('b', 1)],
      want: { a: 100, b: 0, c: 100 },
    },
    {
      desc: 'pods being deleted are not counted',
      existing: [on('a', 1, web, { deletionTimestamp: '2024-01-01T00:00:00Z' }), on('b', 1)],
      want: { a: 100, b: 0, c: 100 },
    },
    {
      desc: 'selectors are ANDed: only pods matching every selector count',
      podLabels: { app: 'web', rev: '1' },
      existing: [on('a', 1, { app: 'web', rev: '1' }), on('b', 1, { app: 'web', rev: '2' })],
      want: { a: 0, b: 100, c: 100 },
    },
    {
      desc: 'zones weigh 2/3',
      nodes: [
        newNode({ name: 'a', labels: { 'topology.kubernetes.io/zone': 'z1' } }),
        newNode({ name: 'b', labels: { 'topology.kubernetes.io/zone': 'z1' } }),
        newNode({ name: 'c', labels: { 'topology.kubernetes.io/zone': 'z2' } }),
      ],
      existing: [on('a', 1), on('a', 2)],
      // b: node part 100 * 1/3 + zone part 0 * 2/3 → 33
      want: { a: 0, b: 33, c: 100 },
    },
  ])('$desc', ({ nodes, existing, podLabels, want }) => {
    const snapshot = newSnapshot(nodes ?? plain, existing);
    const pod = newPod({ name: 'p', labels: podLabels ?? web });
    expect(runScore(new SelectorSpread(selectorsFor), pod, snapshot.nodeInfos)).toEqual(want);
  });

  it.each<{ desc: string; labels: Record<string, string>; want: string }>([
    { desc: 'no topology labels', labels: {}, want: '' },
    { desc: 'zone only', labels: { 'topology.kubernetes.io/zone': 'z1' }, want: ':\x00:z1' },
    {
      desc: 'region and zone',
      labels: { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z1' },
      want: 'r:\x00:z1',
    },
    { desc: 'beta zone label', labels: { 'failure-domain.beta.kubernetes.io/zone': 'z9' }, want: ':\x00:z9' },
  ])('zoneKey: $desc', ({ labels, want }) => {
    expect(zoneKey(newNode({ name: 'n', labels }))).toBe(want);
  });
});
