// Rule computation, table-tested end to end through the change trackers,
// syncProxyRules and the FakeDataplane.
import type { EndpointSlice, Service } from '@k8ts/api';
import { FakeDataplane } from '../dataplane/fake-dataplane';
import { slice, svc } from '../testing/objects';
import { Proxier } from './proxier';
import { diffRules, type ProxyRule } from './rules';

function newProxier() {
  const dataplane = new FakeDataplane();
  const proxier = new Proxier({ dataplane, nodeIPs: ['127.10.0.20', '127.10.0.21'], nodeNames: ['node-20'], minSyncPeriodMs: 0, syncPeriodMs: 60_000 });
  return { dataplane, proxier };
}

const ready3 = ['127.244.20.1', '127.244.21.1', '127.244.21.2'];

describe('syncProxyRules → FakeDataplane', () => {
  it.each<{ desc: string; services: Service[]; slices: EndpointSlice[]; want: string[] }>([
    {
      desc: 'ClusterIP with ready endpoints forwards to all of them',
      services: [svc()],
      slices: [slice({ endpoints: ready3 })],
      want: ['TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080,127.244.21.1:8080,127.244.21.2:8080'],
    },
    { desc: 'no endpoints: reject', services: [svc()], slices: [], want: ['TCP/127.100.0.10:80 ClusterIP reject'] },
    { desc: 'only not-ready endpoints: reject', services: [svc()], slices: [slice({ endpoints: [{ ip: '127.244.20.1', ready: false }] })], want: ['TCP/127.100.0.10:80 ClusterIP reject'] },
    {
      desc: 'no ready endpoint: fall back to serving+terminating',
      services: [svc()],
      slices: [slice({ endpoints: [{ ip: '127.244.20.1', ready: false, serving: true, terminating: true }, { ip: '127.244.20.2', ready: false, serving: false, terminating: true }] })],
      want: ['TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080'],
    },
    {
      desc: 'ready endpoints win over serving+terminating ones',
      services: [svc()],
      slices: [slice({ endpoints: ['127.244.21.1', { ip: '127.244.20.1', ready: false, serving: true, terminating: true }] })],
      want: ['TCP/127.100.0.10:80 ClusterIP forward 127.244.21.1:8080'],
    },
    {
      desc: 'NodePort: cluster IP plus every node IP',
      services: [svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })],
      slices: [slice({ endpoints: ['127.244.20.1'] })],
      want: [
        'TCP/127.10.0.20:30080 NodePort forward 127.244.20.1:8080',
        'TCP/127.10.0.21:30080 NodePort forward 127.244.20.1:8080',
        'TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080',
      ],
    },
    {
      desc: 'LoadBalancer: node ports and ingress IPs at the service port',
      services: [svc({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30081 }], lbIPs: ['127.241.0.1'] })],
      slices: [slice({ endpoints: ['127.244.20.1'] })],
      want: [
        'TCP/127.10.0.20:30081 NodePort forward 127.244.20.1:8080',
        'TCP/127.10.0.21:30081 NodePort forward 127.244.20.1:8080',
        'TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080',
        'TCP/127.241.0.1:80 LoadBalancer forward 127.244.20.1:8080',
      ],
    },
    {
      desc: 'loadBalancerSourceRanges restrict the LB IP only',
      services: [svc({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30084 }], lbIPs: ['127.241.0.3'], sourceRanges: ['127.0.0.0/16'] })],
      slices: [slice({ endpoints: ['127.244.20.1'] })],
      want: [
        'TCP/127.10.0.20:30084 NodePort forward 127.244.20.1:8080',
        'TCP/127.10.0.21:30084 NodePort forward 127.244.20.1:8080',
        'TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080',
        'TCP/127.241.0.3:80 LoadBalancer forward 127.244.20.1:8080 from=127.0.0.0/16',
      ],
    },
    {
      desc: 'externalIPs are served at the service port',
      services: [svc({ externalIPs: ['127.241.0.9'] })],
      slices: [slice({ endpoints: ['127.244.20.1'] })],
      want: ['TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080', 'TCP/127.241.0.9:80 ExternalIP forward 127.244.20.1:8080'],
    },
    {
      desc: 'internalTrafficPolicy Local: only local endpoints for the cluster IP',
      services: [svc({ internalLocal: true })],
      slices: [slice({ endpoints: ready3 })],
      want: ['TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080'],
    },
    {
      desc: 'internalTrafficPolicy Local without local endpoints: drop (not reject: the service has endpoints)',
      services: [svc({ internalLocal: true })],
      slices: [slice({ endpoints: ['127.244.21.1'] })],
      want: ['TCP/127.100.0.10:80 ClusterIP drop'],
    },
    {
      desc: 'externalTrafficPolicy Local: node ports use local endpoints, the cluster IP all of them',
      services: [svc({ type: 'NodePort', externalLocal: true, ports: [{ port: 80, nodePort: 30082 }] })],
      slices: [slice({ endpoints: ['127.244.20.1', '127.244.21.1'] })],
      want: [
        'TCP/127.10.0.20:30082 NodePort forward 127.244.20.1:8080 incluster=127.244.20.1:8080,127.244.21.1:8080',
        'TCP/127.10.0.21:30082 NodePort forward 127.244.20.1:8080 incluster=127.244.20.1:8080,127.244.21.1:8080',
        'TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080,127.244.21.1:8080',
      ],
    },
    {
      desc: 'externalTrafficPolicy Local without local endpoints: external traffic dropped, in-cluster clients short-circuited to all endpoints',
      services: [svc({ type: 'LoadBalancer', externalLocal: true, ports: [{ port: 80, nodePort: 30083 }], lbIPs: ['127.241.0.2'] })],
      slices: [slice({ endpoints: ['127.244.21.1'] })],
      want: [
        'TCP/127.10.0.20:30083 NodePort drop incluster=127.244.21.1:8080',
        'TCP/127.10.0.21:30083 NodePort drop incluster=127.244.21.1:8080',
        'TCP/127.100.0.10:80 ClusterIP forward 127.244.21.1:8080',
        'TCP/127.241.0.2:80 LoadBalancer drop incluster=127.244.21.1:8080',
      ],
    },
    {
      desc: 'local terminating fallback',
      services: [svc({ internalLocal: true })],
      slices: [slice({ endpoints: ['127.244.21.1', { ip: '127.244.20.1', ready: false, serving: true, terminating: true }] })],
      want: ['TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080'],
    },
    { desc: 'headless services are skipped', services: [svc({ clusterIP: 'None' })], slices: [slice({ endpoints: ready3 })], want: [] },
    { desc: 'ExternalName services are skipped', services: [svc({ type: 'ExternalName', externalName: 'example.com' })], slices: [], want: [] },
    {
      desc: 'named ports, UDP and ClientIP affinity',
      services: [svc({ affinity: 60, ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] })],
      slices: [slice({ ports: [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }], endpoints: ['127.244.20.1'] })],
      want: ['TCP/127.100.0.10:80 ClusterIP forward 127.244.20.1:8080 sticky=60', 'UDP/127.100.0.10:53 ClusterIP forward 127.244.20.1:5353 sticky=60'],
    },
    {
      desc: 'slices of another service do not count',
      services: [svc()],
      slices: [slice({ service: 'other', endpoints: ready3 })],
      want: ['TCP/127.100.0.10:80 ClusterIP reject'],
    },
    {
      desc: 'two services on one address: the first by name keeps it',
      services: [svc({ name: 'a' }), svc({ name: 'b' })],
      slices: [slice({ service: 'b', endpoints: ['127.244.20.1'] })],
      want: ['TCP/127.100.0.10:80 ClusterIP reject'],
    },
  ])('$desc', async ({ services, slices, want }) => {
    const { dataplane, proxier } = newProxier();
    for (const s of services) proxier.onServiceAdd(s);
    for (const s of slices) proxier.onEndpointSliceAdd(s, true);
    await proxier.syncProxyRules();
    expect(dataplane.summary()).toEqual(want);
  });

  it.each<{ desc: string; before: [Service, EndpointSlice[]]; after: [Service | undefined, EndpointSlice[]]; wantOps: string[]; want: string[] }>([
    {
      desc: 'port change moves the listener',
      before: [svc(), [slice({ endpoints: ['127.244.20.1'] })]],
      after: [svc({ ports: [{ port: 81 }] }), [slice({ endpoints: ['127.244.20.1'] })]],
      wantOps: ['remove TCP/127.100.0.10:80', 'add TCP/127.100.0.10:81'],
      want: ['TCP/127.100.0.10:81 ClusterIP forward 127.244.20.1:8080'],
    },
    {
      desc: 'endpoint removed: the rule is updated in place',
      before: [svc(), [slice({ endpoints: ['127.244.20.1', '127.244.20.2'] })]],
      after: [svc(), [slice({ endpoints: ['127.244.20.2'] })]],
      wantOps: ['update TCP/127.100.0.10:80'],
      want: ['TCP/127.100.0.10:80 ClusterIP forward 127.244.20.2:8080'],
    },
    {
      desc: 'service delete removes every listener',
      before: [svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30090 }] }), []],
      after: [undefined, []],
      wantOps: ['remove TCP/127.100.0.10:80', 'remove TCP/127.10.0.20:30090', 'remove TCP/127.10.0.21:30090'],
      want: [],
    },
    {
      desc: 'all endpoints gone: forward becomes reject',
      before: [svc(), [slice({ endpoints: ['127.244.20.1'] })]],
      after: [svc(), []],
      wantOps: ['update TCP/127.100.0.10:80'],
      want: ['TCP/127.100.0.10:80 ClusterIP reject'],
    },
  ])('change: $desc', async ({ before, after, wantOps, want }) => {
    const { dataplane, proxier } = newProxier();
    proxier.onServiceAdd(before[0]);
    for (const s of before[1]) proxier.onEndpointSliceAdd(s, true);
    await proxier.syncProxyRules();
    dataplane.ops.length = 0;
    if (after[0]) proxier.onServiceUpdate(before[0], after[0]);
    else proxier.onServiceDelete(before[0]);
    const afterNames = new Set(after[1].map((s) => s.metadata?.name));
    for (const s of after[1]) proxier.onEndpointSliceUpdate(s, s);
    for (const s of before[1]) if (!afterNames.has(s.metadata?.name)) proxier.onEndpointSliceDelete(s);
    await proxier.syncProxyRules();
    expect([...dataplane.ops].sort()).toEqual([...wantOps].sort());
    expect(dataplane.summary()).toEqual(want);
  });

  it('a rule the dataplane cannot serve is retried on the next sync', async () => {
    const { dataplane, proxier } = newProxier();
    dataplane.failing.add('TCP/127.100.0.10:80');
    proxier.onServiceAdd(svc());
    const first = await proxier.syncProxyRules();
    expect(first.failed).toBe(1);
    expect(proxier.appliedRules().size).toBe(0);
    dataplane.failing.clear();
    await proxier.syncProxyRules();
    expect(dataplane.summary()).toEqual(['TCP/127.100.0.10:80 ClusterIP reject']);
  });

  it('a sync without changes applies nothing', async () => {
    const { dataplane, proxier } = newProxier();
    proxier.onServiceAdd(svc());
    await proxier.syncProxyRules();
    await proxier.syncProxyRules();
    expect(dataplane.applies).toBe(1);
  });
});

