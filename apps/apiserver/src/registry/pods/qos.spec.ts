import type { PodSpec, ResourceRequirements } from '@k8ts/api';
import { computePodQOS } from './qos';

const spec = (...resources: (ResourceRequirements | undefined)[]): PodSpec => ({
  containers: resources.map((r, i) => ({ name: `c${i}`, image: 'x:1', resources: r })),
});

describe('computePodQOS', () => {
  it.each([
    { desc: 'no resources at all', spec: spec(undefined), want: 'BestEffort' },
    { desc: 'only zero quantities', spec: spec({ requests: { cpu: '0' } }), want: 'BestEffort' },
    { desc: 'resources other than cpu and memory', spec: spec({ limits: { 'ephemeral-storage': '1Gi' } }), want: 'BestEffort' },
    {
      desc: 'cpu and memory limits equal to requests',
      spec: spec({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '0.1', memory: '64Mi' } }),
      want: 'Guaranteed',
    },
    {
      desc: 'requests below limits',
      spec: spec({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } }),
      want: 'Burstable',
    },
    { desc: 'only a memory limit', spec: spec({ requests: { memory: '64Mi' }, limits: { memory: '64Mi' } }), want: 'Burstable' },
    { desc: 'only requests', spec: spec({ requests: { cpu: '100m' } }), want: 'Burstable' },
    {
      desc: 'one guaranteed and one best-effort container',
      spec: spec({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, undefined),
      want: 'Burstable',
    },
    {
      desc: 'guaranteed pod-level resources',
      spec: { ...spec(undefined), resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
      want: 'Guaranteed',
    },
  ])('$desc → $want', ({ spec, want }) => {
    expect(computePodQOS(spec)).toBe(want);
  });

  it('counts init containers', () => {
    const s = spec({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    s.initContainers = [{ name: 'init', image: 'x:1', resources: { requests: { cpu: '100m' } } }];
    expect(computePodQOS(s)).toBe('Burstable');
  });
});
