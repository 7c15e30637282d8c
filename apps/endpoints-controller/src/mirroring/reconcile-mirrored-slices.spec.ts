import type { EndpointSlice, Endpoints, EndpointSubset } from '@k8ts/api';
import { testService } from '../testing/fixtures';
import { MIRRORING_CONTROLLER_NAME } from './desired-mirrored-slices';
import { reconcileMirroredSlices } from './reconcile-mirrored-slices';

const service = testService({ name: 'ext-db', noSelector: true });
const withSelector = testService({ name: 'ext-db' });

function endpoints(subsets: EndpointSubset[], labels: Record<string, string> = {}, annotations?: Record<string, string>): Endpoints {
  return { metadata: { name: 'ext-db', namespace: 'default', labels, ...(annotations ? { annotations } : {}) }, subsets };
}

const tcp = (name: string, port: number) => ({ name, port, protocol: 'TCP' });
const addr = (ip: string, extra: Record<string, unknown> = {}) => ({ ip, ...extra });

/** A mirrored slice as the controller would have written it (for "existing" inputs). */
function mirrored(name: string, ips: string[], ports = [tcp('pg', 5432)], addressType = 'IPv4', labels: Record<string, string> = {}): EndpointSlice {
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: { ...labels, 'kubernetes.io/service-name': 'ext-db', 'endpointslice.kubernetes.io/managed-by': MIRRORING_CONTROLLER_NAME },
      annotations: {},
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'ext-db', uid: 'uid-svc-ext-db', controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports,
  };
}

function summary(c: ReturnType<typeof reconcileMirroredSlices>) {
  const show = (s: EndpointSlice) => `${s.metadata?.name ?? s.metadata?.generateName}:${s.addressType}:${(s.ports ?? []).map((p) => `${p.name}/${p.port}`).join('+')}:${(s.endpoints ?? []).map((e) => `${e.addresses?.[0]}${e.conditions?.ready ? '' : '(nr)'}`).join(',')}`;
  return { create: c.create.map(show), update: c.update.map(show), delete: c.delete.map((s) => s.metadata?.name), skipped: c.skipped };
}

