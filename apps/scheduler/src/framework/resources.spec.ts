import type { Container, Pod } from '@k8ts/api';
import { newNode, newPod } from '../testing/builders';
import { DEFAULT_MEMORY_REQUEST, nodeAllocatable, podRequests, quantityToNumber } from './resources';

const c = (name: string, requests: Record<string, string>, restartPolicy?: string): Container => ({
  name,
  restartPolicy,
  resources: { requests },
});

function withPodLevelRequests(pod: Pod, requests: Record<string, string>): Pod {
  return { ...pod, spec: { ...pod.spec, resources: { requests } } };
}

describe('podRequests', () => {
  it.each<{ desc: string; pod: Pod; nonMissing?: boolean; cpu: number; memory: number }>([
    { desc: 'best-effort pod', pod: newPod({ name: 'p' }), cpu: 0, memory: 0 },
    { desc: 'one container', pod: newPod({ name: 'p', cpu: '250m', memory: '64Mi' }), cpu: 250, memory: 64 * 2 ** 20 },
    {
      desc: 'containers add up',
      pod: newPod({ name: 'p', containers: [c('a', { cpu: '1' }), c('b', { cpu: '500m', memory: '1Gi' })] }),
      cpu: 1500,
      memory: 2 ** 30,
    },
    {
      desc: 'the largest init container wins when bigger than the containers',
      pod: newPod({ name: 'p', cpu: '1', initContainers: [c('i1', { cpu: '3' }), c('i2', { cpu: '2', memory: '1Gi' })] }),
      cpu: 3000,
      memory: 2 ** 30,
    },
    {
      desc: 'sidecars add to the containers and to later init containers',
      pod: newPod({
        name: 'p',
        cpu: '1',
        initContainers: [c('side', { cpu: '500m' }, 'Always'), c('init', { cpu: '2' })],
      }),
      cpu: 2500, // max(1 + 0.5, 2 + 0.5)
      memory: 0,
    },
    {
      desc: 'init container started before a sidecar does not include it',
      pod: newPod({
        name: 'p',
        cpu: '1',
        initContainers: [c('init', { cpu: '2' }), c('side', { cpu: '500m' }, 'Always')],
      }),
      cpu: 2000, // max(1 + 0.5, 2)
      memory: 0,
    },
    {
      desc: 'pod-level requests replace the container sum',
      pod: withPodLevelRequests(newPod({ name: 'p', cpu: '1', memory: '1Gi' }), { cpu: '3' }),
      cpu: 3000,
      memory: 2 ** 30,
    },
    { desc: 'overhead is added', pod: newPod({ name: 'p', cpu: '1', overhead: { cpu: '100m', memory: '10Mi' } }), cpu: 1100, memory: 10 * 2 ** 20 },
    {
      desc: 'non-missing defaults fill unset cpu and memory',
      pod: newPod({ name: 'p', cpu: '0' }),
      nonMissing: true,
      cpu: 0, // explicitly zero stays zero
      memory: DEFAULT_MEMORY_REQUEST,
    },
    {
      desc: 'non-missing defaults apply per container',
      pod: newPod({ name: 'p', containers: [c('a', { cpu: '1' }), c('b', {})] }),
      nonMissing: true,
      cpu: 1100,
      memory: 2 * DEFAULT_MEMORY_REQUEST,
    },
  ])('$desc', ({ pod, nonMissing, cpu, memory }) => {
    const r = podRequests(pod, { nonMissingDefaults: nonMissing });
    expect({ cpu: r.milliCPU, memory: r.memory }).toEqual({ cpu, memory });
  });

  it('keeps ephemeral storage and extended resources', () => {
    const r = podRequests(newPod({ name: 'p', requests: { 'ephemeral-storage': '1Gi', 'example.com/gpu': '2' } }));
    expect(r.ephemeralStorage).toBe(2 ** 30);
    expect([...r.scalar]).toEqual([['example.com/gpu', 2]]);
  });
});

describe('quantityToNumber', () => {
  it.each([
    { desc: 'cpu in millicores', name: 'cpu', q: '1.5', want: 1500 },
    { desc: 'cpu milli form', name: 'cpu', q: '250m', want: 250 },
    { desc: 'binary suffix', name: 'memory', q: '1Ki', want: 1024 },
    { desc: 'decimal suffix', name: 'memory', q: '1M', want: 1_000_000 },
    { desc: 'rounds up fractions', name: 'memory', q: '1500m', want: 2 },
    { desc: 'garbage counts as 0', name: 'memory', q: 'lots', want: 0 },
    { desc: 'missing', name: 'memory', q: undefined, want: 0 },
  ])('$desc', ({ name, q, want }) => {
    expect(quantityToNumber(name, q)).toBe(want);
  });
});

describe('nodeAllocatable', () => {
  it('reads status.allocatable', () => {
    const a = nodeAllocatable(newNode({ name: 'n', cpu: '3500m', memory: '2Gi', pods: 20, extraResources: { 'example.com/gpu': '4' } }));
    expect(a.milliCPU).toBe(3500);
    expect(a.memory).toBe(2 ** 31);
    expect(a.allowedPodNumber).toBe(20);
    expect(a.scalar.get('example.com/gpu')).toBe(4);
  });

  it('a node without allocatable offers nothing', () => {
    const a = nodeAllocatable({ metadata: { name: 'n' } });
    expect([a.milliCPU, a.memory, a.allowedPodNumber]).toEqual([0, 0, 0]);
  });
});
