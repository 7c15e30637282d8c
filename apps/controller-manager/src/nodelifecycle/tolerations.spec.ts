import type { Pod, Taint, Toleration } from '@k8ts/api';
import { evictionDecision, toleratesTaint } from './tolerations';

const NOW = Date.UTC(2024, 0, 1, 0, 10);
const ADDED = '2024-01-01T00:09:00Z'; // 60 s before NOW
const UR: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: ADDED };
const NR: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: ADDED };
const CUSTOM: Taint = { key: 'example.com/drain', value: 'yes', effect: 'NoExecute', timeAdded: ADDED };
const DEFAULTS = { notReady: 300, unreachable: 300 };

const pod = (tolerations?: Toleration[]): Pod => ({ metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'node-50', containers: [], tolerations } });

describe('toleratesTaint', () => {
  it.each([
    { desc: 'Exists with the key', tol: { key: UR.key, operator: 'Exists' }, want: true },
    { desc: 'Exists without a key tolerates everything', tol: { operator: 'Exists' }, want: true },
    { desc: 'Equal needs the value', tol: { key: CUSTOM.key, value: 'no' }, want: false },
    { desc: 'another effect does not match', tol: { key: UR.key, operator: 'Exists', effect: 'NoSchedule' }, want: false },
  ])('$desc', ({ tol, want }) => {
    expect(toleratesTaint(tol, tol.key === CUSTOM.key ? CUSTOM : UR)).toBe(want);
  });
});

describe('evictionDecision', () => {
  it.each<{ desc: string; p: Pod; taints: Taint[]; defaults?: typeof DEFAULTS; want: ReturnType<typeof evictionDecision> }>([
    { desc: 'no NoExecute taints: keep', p: pod(), taints: [], want: { action: 'keep' } },
    { desc: 'an untolerated taint: evict at once', p: pod(), taints: [CUSTOM], want: { action: 'evict', taint: CUSTOM } },
    { desc: 'unreachable without own toleration: the default 300 s from timeAdded', p: pod(), taints: [UR], want: { action: 'wait', atMs: Date.parse(ADDED) + 300_000 } },
    {
      desc: 'the default ran out: evict',
      p: pod(),
      taints: [UR],
      defaults: { notReady: 300, unreachable: 30 },
      want: { action: 'evict', taint: UR },
    },
    { desc: 'a toleration without seconds: keep forever', p: pod([{ key: UR.key, operator: 'Exists', effect: 'NoExecute' }]), taints: [UR], want: { action: 'keep' } },
    {
      desc: 'own tolerationSeconds replace the default',
      p: pod([{ key: NR.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 600 }]),
      taints: [NR],
      want: { action: 'wait', atMs: Date.parse(ADDED) + 600_000 },
    },
    {
      desc: 'tolerationSeconds 0: evict',
      p: pod([{ key: UR.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]),
      taints: [UR],
      want: { action: 'evict', taint: UR },
    },
    {
      desc: 'several taints: the shortest toleration counts',
      p: pod([
        { key: UR.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 100 },
        { key: CUSTOM.key, value: 'yes', effect: 'NoExecute', tolerationSeconds: 90 },
      ]),
      taints: [UR, CUSTOM],
      want: { action: 'wait', atMs: Date.parse(ADDED) + 90_000 },
    },
  ])('$desc', ({ p, taints, defaults, want }) => {
    expect(evictionDecision(p, taints, NOW, defaults ?? DEFAULTS)).toEqual(want);
  });
});
