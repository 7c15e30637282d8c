import type { EndpointSlice, Service } from '@k8ts/api';
import { Indexer } from '@k8ts/client';
import { FakeView, slice, svc } from '../testing/fake-view';
import { resolve } from '../resolve/resolve';
import { InformerView, serviceIndexers, sliceIndexers } from './informer-view';

const services = [
  svc({ name: 'web', clusterIP: '127.96.0.20' }),
  svc({ name: 'db', clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
  svc({ name: 'v6', namespace: 'team-a', clusterIP: 'FD00:0::10' }),
];
const slices = [
  slice({ name: 'db-1', service: 'db', endpoints: [{ ip: '127.244.1.5', hostname: 'db-0' }], ports: [{ name: 'pg', port: 5432 }] }),
  slice({ name: 'db-2', service: 'db', endpoints: [{ ip: '127.244.1.6' }], ports: [{ name: 'pg', port: 5432 }] }),
  slice({ name: 'web-1', service: 'web', endpoints: [{ ip: '127.244.2.9' }] }),
];

function informerView(): InformerView {
  const s = new Indexer<Service>(serviceIndexers);
  for (const o of services) s.add(o);
  const e = new Indexer<EndpointSlice>(sliceIndexers);
  for (const o of slices) e.add(o);
  return new InformerView(s, e);
}

describe('InformerView', () => {
  const view = informerView();

  it.each([
    { desc: 'service by name', got: () => view.service('default', 'web')?.metadata?.name, want: 'web' },
    { desc: 'missing service', got: () => view.service('default', 'nope'), want: undefined },
    { desc: 'namespace with services', got: () => view.hasServicesIn('team-a'), want: true },
    { desc: 'namespace without services', got: () => view.hasServicesIn('ghost'), want: false },
    { desc: 'slices of a service', got: () => view.slicesOf('default', 'db').map((s) => s.metadata?.name).sort(), want: ['db-1', 'db-2'] },
    { desc: 'service by ClusterIP', got: () => view.servicesByClusterIP('127.96.0.20').map((s) => s.metadata?.name), want: ['web'] },
    { desc: 'IPv6 ClusterIP is indexed normalized', got: () => view.servicesByClusterIP('fd00::10').map((s) => s.metadata?.name), want: ['v6'] },
    { desc: 'headless is not a ClusterIP', got: () => view.servicesByClusterIP('None'), want: [] },
    { desc: 'slices by address', got: () => view.slicesByAddress('127.244.1.6').map((s) => s.metadata?.name), want: ['db-2'] },
  ])('$desc', ({ got, want }) => {
    expect(got()).toEqual(want);
  });

  it.each([
    ['db.default.svc.cluster.local', 'A'],
    ['_pg._tcp.db.default.svc.cluster.local', 'SRV'],
    ['20.0.96.127.in-addr.arpa', 'PTR'],
    ['5.1.244.127.in-addr.arpa', 'PTR'],
    ['team-a.svc.cluster.local', 'A'],
    ['nope.default.svc.cluster.local', 'A'],
  ])('resolve(%s %s) answers the same as over the fake view', (name, type) => {
    const opts = { zone: 'cluster.local', ttl: 5, dnsIP: '127.96.0.10' };
    expect(resolve({ name, type }, view, opts)).toEqual(resolve({ name, type }, new FakeView(services, slices), opts));
  });
});
