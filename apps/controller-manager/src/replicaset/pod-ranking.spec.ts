import type { Pod } from '@k8ts/api';
import { compareForDeletion, getPodsToDelete, POD_DELETION_COST_ANNOTATION, rankByRelatedPodsOnSameNode } from './pod-ranking';

const NOW = new Date('2026-01-01T12:00:00Z');

interface P {
  name: string;
  node?: string;
  phase?: string;
  ready?: boolean;
  readySince?: string;
  created?: string;
  restarts?: number;
  cost?: string;
}

function pod(p: P): Pod {
  return {
    metadata: {
      name: p.name,
      namespace: 'ns',
      uid: `uid-${p.name}`,
      creationTimestamp: p.created ?? '2026-01-01T00:00:00Z',
      ...(p.cost !== undefined ? { annotations: { [POD_DELETION_COST_ANNOTATION]: p.cost } } : {}),
    },
    spec: { ...(p.node ? { nodeName: p.node } : {}), containers: [{ name: 'c' }] },
    status: {
      phase: p.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False', lastTransitionTime: p.readySince ?? '2026-01-01T00:00:00Z' }],
      containerStatuses: [{ name: 'c', restartCount: p.restarts ?? 0 }],
    },
  };
}

describe('compareForDeletion (which pod goes first)', () => {
  it.each([
    { desc: 'unassigned before assigned', first: { name: 'a' }, second: { name: 'b', node: 'n1' } },
    { desc: 'pending before running', first: { name: 'a', node: 'n1', phase: 'Pending' }, second: { name: 'b', node: 'n1' } },
    { desc: 'unknown before running', first: { name: 'a', node: 'n1', phase: 'Unknown' }, second: { name: 'b', node: 'n1' } },
    { desc: 'pending before unknown', first: { name: 'a', node: 'n1', phase: 'Pending' }, second: { name: 'b', node: 'n1', phase: 'Unknown' } },
    { desc: 'not ready before ready', first: { name: 'a', node: 'n1' }, second: { name: 'b', node: 'n1', ready: true } },
    { desc: 'lower deletion cost first', first: { name: 'a', node: 'n1', ready: true, cost: '-5' }, second: { name: 'b', node: 'n1', ready: true } },
    {
      desc: 'ready for less time first (log scale)',
      first: { name: 'a', node: 'n1', ready: true, readySince: '2026-01-01T11:59:00Z' },
      second: { name: 'b', node: 'n1', ready: true, readySince: '2026-01-01T06:00:00Z' },
    },
    { desc: 'more restarts first', first: { name: 'a', node: 'n1', ready: true, restarts: 3 }, second: { name: 'b', node: 'n1', ready: true } },
    { desc: 'newer first', first: { name: 'a', node: 'n1', created: '2026-01-01T11:00:00Z' }, second: { name: 'b', node: 'n1', created: '2026-01-01T01:00:00Z' } },
    {
      desc: 'same log bucket: uid decides',
      first: { name: 'a', node: 'n1', created: '2026-01-01T11:00:05Z' },
      second: { name: 'b', node: 'n1', created: '2026-01-01T11:00:00Z' },
    },
  ])('$desc', ({ first, second }) => {
    const a = { pod: pod(first), rank: 0 };
    const b = { pod: pod(second), rank: 0 };
    expect(compareForDeletion(a, b, NOW)).toBeLessThan(0);
    expect(compareForDeletion(b, a, NOW)).toBeGreaterThan(0);
  });

  it('doubled-up pods (higher rank) go first', () => {
    const a = { pod: pod({ name: 'a', node: 'n1' }), rank: 2 };
    const b = { pod: pod({ name: 'b', node: 'n2' }), rank: 1 };
    expect(compareForDeletion(a, b, NOW)).toBeLessThan(0);
  });
});

describe('getPodsToDelete', () => {
  it('ranks pods by related pods on the same node and picks the first diff', () => {
    const pods = [pod({ name: 'p1', node: 'n1', ready: true }), pod({ name: 'p2', node: 'n2', ready: true }), pod({ name: 'p3', node: 'n2', ready: true })];
    const related = [...pods, pod({ name: 'sibling', node: 'n2', ready: true })];
    expect(rankByRelatedPodsOnSameNode(pods, related).map((r) => r.rank)).toEqual([1, 3, 3]);
    expect(getPodsToDelete(pods, related, 2, NOW).map((p) => p.metadata?.name)).toEqual(['p2', 'p3']);
  });

  it('returns every pod when diff is not smaller', () => {
    const pods = [pod({ name: 'p1' }), pod({ name: 'p2' })];
    expect(getPodsToDelete(pods, pods, 5, NOW)).toHaveLength(2);
  });

  it('orders a mixed set as upstream would', () => {
    const pods = [
      pod({ name: 'ready-old', node: 'n1', ready: true, readySince: '2026-01-01T00:00:00Z' }),
      pod({ name: 'unassigned', phase: 'Pending' }),
      pod({ name: 'ready-new', node: 'n1', ready: true, readySince: '2026-01-01T11:59:50Z' }),
      pod({ name: 'not-ready', node: 'n1' }),
      pod({ name: 'pending', node: 'n1', phase: 'Pending' }),
    ];
    expect(getPodsToDelete(pods, [], 4, NOW).map((p) => p.metadata?.name)).toEqual(['unassigned', 'pending', 'not-ready', 'ready-new']);
  });
});
