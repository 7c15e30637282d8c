import type { NodeSelectorRequirement, NodeSelectorTerm } from '@k8ts/api';
import { newNodeInfo } from '../../framework/node-info';
import { runFilter } from '../../testing/plugin-harness';
import { newNode, newPod } from '../../testing/builders';
import { ERR_REASON_POD, NodeAffinity, name } from './node-affinity';

const expr = (key: string, operator: string, values?: string[]): NodeSelectorRequirement => ({ key, operator, values });
const terms = (...t: NodeSelectorTerm[]) => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: t } },
});

describe(name, () => {
  const labels = { zone: 'a', disk: 'ssd', cores: '8' };
  const ok = { code: 'Success', reasons: [] as string[] };
  const no = { code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_POD] };

  it.each<{
    desc: string;
    nodeSelector?: Record<string, string>;
    affinity?: ReturnType<typeof terms>;
    want: { code: string; reasons: string[] };
  }>([
    { desc: 'no selector and no affinity', want: ok },
    { desc: 'nodeSelector matches', nodeSelector: { zone: 'a', disk: 'ssd' }, want: ok },
    { desc: 'nodeSelector value differs', nodeSelector: { zone: 'b' }, want: no },
    { desc: 'nodeSelector key missing', nodeSelector: { gpu: 'yes' }, want: no },
    { desc: 'In matches', affinity: terms({ matchExpressions: [expr('zone', 'In', ['a', 'b'])] }), want: ok },
    { desc: 'In does not match', affinity: terms({ matchExpressions: [expr('zone', 'In', ['b'])] }), want: no },
    { desc: 'NotIn matches', affinity: terms({ matchExpressions: [expr('zone', 'NotIn', ['b'])] }), want: ok },
    { desc: 'NotIn excludes', affinity: terms({ matchExpressions: [expr('zone', 'NotIn', ['a'])] }), want: no },
    { desc: 'NotIn on a missing label matches', affinity: terms({ matchExpressions: [expr('gpu', 'NotIn', ['x'])] }), want: ok },
    { desc: 'Exists', affinity: terms({ matchExpressions: [expr('disk', 'Exists')] }), want: ok },
    { desc: 'Exists on a missing label', affinity: terms({ matchExpressions: [expr('gpu', 'Exists')] }), want: no },
    { desc: 'DoesNotExist', affinity: terms({ matchExpressions: [expr('gpu', 'DoesNotExist')] }), want: ok },
    { desc: 'DoesNotExist on a present label', affinity: terms({ matchExpressions: [expr('disk', 'DoesNotExist')] }), want: no },
    { desc: 'Gt matches', affinity: terms({ matchExpressions: [expr('cores', 'Gt', ['4'])] }), want: ok },
    { desc: 'Gt does not match', affinity: terms({ matchExpressions: [expr('cores', 'Gt', ['8'])] }), want: no },
    { desc: 'Lt matches', affinity: terms({ matchExpressions: [expr('cores', 'Lt', ['16'])] }), want: ok },
    { desc: 'Gt on a non-integer label', affinity: terms({ matchExpressions: [expr('zone', 'Gt', ['1'])] }), want: no },
    { desc: 'Gt with two values is invalid', affinity: terms({ matchExpressions: [expr('cores', 'Gt', ['1', '2'])] }), want: no },
    {
      desc: 'expressions in a term are ANDed',
      affinity: terms({ matchExpressions: [expr('zone', 'In', ['a']), expr('disk', 'In', ['hdd'])] }),
      want: no,
    },
    {
      desc: 'terms are ORed',
      affinity: terms({ matchExpressions: [expr('zone', 'In', ['b'])] }, { matchExpressions: [expr('disk', 'In', ['ssd'])] }),
      want: ok,
    },
    {
      desc: 'an invalid term does not match, the others still count',
      affinity: terms({ matchExpressions: [expr('zone', 'Near', ['a'])] }, { matchExpressions: [expr('zone', 'In', ['a'])] }),
      want: ok,
    },
    { desc: 'an empty term matches nothing', affinity: terms({}), want: no },
    { desc: 'a required selector without terms matches nothing', affinity: terms(), want: no },
    { desc: 'matchFields metadata.name In', affinity: terms({ matchFields: [expr('metadata.name', 'In', ['n1'])] }), want: ok },
    { desc: 'matchFields metadata.name In another node', affinity: terms({ matchFields: [expr('metadata.name', 'In', ['n2'])] }), want: no },
    { desc: 'matchFields metadata.name NotIn', affinity: terms({ matchFields: [expr('metadata.name', 'NotIn', ['n2'])] }), want: ok },
    { desc: 'matchFields on another field is invalid', affinity: terms({ matchFields: [expr('spec.podCIDR', 'In', ['x'])] }), want: no },
    {
      desc: 'matchFields and matchExpressions are ANDed',
      affinity: terms({ matchExpressions: [expr('zone', 'In', ['a'])], matchFields: [expr('metadata.name', 'In', ['n2'])] }),
      want: no,
    },
    {
      desc: 'nodeSelector and affinity must both match',
      nodeSelector: { zone: 'a' },
      affinity: terms({ matchExpressions: [expr('disk', 'In', ['hdd'])] }),
      want: no,
    },
  ])('$desc', ({ nodeSelector, affinity, want }) => {
    const status = runFilter(
      new NodeAffinity(),
      newPod({ name: 'p', nodeSelector, affinity }),
      newNodeInfo(newNode({ name: 'n1', labels })),
    );
    expect({ code: status.code, reasons: status.reasons }).toEqual(want);
  });
});
