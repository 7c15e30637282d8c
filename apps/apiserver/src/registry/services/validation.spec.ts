import type { Service, ServiceSpec } from '@k8ts/api';
import { fieldErrorToString } from '@k8ts/apimachinery';
import { serviceStrategy } from './strategy';

const base = (): Service => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
});

/** Validates a new service as the store would: prepare, default, validate. */
function validateNew(spec: Partial<ServiceSpec>) {
  const svc = base();
  svc.spec = { ...svc.spec, ...structuredClone(spec) };
  serviceStrategy.prepareForCreate(svc);
  serviceStrategy.defaults(svc);
  return serviceStrategy.validate(svc);
}

const named = (port: number, name: string, extra: object = {}) => ({ name, port, ...extra });

describe('serviceStrategy.validate', () => {
  it.each<{ desc: string; spec: Partial<ServiceSpec> }>([
    { desc: 'a plain ClusterIP service', spec: {} },
    { desc: 'a headless service without ports', spec: { clusterIP: 'None', ports: [] } },
    { desc: 'an ExternalName service without ports', spec: { type: 'ExternalName', externalName: 'db.example.com', ports: [] } },
    { desc: 'an ExternalName with a trailing dot', spec: { type: 'ExternalName', externalName: 'db.example.com.' } },
    { desc: 'a NodePort with a node port', spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } },
    { desc: 'a LoadBalancer', spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb', loadBalancerSourceRanges: ['10.0.0.0/8'] } },
    { desc: 'a requested cluster IP', spec: { clusterIP: '10.96.0.10' } },
    { desc: 'the same port for TCP and UDP', spec: { ports: [named(53, 'dns-tcp'), named(53, 'dns-udp', { protocol: 'UDP' })] } },
    { desc: 'a named targetPort', spec: { ports: [{ port: 80, targetPort: { type: 1, strVal: 'http' } }] } },
    { desc: 'a long DNS-label port name', spec: { ports: [named(80, 'a-very-long-port-name')] } },
    { desc: 'ClientIP affinity at the longest timeout', spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } } },
    { desc: 'externalTrafficPolicy Local on a NodePort', spec: { type: 'NodePort', externalTrafficPolicy: 'Local' } },
    { desc: 'internalTrafficPolicy Local', spec: { internalTrafficPolicy: 'Local' } },
    { desc: 'trafficDistribution PreferClose', spec: { trafficDistribution: 'PreferClose' } },
    { desc: 'publishNotReadyAddresses', spec: { publishNotReadyAddresses: true } },
    { desc: 'an external IP', spec: { externalIPs: ['203.0.113.7'] } },
  ])('accepts $desc', ({ spec }) => {
    expect(validateNew(spec).map(fieldErrorToString)).toEqual([]);
  });

  it.each<{ desc: string; spec: Partial<ServiceSpec>; field: string; type: string }>([
    { desc: 'an unknown type', spec: { type: 'Magic' }, field: 'spec.type', type: 'FieldValueNotSupported' },
    { desc: 'no ports', spec: { ports: [] }, field: 'spec.ports', type: 'FieldValueRequired' },
    { desc: 'a port above 65535', spec: { ports: [{ port: 65536 }] }, field: 'spec.ports[0].port', type: 'FieldValueInvalid' },
    { desc: 'a second port without a name', spec: { ports: [named(80, 'http'), { port: 81 }] }, field: 'spec.ports[1].name', type: 'FieldValueRequired' },
    { desc: 'a port name that is not a DNS label', spec: { ports: [named(80, 'HTTP')] }, field: 'spec.ports[0].name', type: 'FieldValueInvalid' },
    { desc: 'an unknown protocol', spec: { ports: [{ port: 80, protocol: 'ICMP' }] }, field: 'spec.ports[0].protocol', type: 'FieldValueNotSupported' },
    { desc: 'a targetPort above 65535', spec: { ports: [{ port: 80, targetPort: { type: 0, intVal: 70000 } }] }, field: 'spec.ports[0].targetPort', type: 'FieldValueInvalid' },
    { desc: 'a targetPort name that is no IANA_SVC_NAME', spec: { ports: [{ port: 80, targetPort: { type: 1, strVal: 'not_valid' } }] }, field: 'spec.ports[0].targetPort', type: 'FieldValueInvalid' },
    { desc: 'an invalid appProtocol', spec: { ports: [{ port: 80, appProtocol: 'not valid!' }] }, field: 'spec.ports[0].appProtocol', type: 'FieldValueInvalid' },
    { desc: 'a nodePort on ExternalName', spec: { type: 'ExternalName', externalName: 'x.example.com', ports: [{ port: 80, nodePort: 30080 }] }, field: 'spec.ports[0].nodePort', type: 'FieldValueForbidden' },
    {
      desc: 'a duplicate nodePort',
      spec: { type: 'NodePort', ports: [named(80, 'a', { nodePort: 30080 }), named(81, 'b', { nodePort: 30080 })] },
      field: 'spec.ports[1].nodePort',
      type: 'FieldValueDuplicate',
    },
    { desc: 'a duplicate port and protocol', spec: { ports: [named(80, 'a'), named(80, 'b')] }, field: 'spec.ports[1]', type: 'FieldValueDuplicate' },
    { desc: 'ExternalName without externalName', spec: { type: 'ExternalName' }, field: 'spec.externalName', type: 'FieldValueRequired' },
    { desc: 'an externalName that is no DNS name', spec: { type: 'ExternalName', externalName: 'Not_A_Name' }, field: 'spec.externalName', type: 'FieldValueInvalid' },
    { desc: 'ExternalName with a cluster IP', spec: { type: 'ExternalName', externalName: 'x.example.com', clusterIP: '10.96.0.5' }, field: 'spec.clusterIPs', type: 'FieldValueForbidden' },
    { desc: 'ExternalName with an ipFamilyPolicy', spec: { type: 'ExternalName', externalName: 'x.example.com', ipFamilyPolicy: 'SingleStack' }, field: 'spec.ipFamilyPolicy', type: 'FieldValueForbidden' },
    { desc: 'an invalid selector value', spec: { selector: { app: 'not valid!' } }, field: 'spec.selector', type: 'FieldValueInvalid' },
    { desc: 'an unknown sessionAffinity', spec: { sessionAffinity: 'Sticky' }, field: 'spec.sessionAffinity', type: 'FieldValueNotSupported' },
    {
      desc: 'a zero ClientIP timeout',
      spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } },
      field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
      type: 'FieldValueInvalid',
    },
    {
      desc: 'a ClientIP timeout over a day',
      spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } },
      field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
      type: 'FieldValueInvalid',
    },
    { desc: 'externalTrafficPolicy on a plain ClusterIP', spec: { externalTrafficPolicy: 'Local' }, field: 'spec.externalTrafficPolicy', type: 'FieldValueInvalid' },
    { desc: 'an unknown externalTrafficPolicy', spec: { type: 'NodePort', externalTrafficPolicy: 'Nearby' }, field: 'spec.externalTrafficPolicy', type: 'FieldValueNotSupported' },
    { desc: 'an unknown internalTrafficPolicy', spec: { internalTrafficPolicy: 'Nearby' }, field: 'spec.internalTrafficPolicy', type: 'FieldValueNotSupported' },
    { desc: 'a clusterIP that is no IP', spec: { clusterIP: '10.96.0' }, field: 'spec.clusterIPs[0]', type: 'FieldValueInvalid' },
    { desc: 'a headless NodePort', spec: { type: 'NodePort', clusterIP: 'None' }, field: 'spec.clusterIPs[0]', type: 'FieldValueInvalid' },
    { desc: 'a headless LoadBalancer', spec: { type: 'LoadBalancer', clusterIP: 'None' }, field: 'spec.clusterIPs[0]', type: 'FieldValueInvalid' },
    { desc: 'clusterIPs without clusterIP', spec: { clusterIPs: ['10.96.0.5'] }, field: 'spec.clusterIPs', type: 'FieldValueInvalid' },
    { desc: 'clusterIPs not matching clusterIP', spec: { clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.6'] }, field: 'spec.clusterIPs', type: 'FieldValueInvalid' },
    { desc: 'two IPv4 clusterIPs', spec: { clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5', '10.96.0.6'] }, field: 'spec.clusterIPs', type: 'FieldValueInvalid' },
    { desc: 'a clusterIP of the wrong family', spec: { clusterIP: '10.96.0.5', ipFamilies: ['IPv6'] }, field: 'spec.clusterIPs[0]', type: 'FieldValueInvalid' },
    { desc: 'an unknown IP family', spec: { ipFamilies: ['IPv5'] }, field: 'spec.ipFamilies[0]', type: 'FieldValueNotSupported' },
    { desc: 'an unknown ipFamilyPolicy', spec: { ipFamilyPolicy: 'AnyStack' }, field: 'spec.ipFamilyPolicy', type: 'FieldValueNotSupported' },
    { desc: 'a loopback external IP', spec: { externalIPs: ['127.0.0.1'] }, field: 'spec.externalIPs[0]', type: 'FieldValueInvalid' },
    { desc: 'an external IP that is no IP', spec: { externalIPs: ['example.com'] }, field: 'spec.externalIPs[0]', type: 'FieldValueInvalid' },
    { desc: 'source ranges on a ClusterIP', spec: { loadBalancerSourceRanges: ['10.0.0.0/8'] }, field: 'spec.loadBalancerSourceRanges', type: 'FieldValueForbidden' },
    { desc: 'a bad source range', spec: { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.1/8'] }, field: 'spec.loadBalancerSourceRanges[0]', type: 'FieldValueInvalid' },
    { desc: 'a loadBalancerClass on a ClusterIP', spec: { loadBalancerClass: 'example.com/lb' }, field: 'spec.loadBalancerClass', type: 'FieldValueForbidden' },
    { desc: 'allocateLoadBalancerNodePorts on a NodePort', spec: { type: 'NodePort', allocateLoadBalancerNodePorts: true }, field: 'spec.allocateLoadBalancerNodePorts', type: 'FieldValueForbidden' },
    { desc: 'a healthCheckNodePort on a NodePort', spec: { type: 'NodePort', healthCheckNodePort: 30500 }, field: 'spec.healthCheckNodePort', type: 'FieldValueInvalid' },
    { desc: 'an unknown trafficDistribution', spec: { trafficDistribution: 'Anywhere' }, field: 'spec.trafficDistribution', type: 'FieldValueNotSupported' },
    { desc: 'a non-boolean publishNotReadyAddresses', spec: { publishNotReadyAddresses: 'yes' as unknown as boolean }, field: 'spec.publishNotReadyAddresses', type: 'FieldValueInvalid' },
  ])('rejects $desc', ({ spec, field, type }) => {
    const errs = validateNew(spec);
    expect(errs.map((e) => [e.field, e.type])).toContainEqual([field, type]);
  });

  it.each([
    { desc: 'port 0', spec: { ports: [{ port: 0, targetPort: { type: 0, intVal: 8080 } }] }, want: 'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive' },
    { desc: 'duplicate port names', spec: { ports: [named(80, 'http'), named(81, 'http')] }, want: 'spec.ports[1].name: Duplicate value: "http"' },
    { desc: 'a nodePort on a ClusterIP', spec: { ports: [{ port: 80, nodePort: 30080 }] }, want: "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" },
    { desc: 'no externalName', spec: { type: 'ExternalName' }, want: 'spec.externalName: Required value' },
    {
      desc: 'an unknown type',
      spec: { type: 'Magic' },
      want: 'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    },
  ])('reports $desc as upstream words it', ({ spec, want }) => {
    expect(validateNew(spec).map(fieldErrorToString)).toContain(want);
  });
});
