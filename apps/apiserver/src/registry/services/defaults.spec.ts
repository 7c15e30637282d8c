import type { Service, ServiceSpec } from '@k8ts/api';
import { defaultService } from './defaults';

const defaulted = (spec: ServiceSpec, status?: Service['status']): Service => {
  const svc: Service = { metadata: { name: 'web' }, spec: structuredClone(spec), status };
  defaultService(svc);
  return svc;
};

describe('defaultService', () => {
  it.each([
    { desc: 'type defaults to ClusterIP', spec: {}, want: { type: 'ClusterIP' } },
    { desc: 'sessionAffinity defaults to None', spec: {}, want: { sessionAffinity: 'None' } },
    {
      desc: 'ClientIP affinity gets a 10800s timeout',
      spec: { sessionAffinity: 'ClientIP' },
      want: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } },
    },
    {
      desc: 'a ClientIP timeout that is set is kept',
      spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
      want: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
    },
    {
      desc: 'affinity None drops sessionAffinityConfig',
      spec: { sessionAffinity: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
      want: { sessionAffinityConfig: undefined },
    },
    { desc: 'ClusterIP gets internalTrafficPolicy Cluster', spec: { type: 'ClusterIP' }, want: { internalTrafficPolicy: 'Cluster' } },
    { desc: 'ExternalName gets no internalTrafficPolicy', spec: { type: 'ExternalName' }, want: { internalTrafficPolicy: undefined } },
    { desc: 'NodePort gets externalTrafficPolicy Cluster', spec: { type: 'NodePort' }, want: { externalTrafficPolicy: 'Cluster' } },
    { desc: 'LoadBalancer gets externalTrafficPolicy Cluster', spec: { type: 'LoadBalancer' }, want: { externalTrafficPolicy: 'Cluster' } },
    { desc: 'plain ClusterIP gets no externalTrafficPolicy', spec: { type: 'ClusterIP' }, want: { externalTrafficPolicy: undefined } },
    {
      desc: 'ClusterIP with externalIPs gets externalTrafficPolicy Cluster',
      spec: { type: 'ClusterIP', externalIPs: ['203.0.113.7'] },
      want: { externalTrafficPolicy: 'Cluster' },
    },
    { desc: 'LoadBalancer allocates node ports by default', spec: { type: 'LoadBalancer' }, want: { allocateLoadBalancerNodePorts: true } },
    { desc: 'ClusterIP gets ipFamilyPolicy SingleStack', spec: {}, want: { ipFamilyPolicy: 'SingleStack' } },
    { desc: 'headless gets ipFamilyPolicy SingleStack', spec: { clusterIP: 'None' }, want: { ipFamilyPolicy: 'SingleStack' } },
    { desc: 'a requested ipFamilyPolicy is kept', spec: { ipFamilyPolicy: 'PreferDualStack' }, want: { ipFamilyPolicy: 'PreferDualStack' } },
    { desc: 'ExternalName gets no ipFamilyPolicy', spec: { type: 'ExternalName' }, want: { ipFamilyPolicy: undefined } },
  ])('$desc', ({ spec, want }) => {
    const got = defaulted(spec).spec as Record<string, unknown>;
    expect(Object.fromEntries(Object.keys(want).map((k) => [k, got[k]]))).toEqual(want);
  });

  it.each([
    { desc: 'protocol defaults to TCP', port: { port: 80 }, want: { protocol: 'TCP' } },
    { desc: 'protocol is kept', port: { port: 53, protocol: 'UDP' }, want: { protocol: 'UDP' } },
    { desc: 'unset targetPort becomes the port', port: { port: 80 }, want: { targetPort: { type: 0, intVal: 80 } } },
    { desc: 'zero targetPort becomes the port', port: { port: 80, targetPort: { type: 0, intVal: 0 } }, want: { targetPort: { type: 0, intVal: 80 } } },
    { desc: 'empty named targetPort becomes the port', port: { port: 80, targetPort: { type: 1, strVal: '' } }, want: { targetPort: { type: 0, intVal: 80 } } },
    { desc: 'a named targetPort is kept', port: { port: 80, targetPort: { type: 1, strVal: 'http' } }, want: { targetPort: { type: 1, strVal: 'http' } } },
    { desc: 'a numeric targetPort is kept', port: { port: 80, targetPort: { type: 0, intVal: 8080 } }, want: { targetPort: { type: 0, intVal: 8080 } } },
  ])('ports: $desc', ({ port, want }) => {
    expect(defaulted({ ports: [port] }).spec?.ports?.[0]).toMatchObject(want);
  });

  it('gives LoadBalancer ingress IPs the VIP ipMode', () => {
    const svc = defaulted({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }] } });
    expect(svc.status?.loadBalancer?.ingress).toEqual([{ ip: '203.0.113.9', ipMode: 'VIP' }, { hostname: 'lb.example.com' }]);
  });

  it('is idempotent', () => {
    const once = defaulted({ type: 'NodePort', ports: [{ port: 80 }], sessionAffinity: 'ClientIP' });
    const twice = structuredClone(once);
    defaultService(twice);
    expect(twice).toEqual(once);
  });
});
