import type { Pod } from '@k8ts/api';
import { newNodeInfo } from '../../framework/node-info';
import { runFilter } from '../../testing/plugin-harness';
import { NodeOptions, newNode, newPod } from '../../testing/builders';
import { NodeResourcesFit, name } from './node-resources-fit';

describe(name, () => {
  const node: NodeOptions = { name: 'n1', cpu: '4', memory: '8Gi', pods: 110 };
  const existing = (cpu: string, memory: string, i = 0) => newPod({ name: `e${i}`, cpu, memory, nodeName: 'n1' });

  it.each<{ desc: string; node?: Partial<NodeOptions>; existing?: Pod[]; pod: Pod; code: string; reasons: string[] }>([
    { desc: 'fits an empty node', pod: newPod({ name: 'p', cpu: '1', memory: '1Gi' }), code: 'Success', reasons: [] },
    {
      desc: 'fits exactly what is left',
      existing: [existing('3', '6Gi')],
      pod: newPod({ name: 'p', cpu: '1', memory: '2Gi' }),
      code: 'Success',
      reasons: [],
    },
    {
      desc: 'not enough cpu left',
      existing: [existing('3500m', '1Gi')],
      pod: newPod({ name: 'p', cpu: '1', memory: '1Gi' }),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    },
    {
      desc: 'not enough memory left',
      existing: [existing('1', '7Gi')],
      pod: newPod({ name: 'p', cpu: '1', memory: '2Gi' }),
      code: 'Unschedulable',
      reasons: ['Insufficient memory'],
    },
    {
      desc: 'every shortfall is reported',
      pod: newPod({ name: 'p', cpu: '5', memory: '9Gi' }),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu', 'Insufficient memory'],
    },
    {
      desc: 'pod count limit reached, even for a best-effort pod',
      node: { pods: 1 },
      existing: [existing('0', '0')],
      pod: newPod({ name: 'p' }),
      code: 'Unschedulable',
      reasons: ['Too many pods'],
    },
    {
      desc: 'pod count comes first among the reasons',
      node: { pods: 1 },
      existing: [existing('4', '1Gi')],
      pod: newPod({ name: 'p', cpu: '1' }),
      code: 'Unschedulable',
      reasons: ['Too many pods', 'Insufficient cpu'],
    },
    {
      desc: 'best-effort pod fits a node whose cpu is fully requested',
      existing: [existing('4', '8Gi')],
      pod: newPod({ name: 'p' }),
      code: 'Success',
      reasons: [],
    },
    {
      desc: 'an init container bigger than the app containers sets the request',
      existing: [existing('2', '1Gi')],
      pod: newPod({
        name: 'p',
        cpu: '1',
        initContainers: [{ name: 'init', resources: { requests: { cpu: '3' } } }],
      }),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    },
    {
      desc: 'init containers smaller than the app containers do not add up',
      existing: [existing('2', '1Gi')],
      pod: newPod({
        name: 'p',
        cpu: '2',
        initContainers: [
          { name: 'i1', resources: { requests: { cpu: '1' } } },
          { name: 'i2', resources: { requests: { cpu: '1' } } },
        ],
      }),
      code: 'Success',
      reasons: [],
    },
    {
      desc: 'a sidecar (restartable init container) adds to the app containers',
      existing: [existing('2600m', '1Gi')],
      pod: newPod({
        name: 'p',
        cpu: '1',
        initContainers: [{ name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } }],
      }),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    },
    {
      desc: 'pod overhead counts',
      existing: [existing('3', '1Gi')],
      pod: newPod({ name: 'p', cpu: '1', overhead: { cpu: '100m' } }),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    },
    {
      desc: 'extended resource the node does not offer',
      pod: newPod({ name: 'p', requests: { 'example.com/gpu': '1' } }),
      code: 'Unschedulable',
      reasons: ['Insufficient example.com/gpu'],
    },
    {
      desc: 'extended resource the node offers',
      node: { extraResources: { 'example.com/gpu': '2' } },
      pod: newPod({ name: 'p', requests: { 'example.com/gpu': '2' } }),
      code: 'Success',
      reasons: [],
    },
    {
      desc: 'ephemeral storage the node does not offer',
      pod: newPod({ name: 'p', requests: { 'ephemeral-storage': '1Gi' } }),
      code: 'Unschedulable',
      reasons: ['Insufficient ephemeral-storage'],
    },
  ])('$desc', (tc) => {
    const ni = newNodeInfo(newNode({ ...node, ...tc.node }), tc.existing ?? []);
    const status = runFilter(new NodeResourcesFit(), tc.pod, ni);
    expect(status.code).toBe(tc.code);
    expect(status.reasons).toEqual(tc.reasons);
  });
});