describe('diffRules', () => {
  const rule = (key: string, action: ProxyRule['action']): ProxyRule => ({
    key,
    protocol: 'TCP',
    ip: '127.100.0.1',
    port: 80,
    kind: 'ClusterIP',
    service: { namespace: 'default', name: 'web', port: '', protocol: 'TCP' },
    servicePort: 80,
    action,
    backends: [],
    stickyMaxAgeSeconds: 0,
    sourceRanges: [],
    inClusterBackends: [],
  });
  it.each([
    { desc: 'nothing to nothing', cur: [], want: [], diff: { added: [], updated: [], removed: [] } },
    { desc: 'add', cur: [], want: [rule('a', 'reject')], diff: { added: ['a'], updated: [], removed: [] } },
    { desc: 'remove', cur: [rule('a', 'reject')], want: [], diff: { added: [], updated: [], removed: ['a'] } },
    { desc: 'update', cur: [rule('a', 'reject')], want: [rule('a', 'drop')], diff: { added: [], updated: ['a'], removed: [] } },
    { desc: 'same', cur: [rule('a', 'reject')], want: [rule('a', 'reject')], diff: { added: [], updated: [], removed: [] } },
  ])('$desc', ({ cur, want, diff }) => {
    const d = diffRules(new Map(cur.map((r) => [r.key, r])), new Map(want.map((r) => [r.key, r])));
    expect({ added: d.added.map((r) => r.key), updated: d.updated.map((r) => r.key), removed: d.removed.map((r) => r.key) }).toEqual(diff);
  });
});
