import type { Deployment, Endpoints, Event, Node, Service } from '@k8ts/api';
import { intOrString } from '@k8ts/api';
import { deploymentPrinter, replicaSetPrinter } from './apps';
import { eventPrinter, nodePrinter } from './cluster';
import { printerFor } from './printers';
import { endpointsPrinter, servicePrinter } from './services';

const NOW = new Date('2026-11-29T12:00:00Z');
const meta = (name: string) => ({ name, creationTimestamp: '2026-11-29T11:59:00Z' });

describe('table printers', () => {
  it.each([
    { desc: 'ClusterIP', svc: { metadata: meta('a'), spec: { type: 'ClusterIP', clusterIP: '127.102.0.5', ports: [{ port: 80, protocol: 'TCP', targetPort: intOrString(8080) }], selector: { app: 'a' } } } as Service, want: ['a', 'ClusterIP', '127.102.0.5', '<none>', '80/TCP', '60s', 'app=a'] },
    { desc: 'NodePort', svc: { metadata: meta('b'), spec: { type: 'NodePort', clusterIP: '127.102.0.6', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } } as Service, want: ['b', 'NodePort', '127.102.0.6', '<none>', '80:30080/TCP,53/UDP', '60s', '<none>'] },
    { desc: 'LoadBalancer pending', svc: { metadata: meta('c'), spec: { type: 'LoadBalancer', clusterIP: '127.102.0.7', ports: [] } } as Service, want: ['c', 'LoadBalancer', '127.102.0.7', '<pending>', '<none>', '60s', '<none>'] },
    { desc: 'LoadBalancer with ingress', svc: { metadata: meta('d'), spec: { type: 'LoadBalancer', clusterIP: '127.102.0.8' }, status: { loadBalancer: { ingress: [{ ip: '127.241.0.1' }] } } } as Service, want: ['d', 'LoadBalancer', '127.102.0.8', '127.241.0.1', '<none>', '60s', '<none>'] },
    { desc: 'headless', svc: { metadata: meta('e'), spec: { type: 'ClusterIP', clusterIP: 'None' } } as Service, want: ['e', 'ClusterIP', 'None', '<none>', '<none>', '60s', '<none>'] },
  ])('services: $desc', ({ svc, want }) => {
    expect(servicePrinter.cells(svc, NOW)).toEqual(want);
  });

  it('endpoints: first three ip:port pairs and a count of the rest', () => {
    const ep: Endpoints = { metadata: meta('e'), subsets: [{ addresses: ['1', '2', '3', '4'].map((n) => ({ ip: `127.244.40.${n}` })), ports: [{ port: 8080 }] }] };
    expect(endpointsPrinter.cells(ep, NOW)).toEqual(['e', '127.244.40.1:8080,127.244.40.2:8080,127.244.40.3:8080 + 1 more...', '60s']);
    expect(endpointsPrinter.cells({ metadata: meta('none') }, NOW)[1]).toBe('<none>');
  });

  it.each([
    { desc: 'ready', conditions: [{ type: 'Ready', status: 'True' }], unschedulable: false, labels: { 'node-role.kubernetes.io/control-plane': '' }, status: 'Ready', roles: 'control-plane' },
    { desc: 'not ready, cordoned', conditions: [{ type: 'Ready', status: 'False' }], unschedulable: true, labels: {}, status: 'NotReady,SchedulingDisabled', roles: '<none>' },
    { desc: 'never reported', conditions: [], unschedulable: false, labels: { 'kubernetes.io/role': 'worker' }, status: 'Unknown', roles: 'worker' },
  ])('nodes: $desc', ({ conditions, unschedulable, labels, status, roles }) => {
    const node: Node = { metadata: { ...meta('node-40'), labels: labels as Record<string, string> }, spec: { unschedulable }, status: { conditions, addresses: [{ type: 'InternalIP', address: '127.10.0.40' }], nodeInfo: { kubeletVersion: 'v1.35.0-k8ts' } } };
    expect(nodePrinter.cells(node, NOW).slice(0, 6)).toEqual(['node-40', status, roles, '60s', 'v1.35.0-k8ts', '127.10.0.40']);
  });

  it('deployments and replicasets', () => {
    const d: Deployment = {
      metadata: meta('web'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } } },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2, replicas: 3 },
    };
    expect(deploymentPrinter.cells(d, NOW)).toEqual(['web', '2/3', 3, 2, '60s', 'nginx,side', 'nginx:1,busybox', 'app=web']);
    expect(replicaSetPrinter.cells(d, NOW)).toEqual(['web', 3, 3, 2, '60s', 'nginx,side', 'nginx:1,busybox', 'app=web']);
  });

  it('events: last seen with repeat count, object as kind/name', () => {
    const ev: Event = {
      metadata: meta('p.1'),
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container ',
      firstTimestamp: '2026-11-29T11:50:00Z',
      lastTimestamp: '2026-11-29T11:59:30Z',
      count: 5,
      source: { component: 'kubelet', host: 'node-40' },
    };
    expect(eventPrinter.cells(ev, NOW).slice(0, 7)).toEqual(['30s (x5 over 9m30s)', 'Warning', 'BackOff', 'pod/p', '', 'kubelet, node-40', 'Back-off restarting failed container']);
  });

  it('falls back to NAME / CREATED AT', () => {
    expect(printerFor('configmaps', '').columns.map((c) => c.name)).toEqual(['Name', 'Created At']);
    expect(printerFor('deployments', 'apps')).toBe(deploymentPrinter);
  });
});
