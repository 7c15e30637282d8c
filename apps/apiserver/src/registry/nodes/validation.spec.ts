import type { Node, NodeSpec, NodeStatus } from '@k8ts/api';
import { fieldErrorToString } from '@k8ts/apimachinery';
import { nodeStrategy } from './strategy';

const node = (spec: NodeSpec = {}, status: NodeStatus = {}): Node => ({
  metadata: { name: 'node-1' },
  spec: structuredClone(spec),
  status: structuredClone(status),
});

function validateNew(spec: NodeSpec, status: NodeStatus = {}) {
  const n = node(spec, status);
  nodeStrategy.prepareForCreate(n);
  nodeStrategy.defaults(n);
  return nodeStrategy.validate(n);
}

describe('nodeStrategy.validate', () => {
  it.each<{ desc: string; spec: NodeSpec; status?: NodeStatus }>([
    { desc: 'an empty node', spec: {} },
    { desc: 'a podCIDR', spec: { podCIDR: '10.244.1.0/24' } },
    { desc: 'dual-stack podCIDRs', spec: { podCIDRs: ['10.244.1.0/24', 'fd00:1::/64'] } },
    {
      desc: 'taints',
      spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] },
    },
    {
      desc: 'a kubelet status',
      spec: {},
      status: {
        capacity: { cpu: '4', memory: '8Gi', pods: '110', 'example.com/gpu': '2' },
        addresses: [
          { type: 'InternalIP', address: '127.0.0.1' },
          { type: 'Hostname', address: 'node-1' },
        ],
      },
    },
  ])('accepts $desc', ({ spec, status }) => {
    expect(validateNew(spec, status).map(fieldErrorToString)).toEqual([]);
  });

  it.each<{ desc: string; spec: NodeSpec; status?: NodeStatus; field: string; type: string }>([
    { desc: 'a podCIDR that is no CIDR', spec: { podCIDR: '10.244.1.0' }, field: 'spec.podCIDRs[0]', type: 'FieldValueInvalid' },
    { desc: 'a podCIDR with host bits', spec: { podCIDRs: ['10.244.1.1/24'] }, field: 'spec.podCIDRs[0]', type: 'FieldValueInvalid' },
    { desc: 'two IPv4 podCIDRs', spec: { podCIDRs: ['10.244.1.0/24', '10.244.2.0/24'] }, field: 'spec.podCIDRs', type: 'FieldValueInvalid' },
    { desc: 'a taint key that is no qualified name', spec: { taints: [{ key: 'not valid', effect: 'NoSchedule' }] }, field: 'spec.taints[0].key', type: 'FieldValueInvalid' },
    { desc: 'a taint value that is no label value', spec: { taints: [{ key: 'a', value: 'not valid!', effect: 'NoSchedule' }] }, field: 'spec.taints[0].value', type: 'FieldValueInvalid' },
    { desc: 'a taint without effect', spec: { taints: [{ key: 'a' }] }, field: 'spec.taints[0].effect', type: 'FieldValueRequired' },
    { desc: 'an unknown taint effect', spec: { taints: [{ key: 'a', effect: 'NoAdmit' }] }, field: 'spec.taints[0].effect', type: 'FieldValueNotSupported' },
    {
      desc: 'a repeated key and effect',
      spec: { taints: [{ key: 'a', value: '1', effect: 'NoSchedule' }, { key: 'a', value: '2', effect: 'NoSchedule' }] },
      field: 'spec.taints[1]',
      type: 'FieldValueDuplicate',
    },
    { desc: 'an unparseable capacity', spec: {}, status: { capacity: { cpu: 'four' } }, field: 'status.capacity.cpu', type: 'FieldValueInvalid' },
    { desc: 'a negative allocatable', spec: {}, status: { allocatable: { memory: '-1Gi' } }, field: 'status.allocatable.memory', type: 'FieldValueInvalid' },
    { desc: 'fractional pods', spec: {}, status: { capacity: { pods: '1500m' } }, field: 'status.capacity.pods', type: 'FieldValueInvalid' },
    { desc: 'a fractional extended resource', spec: {}, status: { capacity: { 'example.com/gpu': '0.5' } }, field: 'status.capacity.example.com/gpu', type: 'FieldValueInvalid' },
    { desc: 'an unknown address type', spec: {}, status: { addresses: [{ type: 'VPNIP', address: '10.8.0.1' }] }, field: 'status.addresses[0].type', type: 'FieldValueNotSupported' },
  ])('rejects $desc', ({ spec, status, field, type }) => {
    expect(validateNew(spec, status).map((e) => [e.field, e.type])).toContainEqual([field, type]);
  });

  it('words an unparseable quantity as upstream does', () => {
    expect(validateNew({}, { capacity: { cpu: 'four' } }).map(fieldErrorToString)).toContain(
      `status.capacity.cpu: Invalid value: "four": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  });
});

describe('nodeStrategy.validateUpdate', () => {
  const update = (old: Node, change: (n: Node) => void, subresource: '' | 'status' = '') => {
    const n = structuredClone(old);
    change(n);
    nodeStrategy.prepareForUpdate(n, old, subresource);
    nodeStrategy.defaults(n);
    return nodeStrategy.validateUpdate(n, old);
  };

  it.each<{ desc: string; old: Node; change: (n: Node) => void; subresource?: 'status' }>([
    { desc: 'assigning podCIDRs to a node without', old: node(), change: (n) => (n.spec!.podCIDRs = ['10.244.3.0/24']) },
    { desc: 'setting providerID once', old: node(), change: (n) => (n.spec!.providerID = 'k8ts://node-1') },
    { desc: 'cordoning', old: node(), change: (n) => (n.spec!.unschedulable = true) },
    { desc: 'replacing taints', old: node({ taints: [{ key: 'a', effect: 'NoSchedule' }] }), change: (n) => (n.spec!.taints = [{ key: 'b', effect: 'NoExecute' }]) },
    {
      desc: 'a status write with new addresses',
      old: node(),
      change: (n) => (n.status = { addresses: [{ type: 'InternalIP', address: '127.0.0.2' }] }),
      subresource: 'status',
    },
  ])('allows $desc', ({ old, change, subresource }) => {
    expect(update(old, change, subresource).map(fieldErrorToString)).toEqual([]);
  });

  it.each<{ desc: string; old: Node; change: (n: Node) => void; subresource?: 'status'; field: string; type: string }>([
    {
      desc: 'changing podCIDRs',
      old: node({ podCIDRs: ['10.244.1.0/24'] }),
      change: (n) => {
        n.spec!.podCIDRs = ['10.244.2.0/24'];
        n.spec!.podCIDR = '10.244.2.0/24';
      },
      field: 'spec.podCIDRs',
      type: 'FieldValueForbidden',
    },
    {
      desc: 'removing podCIDRs',
      old: node({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] }),
      change: (n) => {
        n.spec!.podCIDRs = [];
        n.spec!.podCIDR = undefined;
      },
      field: 'spec.podCIDRs',
      type: 'FieldValueForbidden',
    },
    { desc: 'changing providerID', old: node({ providerID: 'a://1' }), change: (n) => (n.spec!.providerID = 'a://2'), field: 'spec.providerID', type: 'FieldValueForbidden' },
    { desc: 'changing externalID', old: node({ externalID: 'x' }), change: (n) => (n.spec!.externalID = 'y'), field: 'spec.externalID', type: 'FieldValueForbidden' },
    {
      desc: 'repeated addresses in a status write',
      old: node(),
      change: (n) => (n.status = { addresses: [{ type: 'InternalIP', address: '127.0.0.2' }, { type: 'InternalIP', address: '127.0.0.2' }] }),
      subresource: 'status',
      field: 'status.addresses[1]',
      type: 'FieldValueDuplicate',
    },
  ])('rejects $desc', ({ old, change, subresource, field, type }) => {
    expect(update(old, change, subresource).map((e) => [e.field, e.type])).toContainEqual([field, type]);
  });
});
