import type { PodStatus } from '@k8ts/api';
import { ownedStatusDrifted } from './pod-sync';

const ready = (s: string): PodStatus => ({ phase: 'Running', conditions: [{ type: 'Ready', status: s }, { type: 'ContainersReady', status: s }] });

describe('ownedStatusDrifted', () => {
  it.each([
    { desc: 'same phase and conditions', current: ready('True'), computed: ready('True'), want: false },
    { desc: 'another writer set Ready=False (node lifecycle controller)', current: ready('False'), computed: ready('True'), want: true },
    { desc: 'phase differs', current: { ...ready('True'), phase: 'Pending' }, computed: ready('True'), want: true },
    { desc: 'no status yet', current: undefined, computed: ready('True'), want: true },
    { desc: 'conditions the kubelet does not own are ignored', current: { ...ready('True'), conditions: [...(ready('True').conditions ?? []), { type: 'DisruptionTarget', status: 'True' }] }, computed: ready('True'), want: false },
  ])('$desc', ({ current, computed, want }) => {
    expect(ownedStatusDrifted(current, computed)).toBe(want);
  });
});
