import type { Service, ServiceSpec } from '@k8ts/api';
import { normalizeClusterIPs, patchAllocatedValues, prepareServiceForCreate, prepareServiceForUpdate } from './prepare';

const svc = (spec: ServiceSpec, status?: Service['status']): Service => ({ metadata: { name: 'web' }, spec: structuredClone(spec), status });

describe('prepareServiceForCreate', () => {
  it('clears status and fills clusterIPs from clusterIP', () => {
    const s = svc({ clusterIP: '10.96.0.7' }, { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } });
    prepareServiceForCreate(s);
    expect(s.status).toEqual({ loadBalancer: {} });
    expect(s.spec?.clusterIPs).toEqual(['10.96.0.7']);
  });
});

describe('normalizeClusterIPs on update', () => {
  const old = svc({ clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'] });
  it.each<{ desc: string; spec: ServiceSpec; want: string[] | undefined }>([
    { desc: 'an old client without clusterIPs keeps them', spec: { clusterIP: '10.96.0.7' }, want: ['10.96.0.7'] },
    { desc: 'a changed clusterIP with the same clusterIPs follows clusterIP', spec: { clusterIP: '10.96.0.8', clusterIPs: ['10.96.0.7'] }, want: ['10.96.0.8'] },
    { desc: 'clearing clusterIP clears unchanged clusterIPs', spec: { clusterIPs: ['10.96.0.7'] }, want: undefined },
    { desc: 'changed clusterIPs are left for validation', spec: { clusterIP: '10.96.0.8', clusterIPs: ['10.96.0.9'] }, want: ['10.96.0.9'] },
  ])('$desc', ({ spec, want }) => {
    const s = svc(spec);
    normalizeClusterIPs(s, old);
    expect(s.spec?.clusterIPs).toEqual(want);
  });
});

describe('patchAllocatedValues', () => {
  it.each<{ desc: string; old: ServiceSpec; spec: ServiceSpec; want: Partial<ServiceSpec> }>([
    {
      desc: 'restores a missing clusterIP',
      old: { type: 'ClusterIP', clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'] },
      spec: { type: 'ClusterIP' },
      want: { type: 'ClusterIP', clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'] },
    },
    {
      desc: 'restores the IP families of an unchanged clusterIP',
      old: { type: 'ClusterIP', clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'], ipFamilies: ['IPv4'] },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.7' },
      want: { type: 'ClusterIP', clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'], ipFamilies: ['IPv4'] },
    },
    {
      desc: 'does not restore a clusterIP for ExternalName',
      old: { type: 'ClusterIP', clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'] },
      spec: { type: 'ExternalName' },
      want: { type: 'ExternalName' },
    },
    {
      desc: 'restores node ports by port name',
      old: { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30081 }] },
      spec: { type: 'NodePort', ports: [{ name: 'b', port: 81 }, { name: 'a', port: 80 }] },
      want: { type: 'NodePort', ports: [{ name: 'b', port: 81, nodePort: 30081 }, { name: 'a', port: 80, nodePort: 30080 }] },
    },
    {
      desc: 'does not hand out a node port another port kept',
      old: { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }] },
      spec: { type: 'NodePort', ports: [{ name: 'b', port: 81, nodePort: 30080 }, { name: 'a', port: 80 }] },
      want: { type: 'NodePort', ports: [{ name: 'b', port: 81, nodePort: 30080 }, { name: 'a', port: 80 }] },
    },
  ])('$desc', ({ old, spec, want }) => {
    const s = svc(spec);
    patchAllocatedValues(s, svc(old));
    expect(s.spec).toEqual(want);
  });
});

describe('prepareServiceForUpdate', () => {
  it('keeps the stored status on a main write', () => {
    const old = svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } });
    const s = svc({ type: 'LoadBalancer' }, { loadBalancer: {} });
    prepareServiceForUpdate(s, old, '');
    expect(s.status).toEqual(old.status);
  });

  it('keeps the stored spec on a status write', () => {
    const old = svc({ type: 'LoadBalancer' });
    const s = svc({ type: 'ClusterIP' }, { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } });
    prepareServiceForUpdate(s, old, 'status');
    expect(s.spec).toEqual(old.spec);
    expect(s.status?.loadBalancer?.ingress).toHaveLength(1);
  });

  it('wipes type-dependent fields the client left unchanged', () => {
    const old = svc(
      {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.7',
        clusterIPs: ['10.96.0.7'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        allocateLoadBalancerNodePorts: true,
        externalTrafficPolicy: 'Local',
        healthCheckNodePort: 30500,
        ports: [{ port: 80, nodePort: 30080 }],
      },
      { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } },
    );
    const s = structuredClone(old);
    s.spec!.type = 'ExternalName';
    s.spec!.externalName = 'db.example.com';
    prepareServiceForUpdate(s, old, '');
    expect(s.spec).toEqual({ type: 'ExternalName', externalName: 'db.example.com', ports: [{ port: 80, nodePort: undefined }] });
    expect(s.status).toEqual({ loadBalancer: {} });
  });

  it('keeps node ports the client added while changing type, for validation to reject', () => {
    const old = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] });
    const s = svc({ type: 'ClusterIP', ports: [{ port: 80, nodePort: 30090 }] });
    prepareServiceForUpdate(s, old, '');
    expect(s.spec?.ports?.[0].nodePort).toBe(30090);
  });
});
