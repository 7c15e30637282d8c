import type { Pod, PodCondition, PodStatus } from '@k8ts/api';
import type { ContainerStatus as RuntimeContainerStatus, SandboxStatus } from '../runtime/runtime';
import { computePodStatus, conditionsEqualIgnoringTime, getPodCondition, podIsTerminal, type ComputePodStatusInput } from './compute-status';

const NOW = new Date('2024-01-01T00:10:00.123Z');
const T = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString();
const Tk = (s: number) => T(s).replace('.000Z', 'Z');

function pod(restartPolicy = 'Always', names = ['a', 'b'], extra: Partial<Pod['spec']> = {}): Pod {
  return {
    metadata: { name: 'web-1', namespace: 'default', uid: 'uid-1' },
    spec: { restartPolicy, containers: names.map((name) => ({ name, image: `img-${name}` })), ...extra },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

const sandbox: SandboxStatus = { id: 'sb', podUid: 'uid-1', name: 'web-1', namespace: 'default', ip: '127.244.1.7', state: 'ready', dir: '/tmp/sb', createdAt: T(0) };

type Rc = RuntimeContainerStatus;
function rc(name: string, attempt: number, state: Rc['state'], o: Partial<Rc> = {}): Rc {
  return {
    id: `${name}-${attempt}`,
    sandboxId: 'sb',
    name,
    image: `img-${name}`,
    attempt,
    state,
    createdAt: T(attempt * 10),
    logPath: '/dev/null',
    ...(state !== 'created' ? { startedAt: T(attempt * 10 + 1) } : {}),
    ...o,
  };
}
const running = (name: string, attempt = 0) => rc(name, attempt, 'running');
const exited = (name: string, exitCode: number, attempt = 0) => rc(name, attempt, 'exited', { exitCode, finishedAt: T(attempt * 10 + 5) });

function input(o: Partial<ComputePodStatusInput> = {}): ComputePodStatusInput {
  return { pod: pod(), sandbox, containers: [], waiting: {}, ready: {}, started: {}, hostIP: '127.10.0.1', now: NOW, ...o };
}

describe('computePodStatus phase', () => {
  it.each<{ desc: string; policy: string; containers: RuntimeContainerStatus[]; waiting: Record<string, { reason: string }>; want: string }>([
    { desc: 'nothing created yet', policy: 'Always', containers: [], waiting: {}, want: 'Pending' },
    { desc: 'one running, one still pulling', policy: 'Always', containers: [running('a')], waiting: { b: { reason: 'ErrImagePull' } }, want: 'Pending' },
    { desc: 'all running', policy: 'Always', containers: [running('a'), running('b')], waiting: {}, want: 'Running' },
    { desc: 'one running, one crash-looping', policy: 'Always', containers: [running('a'), exited('b', 1)], waiting: { b: { reason: 'CrashLoopBackOff' } }, want: 'Running' },
    { desc: 'all exited 0 under Always: restarting', policy: 'Always', containers: [exited('a', 0), exited('b', 0)], waiting: {}, want: 'Running' },
    { desc: 'all exited 0 under OnFailure', policy: 'OnFailure', containers: [exited('a', 0), exited('b', 0)], waiting: {}, want: 'Succeeded' },
    { desc: 'all exited 0 under Never', policy: 'Never', containers: [exited('a', 0), exited('b', 0)], waiting: {}, want: 'Succeeded' },
    { desc: 'one failed under Never', policy: 'Never', containers: [exited('a', 0), exited('b', 2)], waiting: {}, want: 'Failed' },
    { desc: 'one failed under OnFailure: restarting', policy: 'OnFailure', containers: [exited('a', 0), exited('b', 2)], waiting: {}, want: 'Running' },
    { desc: 'one running, one done under Never', policy: 'Never', containers: [running('a'), exited('b', 0)], waiting: {}, want: 'Running' },
    { desc: 'created, not started', policy: 'Always', containers: [rc('a', 0, 'created'), rc('b', 0, 'created')], waiting: {}, want: 'Pending' },
  ])('$desc → $want', ({ policy, containers, waiting, want }) => {
    expect(computePodStatus(input({ pod: pod(policy), containers, waiting })).phase).toBe(want);
  });

  it('keeps a terminal phase', () => {
    const s = computePodStatus(input({ oldStatus: { phase: 'Failed' }, containers: [running('a'), running('b')] }));
    expect(s.phase).toBe('Failed');
    expect(podIsTerminal(s)).toBe(true);
  });
});

describe('computePodStatus conditions', () => {
  const cond = (s: PodStatus, type: string) => {
    const c = getPodCondition(s, type);
    return c && { status: c.status, reason: c.reason, message: c.message };
  };

  it.each<{ desc: string; ready: Record<string, boolean>; gates: { conditionType: string }[] | undefined; extra: PodCondition[]; want: object; wantCR: object }>([
    {
      desc: 'all ready',
      ready: { a: true, b: true },
      gates: undefined,
      extra: [],
      want: { status: 'True', reason: undefined, message: undefined },
      wantCR: { status: 'True', reason: undefined, message: undefined },
    },
    {
      desc: 'two unready',
      ready: {},
      gates: undefined,
      extra: [],
      want: { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [a b]' },
      wantCR: { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [a b]' },
    },
    {
      desc: 'one unready',
      ready: { a: true },
      gates: undefined,
      extra: [],
      want: { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [b]' },
      wantCR: { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [b]' },
    },
    {
      desc: 'readiness gate missing',
      ready: { a: true, b: true },
      gates: [{ conditionType: 'example.com/lb' }],
      extra: [],
      want: { status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.' },
      wantCR: { status: 'True', reason: undefined, message: undefined },
    },
    {
      desc: 'readiness gate False',
      ready: { a: true, b: true },
      gates: [{ conditionType: 'example.com/lb' }],
      extra: [{ type: 'example.com/lb', status: 'False' }],
      want: { status: 'False', reason: 'ReadinessGatesNotReady', message: 'the status of pod readiness gate "example.com/lb" is not "True", but False' },
      wantCR: { status: 'True', reason: undefined, message: undefined },
    },
    {
      desc: 'readiness gate True',
      ready: { a: true, b: true },
      gates: [{ conditionType: 'example.com/lb' }],
      extra: [{ type: 'example.com/lb', status: 'True' }],
      want: { status: 'True', reason: undefined, message: undefined },
      wantCR: { status: 'True', reason: undefined, message: undefined },
    },
  ])('Ready: $desc', ({ ready, gates, extra, want, wantCR }) => {
    const p = pod('Always', ['a', 'b'], { readinessGates: gates });
    const s = computePodStatus(input({ pod: p, oldStatus: { conditions: extra }, containers: [running('a'), running('b')], ready, started: { a: true, b: true } }));
    expect(cond(s, 'Ready')).toEqual(want);
    expect(cond(s, 'ContainersReady')).toEqual(wantCR);
    expect(cond(s, 'PodScheduled')).toEqual({ status: 'True', reason: undefined, message: undefined });
    expect(cond(s, 'Initialized')?.status).toBe('True');
    for (const c of extra) expect(getPodCondition(s, c.type!)).toEqual(c);
  });

  it('counts not-yet-created containers as unready, and reports PodCompleted once succeeded', () => {
    const s1 = computePodStatus(input({ pod: pod('Never'), containers: [running('a')], ready: { a: true } }));
    expect(cond(s1, 'ContainersReady')?.message).toBe('containers with unready status: [b]');
    const s2 = computePodStatus(input({ pod: pod('Never'), containers: [exited('a', 0), exited('b', 0)] }));
    expect(cond(s2, 'Ready')).toEqual({ status: 'False', reason: 'PodCompleted', message: undefined });
  });

  it.each([
    { desc: 'unchanged status keeps the old transition time', oldStatus: 'True', want: Tk(1) },
    { desc: 'changed status takes now', oldStatus: 'False', want: '2024-01-01T00:10:00Z' },
  ])('lastTransitionTime: $desc', ({ oldStatus, want }) => {
    const old: PodStatus = {
      conditions: [
        { type: 'Ready', status: oldStatus, lastTransitionTime: Tk(1) },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: Tk(0) },
      ],
    };
    const s = computePodStatus(input({ pod: pod('Always', ['a']), oldStatus: old, containers: [running('a')], ready: { a: true } }));
    expect(getPodCondition(s, 'Ready')?.lastTransitionTime).toBe(want);
    expect(getPodCondition(s, 'PodScheduled')).toEqual({ type: 'PodScheduled', status: 'True', lastTransitionTime: Tk(0) });
    expect(s.conditions!.filter((c) => c.type === 'PodScheduled')).toHaveLength(1);
  });

  it.each([
    { desc: 'same', a: [{ type: 'Ready', status: 'True', lastTransitionTime: Tk(1) }], b: [{ type: 'Ready', status: 'True', lastTransitionTime: Tk(2) }], want: true },
    { desc: 'status differs', a: [{ type: 'Ready', status: 'True' }], b: [{ type: 'Ready', status: 'False' }], want: false },
    { desc: 'order ignored', a: [{ type: 'A', status: 'True' }, { type: 'B', status: 'True' }], b: [{ type: 'B', status: 'True' }, { type: 'A', status: 'True' }], want: true },
    { desc: 'length differs', a: [{ type: 'A', status: 'True' }], b: [], want: false },
  ])('conditionsEqualIgnoringTime: $desc', ({ a, b, want }) => {
    expect(conditionsEqualIgnoringTime(a, b)).toBe(want);
  });
});

describe('computePodStatus fields and container statuses', () => {
  it('fills IPs, start time and qosClass; sorts containers by spec order', () => {
    const s = computePodStatus(input({ containers: [running('b'), running('a')], ready: { a: true }, started: { a: true, b: true } }));
    expect(s).toMatchObject({
      hostIP: '127.10.0.1',
      hostIPs: [{ ip: '127.10.0.1' }],
      podIP: '127.244.1.7',
      podIPs: [{ ip: '127.244.1.7' }],
      startTime: '2024-01-01T00:10:00Z',
      qosClass: 'BestEffort',
    });
    expect(s.containerStatuses).toEqual([
      { name: 'a', image: 'img-a', imageID: 'k8ts://img-a', containerID: 'k8ts://a-0', restartCount: 0, ready: true, started: true, state: { running: { startedAt: Tk(1) } }, lastState: {} },
      { name: 'b', image: 'img-b', imageID: 'k8ts://img-b', containerID: 'k8ts://b-0', restartCount: 0, ready: false, started: true, state: { running: { startedAt: Tk(1) } }, lastState: {} },
    ]);
  });

  it('keeps startTime and podIP once set', () => {
    const s = computePodStatus(input({ sandbox: undefined, oldStatus: { startTime: Tk(3), podIP: '127.244.1.9' } }));
    expect(s).toMatchObject({ startTime: Tk(3), podIP: '127.244.1.9', podIPs: [{ ip: '127.244.1.9' }] });
  });

  it.each<{ desc: string; containers: RuntimeContainerStatus[]; waiting: Record<string, { reason: string; message?: string }>; want: object }>([
    {
      desc: 'crash loop: waiting with the latest exit as lastState',
      containers: [exited('a', 1, 0), exited('a', 137, 1)],
      waiting: { a: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=a' } },
      want: {
        restartCount: 1,
        containerID: 'k8ts://a-1',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=a' } },
        lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: Tk(11), finishedAt: Tk(15), containerID: 'k8ts://a-1' } },
      },
    },
    {
      desc: 'restarted and running: previous attempt is lastState',
      containers: [running('a', 2), exited('a', 0, 1)],
      waiting: {},
      want: {
        restartCount: 2,
        state: { running: { startedAt: Tk(21) } },
        lastState: { terminated: { exitCode: 0, reason: 'Completed', startedAt: Tk(11), finishedAt: Tk(15), containerID: 'k8ts://a-1' } },
      },
    },
    {
      desc: 'image pull error before creation',
      containers: [],
      waiting: { a: { reason: 'ErrImagePull', message: 'no such image' } },
      want: { restartCount: 0, imageID: '', state: { waiting: { reason: 'ErrImagePull', message: 'no such image' } }, lastState: {} },
    },
    {
      desc: 'not created, no reason: ContainerCreating',
      containers: [],
      waiting: {},
      want: { state: { waiting: { reason: 'ContainerCreating' } } },
    },
    {
      desc: 'exited for good (Never): terminated with runtime reason',
      containers: [rc('a', 0, 'exited', { exitCode: 137, reason: 'OOMKilled', finishedAt: T(4) })],
      waiting: {},
      want: { state: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: Tk(1), finishedAt: Tk(4), containerID: 'k8ts://a-0' } }, lastState: {} },
    },
    {
      desc: 'created-but-failed with a runtime reason',
      containers: [rc('a', 0, 'created', { reason: 'ErrImagePull', message: 'unknown image' })],
      waiting: {},
      want: { started: false, ready: false, state: { waiting: { reason: 'ErrImagePull', message: 'unknown image' } } },
    },
  ])('$desc', ({ containers, waiting, want }) => {
    const s = computePodStatus(input({ pod: pod('Always', ['a']), containers, waiting, ready: { a: true }, started: { a: true } }));
    expect(s.containerStatuses).toHaveLength(1);
    expect(s.containerStatuses![0]).toMatchObject({ name: 'a', ...want });
  });

  it('keeps restartCount and lastState from the old status when the runtime no longer has the container', () => {
    const oldStatus: PodStatus = {
      containerStatuses: [{ name: 'a', restartCount: 4, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }],
    };
    const s = computePodStatus(input({ pod: pod('Always', ['a']), oldStatus, waiting: { a: { reason: 'CrashLoopBackOff' } } }));
    expect(s.containerStatuses![0]).toMatchObject({ restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } });
    expect(s.phase).toBe('Running');
  });
});