describe('reconcileMirroredSlices', () => {
  it.each([
    {
      desc: 'new Endpoints: one slice per port set, ready then not-ready',
      svc: service,
      eps: endpoints([{ addresses: [addr('10.0.0.1'), addr('10.0.0.2')], notReadyAddresses: [addr('10.0.0.3')], ports: [tcp('pg', 5432)] }]),
      existing: [],
      want: { create: ['ext-db-:IPv4:pg/5432:10.0.0.1,10.0.0.2,10.0.0.3(nr)'], update: [], delete: [], skipped: 0 },
    },
    {
      desc: 'two subsets with different ports: two slices',
      svc: service,
      eps: endpoints([
        { addresses: [addr('10.0.0.1')], ports: [tcp('pg', 5432)] },
        { addresses: [addr('10.0.0.9')], ports: [tcp('metrics', 9187)] },
      ]),
      existing: [],
      want: { create: ['ext-db-:IPv4:pg/5432:10.0.0.1', 'ext-db-:IPv4:metrics/9187:10.0.0.9'], update: [], delete: [] },
    },
    {
      desc: 'subsets with the same ports (any order) merge',
      svc: service,
      eps: endpoints([
        { addresses: [addr('10.0.0.1')], ports: [tcp('a', 1), tcp('b', 2)] },
        { addresses: [addr('10.0.0.2')], ports: [tcp('b', 2), tcp('a', 1)] },
      ]),
      existing: [],
      want: { create: ['ext-db-:IPv4:a/1+b/2:10.0.0.1,10.0.0.2'] },
    },
    {
      desc: 'IPv4 and IPv6 addresses: a slice per address type; non-IPs skipped',
      svc: service,
      eps: endpoints([{ addresses: [addr('10.0.0.1'), addr('fd00::1'), addr('db.example.com')], ports: [tcp('pg', 5432)] }]),
      existing: [],
      want: { create: ['ext-db-:IPv4:pg/5432:10.0.0.1', 'ext-db-:IPv6:pg/5432:fd00::1'], skipped: 1 },
    },
    {
      desc: 'up to date: no writes',
      svc: service,
      eps: endpoints([{ addresses: [addr('10.0.0.1')], ports: [tcp('pg', 5432)] }]),
      existing: [mirrored('ext-db-abc', ['10.0.0.1'])],
      want: { create: [], update: [], delete: [] },
    },
    {
      desc: 'an address added: the slice is updated in place',
      svc: service,
      eps: endpoints([{ addresses: [addr('10.0.0.1'), addr('10.0.0.2')], ports: [tcp('pg', 5432)] }]),
      existing: [mirrored('ext-db-abc', ['10.0.0.1'])],
      want: { create: [], update: ['ext-db-abc:IPv4:pg/5432:10.0.0.1,10.0.0.2'], delete: [] },
    },
    {
      desc: 'ports changed: the old slice is reused (update, not delete + create)',
      svc: service,
      eps: endpoints([{ addresses: [addr('10.0.0.1')], ports: [tcp('pg', 6432)] }]),
      existing: [mirrored('ext-db-abc', ['10.0.0.1'])],
      want: { create: [], update: ['ext-db-abc:IPv4:pg/6432:10.0.0.1'], delete: [] },
    },
    {
      desc: 'Endpoints labels changed: slice labels follow',
      svc: service,
      eps: endpoints([{ addresses: [addr('10.0.0.1')], ports: [tcp('pg', 5432)] }], { team: 'a' }),
      existing: [mirrored('ext-db-abc', ['10.0.0.1'])],
      want: { update: ['ext-db-abc:IPv4:pg/5432:10.0.0.1'] },
    },
    {
      desc: 'a duplicate slice of one group: the extra one is deleted',
      svc: service,
      eps: endpoints([{ addresses: [addr('10.0.0.1')], ports: [tcp('pg', 5432)] }]),
      existing: [mirrored('ext-db-abc', ['10.0.0.1']), mirrored('ext-db-def', ['10.0.0.1'])],
      want: { create: [], update: [], delete: ['ext-db-def'] },
    },
    {
      desc: 'Endpoints emptied: slices deleted',
      svc: service,
      eps: endpoints([]),
      existing: [mirrored('ext-db-abc', ['10.0.0.1'])],
      want: { create: [], update: [], delete: ['ext-db-abc'] },
    },
    {
      desc: 'Endpoints gone: slices deleted',
      svc: service,
      eps: undefined,
      existing: [mirrored('ext-db-abc', ['10.0.0.1'])],
      want: { delete: ['ext-db-abc'] },
    },
    {
      desc: 'Service gone: slices deleted',
      svc: undefined,
      eps: endpoints([{ addresses: [addr('10.0.0.1')], ports: [tcp('pg', 5432)] }]),
      existing: [mirrored('ext-db-abc', ['10.0.0.1'])],
      want: { create: [], delete: ['ext-db-abc'] },
    },
    {
      desc: 'Service got a selector: mirroring stops (the EndpointSlice controller takes over)',
      svc: withSelector,
      eps: endpoints([{ addresses: [addr('10.0.0.1')], ports: [tcp('pg', 5432)] }]),
      existing: [mirrored('ext-db-abc', ['10.0.0.1'])],
      want: { create: [], delete: ['ext-db-abc'] },
    },
    {
      desc: 'skip-mirror=true: nothing mirrored',
      svc: service,
      eps: endpoints([{ addresses: [addr('10.0.0.1')], ports: [tcp('pg', 5432)] }], { 'endpointslice.kubernetes.io/skip-mirror': 'true' }),
      existing: [mirrored('ext-db-abc', ['10.0.0.1'])],
      want: { create: [], update: [], delete: ['ext-db-abc'] },
    },
    {
      desc: 'leader-election Endpoints: not mirrored',
      svc: service,
      eps: endpoints([{ addresses: [addr('10.0.0.1')], ports: [tcp('pg', 5432)] }], {}, { 'control-plane.alpha.kubernetes.io/leader': '{}' }),
      existing: [],
      want: { create: [], update: [], delete: [] },
    },
  ])('$desc', ({ svc, eps, existing, want }) => {
    expect(summary(reconcileMirroredSlices(svc, eps, existing))).toMatchObject(want);
  });

  it('new slices carry labels, annotations (minus trigger time), owner reference and endpoint details', () => {
    const eps = endpoints(
      [{ addresses: [addr('10.0.0.1', { hostname: 'db-0', nodeName: 'node-30', targetRef: { kind: 'Pod', name: 'db-0', namespace: 'default' } })], ports: [{ name: 'pg', port: 5432, protocol: 'TCP', appProtocol: 'postgresql' }] }],
      { team: 'a', 'endpointslice.kubernetes.io/managed-by': 'someone' },
      { note: 'x', 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00Z' },
    );
    const [slice] = reconcileMirroredSlices(service, eps, []).create;
    expect(slice.metadata).toMatchObject({
      generateName: 'ext-db-',
      labels: { team: 'a', 'kubernetes.io/service-name': 'ext-db', 'endpointslice.kubernetes.io/managed-by': MIRRORING_CONTROLLER_NAME },
      annotations: { note: 'x' },
      ownerReferences: [{ kind: 'Service', name: 'ext-db', uid: 'uid-svc-ext-db', controller: true }],
    });
    expect(slice.metadata?.annotations).not.toHaveProperty('endpoints.kubernetes.io/last-change-trigger-time');
    expect(slice.endpoints).toEqual([{ addresses: ['10.0.0.1'], conditions: { ready: true }, hostname: 'db-0', nodeName: 'node-30', targetRef: { kind: 'Pod', name: 'db-0', namespace: 'default' } }]);
    expect(slice.ports).toEqual([{ name: 'pg', port: 5432, protocol: 'TCP', appProtocol: 'postgresql' }]);
  });

  it('more addresses than the per-subset limit: the rest are skipped; slices hold at most the limit', () => {
    const addresses = Array.from({ length: 7 }, (_, i) => addr(`10.0.0.${i + 1}`));
    const eps = endpoints([{ addresses, ports: [tcp('pg', 5432)] }, { addresses: [addr('10.0.1.1')], ports: [tcp('pg', 5432)] }]);
    const c = reconcileMirroredSlices(service, eps, [], { maxEndpointsPerSubset: 3 });
    expect(c.skipped).toBe(4);
    expect(c.create.map((s) => s.endpoints?.length)).toEqual([3, 1]);
  });

  it('never mutates its inputs', () => {
    const existing = [mirrored('ext-db-abc', ['10.0.0.1'])];
    const frozen = JSON.stringify(existing);
    reconcileMirroredSlices(service, endpoints([{ addresses: [addr('10.0.0.2')], ports: [tcp('pg', 6432)] }]), existing);
    expect(JSON.stringify(existing)).toBe(frozen);
  });
});
