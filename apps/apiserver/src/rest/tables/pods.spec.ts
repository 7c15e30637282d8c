import type { Pod } from '@k8ts/api';
import { humanDuration } from './human-duration';
import { podPrinter, summarizePod } from './pods';

const NOW = new Date('2026-11-29T12:00:00Z');

function pod(status: Pod['status'], extra: { spec?: Pod['spec']; deleting?: boolean } = {}): Pod {
  return {
    metadata: { name: 'p', creationTimestamp: '2026-11-29T11:00:00Z', ...(extra.deleting ? { deletionTimestamp: '2026-11-29T12:00:30Z' } : {}) },
    spec: extra.spec ?? { containers: [{ name: 'a' }, { name: 'b' }] },
    status,
  };
}

describe('pod STATUS, READY and RESTARTS', () => {
  it.each([
    { desc: 'pending', p: pod({ phase: 'Pending' }), ready: '0/2', status: 'Pending', restarts: 0 },
    {
      desc: 'running and ready',
      p: pod({ phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }, { name: 'b', ready: true, state: { running: {} } }] }),
      ready: '2/2', status: 'Running', restarts: 0,
    },
    {
      desc: 'crash loop with a recent restart',
      p: pod({ phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }, { name: 'b', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2026-11-29T11:58:00Z' } } }] }),
      ready: '1/2', status: 'CrashLoopBackOff', restarts: '4 (2m ago)',
    },
    {
      desc: 'image pull error',
      p: pod({ phase: 'Pending', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ErrImagePull' } } }] }),
      ready: '0/2', status: 'ErrImagePull', restarts: 0,
    },
    {
      desc: 'completed',
      p: pod({ phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
      ready: '0/2', status: 'Completed', restarts: 0,
    },
    {
      desc: 'terminated without a reason shows the exit code',
      p: pod({ phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 3 } } }] }),
      ready: '0/2', status: 'ExitCode:3', restarts: 0,
    },
    {
      desc: 'init container still running',
      p: pod({ phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { running: {} } }] }, { spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'a' }] } }),
      ready: '0/1', status: 'Init:0/1', restarts: 0,
    },
    {
      desc: 'init container crash looping',
      p: pod({ phase: 'Pending', initContainerStatuses: [{ name: 'init', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, { spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'a' }] } }),
      ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: 2,
    },
    {
      desc: 'init container failed',
      p: pod({ phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 2, reason: 'Error' } } }] }, { spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'a' }] } }),
      ready: '0/1', status: 'Init:Error', restarts: 0,
    },
    {
      desc: 'terminating',
      p: pod({ phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }] }, { deleting: true }),
      ready: '1/2', status: 'Terminating', restarts: 0,
    },
    { desc: 'evicted (pod reason wins)', p: pod({ phase: 'Failed', reason: 'Evicted' }), ready: '0/2', status: 'Evicted', restarts: 0 },
  ])('$desc', ({ p, ready, status, restarts }) => {
    expect(summarizePod(p, NOW)).toEqual({ ready, status, restarts });
  });

  it('prints wide cells with <none> for unset fields', () => {
    const cells = podPrinter.cells(pod({ phase: 'Pending' }), NOW);
    expect(cells).toEqual(['p', '0/2', 'Pending', 0, '60m', '<none>', '<none>', '<none>', '<none>']);
  });
});

describe('humanDuration', () => {
  it.each([
    { desc: 'seconds', ms: 45_000, want: '45s' },
    { desc: 'under two minutes', ms: 119_000, want: '119s' },
    { desc: 'minutes and seconds', ms: 5 * 60_000 + 30_000, want: '5m30s' },
    { desc: 'whole minutes', ms: 7 * 60_000, want: '7m' },
    { desc: 'minutes up to 3h', ms: 150 * 60_000, want: '150m' },
    { desc: 'hours and minutes', ms: 5 * 3_600_000 + 10 * 60_000, want: '5h10m' },
    { desc: 'hours', ms: 20 * 3_600_000, want: '20h' },
    { desc: 'days and hours', ms: 3 * 86_400_000 + 4 * 3_600_000, want: '3d4h' },
    { desc: 'days', ms: 40 * 86_400_000, want: '40d' },
    { desc: 'years and days', ms: (3 * 365 + 20) * 86_400_000, want: '3y20d' },
    { desc: 'slightly negative', ms: -500, want: '0s' },
    { desc: 'clock skew', ms: -5000, want: '<invalid>' },
  ])('$desc: $want', ({ ms, want }) => {
    expect(humanDuration(ms)).toBe(want);
  });
});
