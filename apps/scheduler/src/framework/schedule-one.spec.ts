import type { Node, Pod, Taint } from '@k8ts/api';
import { selectorFromSet } from '@k8ts/apimachinery';
import { NodeOptions, newNode, newPod } from '../testing/builders';
import { newSnapshot } from './node-info';
import { defaultProfile, newProfile } from './profile';
import {
  ScheduleResult,
  fitErrorMessage,
  isScheduleError,
  isScheduled,
  isUnschedulable,
  schedulePod,
  seededRandom,
  selectHost,
} from './schedule-one';
import {
  CycleState,
  FilterPlugin,
  NodeInfo,
  PreFilterPlugin,
  ScorePlugin,
  errorStatus,
  success,
  unschedulable,
} from './types';

const CONTROL_PLANE_TAINT: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const TAINT_REASON = 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

/** Three nodes: a tainted control plane (4 cpu), a small worker (2 cpu) and a big one (8 cpu). */
function cluster(over: { cp?: Partial<NodeOptions>; small?: Partial<NodeOptions>; big?: Partial<NodeOptions> } = {}): Node[] {
  return [
    newNode({ name: 'cp', cpu: '4', memory: '8Gi', labels: { role: 'control-plane' }, taints: [CONTROL_PLANE_TAINT], ...over.cp }),
    newNode({ name: 'small', cpu: '2', memory: '4Gi', labels: { role: 'worker', size: 'small' }, ...over.small }),
    newNode({ name: 'big', cpu: '8', memory: '16Gi', labels: { role: 'worker', size: 'big' }, ...over.big }),
  ];
}

function nodeNameOf(r: ScheduleResult): string {
  if (isScheduled(r)) return r.nodeName;
  throw new Error(`expected a node, got ${JSON.stringify({ ...r, reasons: undefined, nodeStatuses: undefined })}`);
}

function failureOf(r: ScheduleResult) {
  if (isUnschedulable(r)) return r;
  throw new Error(`expected unschedulable, got ${JSON.stringify(r)}`);
}

