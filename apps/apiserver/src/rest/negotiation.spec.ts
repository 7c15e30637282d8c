import { wantsAggregatedDiscovery, wantsTable } from './negotiation';

const AGG = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

describe('content negotiation', () => {
  it.each([
    { desc: 'kubectl get', accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', table: true },
    { desc: 'v1beta1 only', accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io', table: true },
    { desc: 'plain json', accept: 'application/json', table: false },
    { desc: 'json before table', accept: 'application/json,application/json;as=Table;v=v1;g=meta.k8s.io', table: false },
    { desc: 'protobuf first', accept: 'application/vnd.kubernetes.protobuf,application/json', table: false },
    { desc: 'none', accept: undefined, table: false },
  ])('wantsTable: $desc', ({ accept, table }) => {
    expect(wantsTable(accept)).toBe(table);
  });

  it.each([
    { desc: 'kubectl discovery', accept: `${AGG},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json`, agg: true },
    { desc: 'plain json', accept: 'application/json, */*', agg: false },
    { desc: 'json first', accept: `application/json,${AGG}`, agg: false },
    { desc: 'v2beta1 only', accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', agg: false },
  ])('wantsAggregatedDiscovery: $desc', ({ accept, agg }) => {
    expect(wantsAggregatedDiscovery(accept)).toBe(agg);
  });
});
