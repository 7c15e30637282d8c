import type { Service, ServiceSpec } from '@k8ts/api';
import { fieldErrorToString } from '@k8ts/apimachinery';
import { serviceStrategy } from './strategy';

/** A service as stored after create and allocation. */
function stored(spec: Partial<ServiceSpec> = {}): Service {
  const svc: Service = {
    metadata: { name: 'web', namespace: 'default', resourceVersion: '5' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }], ...structuredClone(spec) },
  };
  serviceStrategy.prepareForCreate(svc);
  serviceStrategy.defaults(svc);
  const s = svc.spec!;
  if (s.type !== 'ExternalName' && !s.clusterIP) {
    s.clusterIP = '10.96.0.10';
    s.clusterIPs = ['10.96.0.10'];
  }
  if (s.type !== 'ExternalName' && s.clusterIP !== 'None') s.ipFamilies = ['IPv4'];
  return svc;
}

/** Runs an update the way the store does and returns the result and its errors. */
function update(old: Service, change: (s: ServiceSpec) => void, subresource: '' | 'status' = '') {
  const svc = structuredClone(old);
  change((svc.spec ??= {}));
  serviceStrategy.prepareForUpdate(svc, old, subresource);
  serviceStrategy.defaults(svc);
  return { svc, errs: serviceStrategy.validateUpdate(svc, old) };
}

describe('serviceStrategy.validateUpdate', () => {
  it.each<{ desc: string; old: Partial<ServiceSpec>; change: (s: ServiceSpec) => void }>([
    { desc: 'an unchanged resubmit', old: {}, change: () => undefined },
    {
      desc: 'a resubmit without the allocated clusterIP',
      old: {},
      change: (s) => {
        s.clusterIP = undefined;
        s.clusterIPs = undefined;
      },
    },
    { desc: 'a change of ports', old: {}, change: (s) => (s.ports = [{ name: 'https', port: 443 }]) },
    { desc: 'headless to headless', old: { clusterIP: 'None' }, change: (s) => (s.selector = { app: 'other' }) },
    {
      desc: 'ClusterIP to ExternalName (the IP is dropped)',
      old: {},
      change: (s) => {
        s.type = 'ExternalName';
        s.externalName = 'db.example.com';
      },
    },
    {
      desc: 'ExternalName to ClusterIP with a new IP',
      old: { type: 'ExternalName', externalName: 'db.example.com' },
      change: (s) => {
        s.type = 'ClusterIP';
        s.externalName = undefined;
        s.clusterIP = '10.96.0.20';
      },
    },
    {
      desc: 'NodePort to ClusterIP (node ports are dropped)',
      old: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] },
      change: (s) => (s.type = 'ClusterIP'),
    },
  ])('allows $desc', ({ old, change }) => {
    expect(update(stored(old), change).errs.map(fieldErrorToString)).toEqual([]);
  });

  it.each<{ desc: string; old: Partial<ServiceSpec>; change: (s: ServiceSpec) => void; field: string; type: string; detail?: string }>([
    {
      desc: 'changing clusterIP',
      old: {},
      change: (s) => (s.clusterIP = '10.96.0.11'),
      field: 'spec.clusterIPs[0]',
      type: 'FieldValueInvalid',
      detail: 'may not change once set',
    },
    {
      desc: 'changing clusterIPs',
      old: {},
      change: (s) => (s.clusterIPs = ['10.96.0.11']),
      field: 'spec.clusterIPs',
      type: 'FieldValueInvalid',
      detail: 'first value must match `clusterIP`',
    },
    {
      desc: 'making a service headless',
      old: {},
      change: (s) => (s.clusterIP = 'None'),
      field: 'spec.clusterIPs[0]',
      type: 'FieldValueInvalid',
      detail: 'may not change once set',
    },
    {
      desc: 'giving a headless service an IP',
      old: { clusterIP: 'None' },
      change: (s) => (s.clusterIP = '10.96.0.30'),
      field: 'spec.clusterIPs[0]',
      type: 'FieldValueInvalid',
      detail: 'may not change once set',
    },
    {
      desc: 'changing the IP family',
      old: {},
      change: (s) => (s.ipFamilies = ['IPv6']),
      field: 'spec.ipFamilies[0]',
      type: 'FieldValueInvalid',
      detail: 'may not change once set',
    },
    {
      desc: 'changing a LoadBalancer class',
      old: { type: 'LoadBalancer', loadBalancerClass: 'example.com/a' },
      change: (s) => (s.loadBalancerClass = 'example.com/b'),
      field: 'spec.loadBalancerClass',
      type: 'FieldValueInvalid',
      detail: 'may not change once set',
    },
    {
      desc: 'changing an allocated healthCheckNodePort',
      old: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 30500 },
      change: (s) => (s.healthCheckNodePort = 30501),
      field: 'spec.healthCheckNodePort',
      type: 'FieldValueForbidden',
    },
    {
      desc: 'an invalid spec (update also validates)',
      old: {},
      change: (s) => (s.ports = [{ port: 0 }]),
      field: 'spec.ports[0].port',
      type: 'FieldValueInvalid',
    },
  ])('rejects $desc', ({ old, change, field, type, detail }) => {
    const { errs } = update(stored(old), change);
    expect(errs).toContainEqual(expect.objectContaining({ field, type, ...(detail ? { detail } : {}) }));
  });

  it('checks the singular clusterIP of a service stored without clusterIPs', () => {
    const old = stored();
    old.spec!.clusterIPs = undefined;
    const svc = structuredClone(old);
    svc.spec!.clusterIP = '10.96.0.99';
    svc.spec!.clusterIPs = ['10.96.0.99'];
    expect(serviceStrategy.validateUpdate(svc, old)).toContainEqual(
      expect.objectContaining({ field: 'spec.clusterIP', type: 'FieldValueInvalid', detail: 'may not change once set' }),
    );
  });

  describe('status writes', () => {
    it('keep the spec and validate load-balancer ingress', () => {
      const old = stored({ type: 'LoadBalancer' });
      const { svc, errs } = update(old, (s) => (s.type = 'ClusterIP'), 'status');
      expect(svc.spec?.type).toBe('LoadBalancer');
      expect(errs).toEqual([]);
    });

    it.each([
      { desc: 'an invalid ingress IP', type: 'LoadBalancer', ingress: [{ ip: '300.1.1.1' }], field: 'status.loadBalancer.ingress[0].ip', errType: 'FieldValueInvalid' },
      { desc: 'an IP as hostname', type: 'LoadBalancer', ingress: [{ hostname: '203.0.113.1' }], field: 'status.loadBalancer.ingress[0].hostname', errType: 'FieldValueInvalid' },
      { desc: 'an unknown ipMode', type: 'LoadBalancer', ingress: [{ ip: '203.0.113.1', ipMode: 'Tunnel' }], field: 'status.loadBalancer.ingress[0].ipMode', errType: 'FieldValueNotSupported' },
      { desc: 'ingress on a ClusterIP service', type: 'ClusterIP', ingress: [{ ip: '203.0.113.1' }], field: 'status.loadBalancer.ingress', errType: 'FieldValueForbidden' },
    ])('reject $desc', ({ type, ingress, field, errType }) => {
      const old = stored({ type });
      const svc = structuredClone(old);
      svc.status = { loadBalancer: { ingress } };
      serviceStrategy.prepareForUpdate(svc, old, 'status');
      serviceStrategy.defaults(svc);
      expect(serviceStrategy.validateUpdate(svc, old).map((e) => [e.field, e.type])).toContainEqual([field, errType]);
    });
  });
});
