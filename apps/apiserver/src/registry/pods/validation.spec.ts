import type { Pod, PodSpec } from '@k8ts/api';
import { setPodSpecDefaults } from '../podtemplate/defaults';
import { podSpec, summarize } from '../podtemplate/test-fixtures';
import { validatePodUpdate } from './validation';

function pod(mutate: (s: PodSpec) => void = () => undefined): Pod {
  const spec = podSpec();
  mutate(spec);
  setPodSpecDefaults(spec);
  return { metadata: { name: 'p', namespace: 'default' }, spec };
}

describe('validatePodUpdate', () => {
  it.each([
    {
      desc: 'a toleration whose seconds change',
      old: pod((s) => (s.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }])),
      next: pod((s) => (s.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }])),
      want: [],
    },
    {
      desc: 'a removed scheduling gate',
      old: pod((s) => (s.schedulingGates = [{ name: 'example.com/a' }, { name: 'example.com/b' }])),
      next: pod((s) => (s.schedulingGates = [{ name: 'example.com/b' }])),
      want: [],
    },
    {
      desc: 'an added scheduling gate',
      old: pod(),
      next: pod((s) => (s.schedulingGates = [{ name: 'example.com/a' }])),
      want: ['spec.schedulingGates[0].name: FieldValueForbidden'],
    },
    {
      desc: 'a new activeDeadlineSeconds',
      old: pod(),
      next: pod((s) => (s.activeDeadlineSeconds = 30)),
      want: [],
    },
    {
      desc: 'an init container image',
      old: pod((s) => (s.initContainers = [{ name: 'i', image: 'a:1' }])),
      next: pod((s) => (s.initContainers = [{ name: 'i', image: 'a:2' }])),
      want: [],
    },
    {
      desc: 'an added init container',
      old: pod(),
      next: pod((s) => (s.initContainers = [{ name: 'i', image: 'a:1' }])),
      want: ['spec.initContainers: FieldValueForbidden'],
    },
  ])('$desc', ({ old, next, want }) => {
    expect(summarize(validatePodUpdate(next, old))).toEqual(want);
  });

  it('allows a negative grace period (stored by old servers) to become 1', () => {
    const old = pod((s) => (s.terminationGracePeriodSeconds = -1));
    const next = pod((s) => (s.terminationGracePeriodSeconds = 1));
    expect(summarize(validatePodUpdate(next, old))).toEqual([]);
    expect(summarize(validatePodUpdate(pod((s) => (s.terminationGracePeriodSeconds = 2)), old))).toEqual(['spec: FieldValueForbidden']);
  });
});