describe('schedulePod', () => {
  const profile = defaultProfile();
  const random = () => 0;

  describe('placement', () => {
    it.each<{ desc: string; nodes?: Node[]; existing?: Pod[]; pod: Pod; want: string }>([
      { desc: 'the node with the most room wins', pod: newPod({ name: 'p', cpu: '1', memory: '1Gi' }), want: 'big' },
      { desc: 'a pod too big for the small worker', pod: newPod({ name: 'p', cpu: '3', memory: '1Gi' }), want: 'big' },
      {
        desc: 'a nearly full big worker loses to the small one',
        existing: [newPod({ name: 'e', nodeName: 'big', cpu: '7', memory: '1Gi' })],
        pod: newPod({ name: 'p', cpu: '1', memory: '1Gi' }),
        want: 'small',
      },
      {
        desc: 'the control plane takes pods that tolerate its taint and select it',
        pod: newPod({
          name: 'p',
          nodeSelector: { role: 'control-plane' },
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
        }),
        want: 'cp',
      },
      {
        desc: 'preferred node affinity outweighs free capacity',
        pod: newPod({
          name: 'p',
          cpu: '1',
          memory: '1Gi',
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, preference: { matchExpressions: [{ key: 'size', operator: 'In', values: ['small'] }] } },
              ],
            },
          },
        }),
        want: 'small',
      },
      {
        desc: 'a PreferNoSchedule taint steers pods away',
        nodes: cluster({ big: { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] } }),
        pod: newPod({ name: 'p', cpu: '1', memory: '1Gi' }),
        want: 'small',
      },
      {
        desc: 'host port already used on the big worker',
        existing: [newPod({ name: 'e', nodeName: 'big', hostPorts: [8080] })],
        pod: newPod({ name: 'p', cpu: '1', hostPorts: [8080] }),
        want: 'small',
      },
      {
        desc: 'a cordoned big worker',
        nodes: cluster({ big: { unschedulable: true } }),
        pod: newPod({ name: 'p', cpu: '1' }),
        want: 'small',
      },
      {
        desc: 'a not-ready big worker',
        nodes: cluster({ big: { ready: false } }),
        pod: newPod({ name: 'p', cpu: '1' }),
        want: 'small',
      },
      {
        desc: 'spec.nodeName preset to the small worker',
        pod: newPod({ name: 'p', cpu: '1', nodeName: 'small' }),
        want: 'small',
      },
    ])('$desc → $want', ({ nodes, existing, pod, want }) => {
      expect(nodeNameOf(schedulePod(profile, pod, newSnapshot(nodes ?? cluster(), existing), { random }))).toBe(want);
    });

    it('spreads the pods of one Service away from their siblings', () => {
      const web = { app: 'web' };
      const spreadProfile = defaultProfile({
        selectorsFor: (pod) => (pod.metadata?.labels?.app === 'web' ? [selectorFromSet(web)] : []),
      });
      const existing = [1, 2].map((i) => newPod({ name: `web-${i}`, nodeName: 'big', labels: web, cpu: '100m', memory: '128Mi' }));
      const pod = newPod({ name: 'web-3', labels: web, cpu: '100m', memory: '128Mi' });
      const snapshot = newSnapshot(cluster(), existing);
      expect(nodeNameOf(schedulePod(spreadProfile, pod, snapshot, { random }))).toBe('small');
      // Without the Service the big worker wins on resources.
      expect(nodeNameOf(schedulePod(profile, pod, snapshot, { random }))).toBe('big');
    });

    it('reports evaluated/feasible counts and per-plugin scores, best first', () => {
      const r = schedulePod(profile, newPod({ name: 'p', cpu: '1', memory: '1Gi' }), newSnapshot(cluster()), { random });
      if (!isScheduled(r)) throw new Error('not scheduled');
      expect(r.evaluatedNodes).toBe(3);
      expect(r.feasibleNodes).toBe(2);
      expect(r.scores.map((s) => s.name)).toEqual(['big', 'small']);
      // small: least-allocated (50+75)/2=62, balanced (1-|0.5-0.25|/2)*100=87, taint prefer 100*3;
      // node affinity and selector spread skipped.
      expect(Object.fromEntries(r.scores[1].scores)).toEqual({
        TaintTolerationPrefer: 100,
        NodeResourcesLeastAllocated: 62,
        NodeResourcesBalancedAllocation: 87,
      });
      expect(r.scores[1].totalScore).toBe(300 + 62 + 87);
      expect(r.scores[0].totalScore).toBe(300 + 90 + 96);
    });

    it('skips scoring when only one node fits', () => {
      const r = schedulePod(profile, newPod({ name: 'p', cpu: '3' }), newSnapshot(cluster()), { random });
      expect(r).toEqual({ nodeName: 'big', evaluatedNodes: 3, feasibleNodes: 1, scores: [] });
    });
  });

  describe('unschedulable pods', () => {
    it.each<{ desc: string; nodes?: Node[]; existing?: Pod[]; pod: Pod; message: string; reasons: Record<string, number> }>([
      {
        desc: 'too big for every worker',
        pod: newPod({ name: 'p', cpu: '10' }),
        message: `0/3 nodes are available: 1 ${TAINT_REASON}, 2 Insufficient cpu.`,
        reasons: { [TAINT_REASON]: 1, 'Insufficient cpu': 2 },
      },
      {
        desc: 'every shortfall of a node counts',
        pod: newPod({ name: 'p', cpu: '9', memory: '20Gi' }),
        message: `0/3 nodes are available: 1 ${TAINT_REASON}, 2 Insufficient cpu, 2 Insufficient memory.`,
        reasons: { [TAINT_REASON]: 1, 'Insufficient cpu': 2, 'Insufficient memory': 2 },
      },
      {
        desc: 'node selector matching no worker',
        pod: newPod({ name: 'p', nodeSelector: { size: 'huge' } }),
        message: `0/3 nodes are available: 1 ${TAINT_REASON}, 2 node(s) didn't match Pod's node affinity/selector.`,
        reasons: { [TAINT_REASON]: 1, "node(s) didn't match Pod's node affinity/selector": 2 },
      },
      {
        desc: 'cordoned and not-ready workers',
        nodes: cluster({ small: { unschedulable: true }, big: { ready: false } }),
        pod: newPod({ name: 'p' }),
        message: `0/3 nodes are available: 1 ${TAINT_REASON}, 1 node(s) were not ready, 1 node(s) were unschedulable.`,
        reasons: { [TAINT_REASON]: 1, 'node(s) were not ready': 1, 'node(s) were unschedulable': 1 },
      },
      {
        desc: 'host port taken on both workers',
        existing: [newPod({ name: 'e1', nodeName: 'small', hostPorts: [80] }), newPod({ name: 'e2', nodeName: 'big', hostPorts: [80] })],
        pod: newPod({ name: 'p', hostPorts: [80] }),
        message: `0/3 nodes are available: 1 ${TAINT_REASON}, 2 node(s) didn't have free ports for the requested pod ports.`,
        reasons: { [TAINT_REASON]: 1, "node(s) didn't have free ports for the requested pod ports": 2 },
      },
      {
        desc: 'spec.nodeName names a node that is full',
        existing: [newPod({ name: 'e', nodeName: 'small', cpu: '2' })],
        pod: newPod({ name: 'p', cpu: '1', nodeName: 'small' }),
        message: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match the requested node name.",
        reasons: { 'Insufficient cpu': 1, "node(s) didn't match the requested node name": 2 },
      },
      {
        desc: 'pod count limits',
        nodes: cluster({ small: { pods: 1 }, big: { pods: 1 } }),
        existing: [newPod({ name: 'e1', nodeName: 'small' }), newPod({ name: 'e2', nodeName: 'big' })],
        pod: newPod({ name: 'p' }),
        message: `0/3 nodes are available: 1 ${TAINT_REASON}, 2 Too many pods.`,
        reasons: { [TAINT_REASON]: 1, 'Too many pods': 2 },
      },
    ])('$desc', ({ nodes, existing, pod, message, reasons }) => {
      const f = failureOf(schedulePod(profile, pod, newSnapshot(nodes ?? cluster(), existing), { random }));
      expect(f.message).toBe(message);
      expect(Object.fromEntries(f.reasons)).toEqual(reasons);
    });

    it('records the failing plugin per node', () => {
      const f = failureOf(schedulePod(profile, newPod({ name: 'p', cpu: '10' }), newSnapshot(cluster())));
      expect([...f.nodeStatuses].map(([n, s]) => [n, s.plugin, s.code])).toEqual([
        ['cp', 'TaintToleration', 'UnschedulableAndUnresolvable'],
        ['small', 'NodeResourcesFit', 'Unschedulable'],
        ['big', 'NodeResourcesFit', 'Unschedulable'],
      ]);
    });

    it('an empty cluster', () => {
      const f = failureOf(schedulePod(profile, newPod({ name: 'p' }), newSnapshot([])));
      expect(f.message).toBe('no nodes available to schedule pods');
      expect(f.reasons.size).toBe(0);
    });

    it('a preFilter rejection replaces the histogram', () => {
      const gate: PreFilterPlugin & FilterPlugin = {
        name: 'Gate',
        preFilter: () => unschedulable('waiting for gate', 'second reason'),
        filter: () => success(),
      };
      const p = newProfile({ filters: [gate, ...profile.filterPlugins], scores: profile.scorePlugins });
      const f = failureOf(schedulePod(p, newPod({ name: 'p' }), newSnapshot(cluster())));
      expect(f.message).toBe('0/3 nodes are available: waiting for gate, second reason.');
      expect(f.preFilterStatus?.plugin).toBe('Gate');
      expect(Object.fromEntries(f.reasons)).toEqual({ 'waiting for gate': 3, 'second reason': 3 });
    });
  });

  describe('fitErrorMessage', () => {
    it.each<{ desc: string; n: number; reasons: [string, number][]; want: string }>([
      {
        desc: 'sorted as "count reason" strings, as upstream (counts order first)',
        n: 3,
        reasons: [
          ['Insufficient cpu', 2],
          [TAINT_REASON, 1],
        ],
        want: `0/3 nodes are available: 1 ${TAINT_REASON}, 2 Insufficient cpu.`,
      },
      {
        desc: 'same count: by reason text (upper case before lower case)',
        n: 2,
        reasons: [
          ['node(s) were unschedulable', 1],
          ['Insufficient memory', 1],
        ],
        want: '0/2 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable.',
      },
      {
        desc: 'string order, not numeric: "10 …" before "2 …"',
        n: 12,
        reasons: [
          [TAINT_REASON, 2],
          ['Insufficient cpu', 10],
        ],
        want: `0/12 nodes are available: 10 Insufficient cpu, 2 ${TAINT_REASON}.`,
      },
      { desc: 'no reasons', n: 1, reasons: [], want: '0/1 nodes are available:' },
    ])('$desc', ({ n, reasons, want }) => {
      expect(fitErrorMessage(n, new Map(reasons))).toBe(want);
    });
  });

  describe('errors', () => {
    it('a filter Error aborts the attempt', () => {
      const broken: FilterPlugin = { name: 'Broken', filter: () => errorStatus('boom') };
      const r = schedulePod(newProfile({ filters: [broken], scores: [] }), newPod({ name: 'p' }), newSnapshot(cluster()));
      expect(isScheduleError(r) && r).toEqual({ error: true, message: 'running Broken: boom', plugin: 'Broken' });
    });

    it('a score out of range after normalization is an error', () => {
      const wild: ScorePlugin = { name: 'Wild', score: () => 150 };
      const r = schedulePod(newProfile({ filters: [], scores: [{ plugin: wild, weight: 1 }] }), newPod({ name: 'p' }), newSnapshot(cluster()));
      expect(isScheduleError(r)).toBe(true);
      if (isScheduleError(r)) expect(r.message).toMatch(/plugin Wild returned an invalid score 150/);
    });

    it('plugins can share cycle state from preFilter to filter', () => {
      const seen: string[] = [];
      const key = { name: 'k' };
      const p: PreFilterPlugin & FilterPlugin = {
        name: 'Stateful',
        preFilter: (state: CycleState) => (state.write(key, 'hello'), success()),
        filter: (state: CycleState, _pod: Pod, ni: NodeInfo) => (seen.push(`${ni.name}:${state.read(key)}`), success()),
      };
      schedulePod(newProfile({ filters: [p], scores: [] }), newPod({ name: 'p' }), newSnapshot(cluster()), { random });
      expect(seen).toEqual(['cp:hello', 'small:hello', 'big:hello']);
    });
  });

  describe('tie-breaking', () => {
    const twins = () => newSnapshot([newNode({ name: 'n2' }), newNode({ name: 'n1' }), newNode({ name: 'n3' })]);
    const pod = newPod({ name: 'p', cpu: '1' });

    it.each([
      { desc: 'random() = 0 picks the first name', r: 0, want: 'n1' },
      { desc: 'random() = 0.5 picks the middle name', r: 0.5, want: 'n2' },
      { desc: 'random() close to 1 picks the last name', r: 0.999, want: 'n3' },
    ])('$desc', ({ r, want }) => {
      expect(nodeNameOf(schedulePod(profile, pod, twins(), { random: () => r }))).toBe(want);
    });

    it('a seeded random is reproducible and uses every tied node', () => {
      const pick = (seed: number) => {
        const rnd = seededRandom(seed);
        return Array.from({ length: 30 }, () => nodeNameOf(schedulePod(profile, pod, twins(), { random: rnd })));
      };
      expect(pick(7)).toEqual(pick(7));
      expect(new Set(pick(7))).toEqual(new Set(['n1', 'n2', 'n3']));
    });

    it('selectHost ignores lower scores', () => {
      const s = (name: string, totalScore: number) => ({ name, totalScore, scores: new Map<string, number>() });
      expect(selectHost([s('a', 10), s('b', 30), s('c', 30), s('d', 5)], () => 0.99)).toBe('c');
    });
  });
});
