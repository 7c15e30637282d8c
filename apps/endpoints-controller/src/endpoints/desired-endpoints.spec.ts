import type { Endpoints, Pod, Service } from '@k8ts/api';
import { deepFreeze, readyPods, testPod, testService } from '../testing/fixtures';
import { desiredEndpoints } from './desired-endpoints';

/** A compact view of subsets: ready / not-ready pod names and "name:port/proto" ports. */
function summary(ep: Endpoints | undefined): { ready: string[]; notReady: string[]; ports: string[] }[] | undefined {
  return ep?.subsets?.map((s) => ({
    ready: (s.addresses ?? []).map((a) => a.targetRef?.name ?? '?'),
    notReady: (s.notReadyAddresses ?? []).map((a) => a.targetRef?.name ?? '?'),
    ports: (s.ports ?? []).map((p) => `${p.name}:${p.port}/${p.protocol}`),
  }));
}

const svc = testService({ name: 'web' });
const namedSvc = testService({ name: 'web', ports: [{ name: 'http', port: 80, targetPort: 'http' }] });

describe('desiredEndpoints: which pods and how', () => {
  it.each<{ desc: string; service: Service; pods: Pod[]; want: ReturnType<typeof summary> }>([
    {
      desc: 'ready pods are ready addresses, sorted by IP',
      service: svc,
      pods: [testPod({ name: 'b', ready: true, podIP: '10.0.0.2' }), testPod({ name: 'a', ready: true, podIP: '10.0.0.1' })],
      want: [{ ready: ['a', 'b'], notReady: [], ports: [':8080/TCP'] }],
    },
    {
      desc: 'a not-ready pod is a not-ready address of the same subset',
      service: svc,
      pods: [testPod({ name: 'a', ready: true, podIP: '10.0.0.1' }), testPod({ name: 'b', ready: false, podIP: '10.0.0.2' })],
      want: [{ ready: ['a'], notReady: ['b'], ports: [':8080/TCP'] }],
    },
    {
      desc: 'publishNotReadyAddresses: not-ready pods are ready addresses',
      service: testService({ publishNotReadyAddresses: true }),
      pods: [testPod({ name: 'a', ready: false, podIP: '10.0.0.1' })],
      want: [{ ready: ['a'], notReady: [], ports: [':8080/TCP'] }],
    },
    {
      desc: 'a terminating pod is left out, even when ready',
      service: svc,
      pods: [testPod({ name: 'a', ready: true, podIP: '10.0.0.1', terminating: true }), testPod({ name: 'b', ready: true, podIP: '10.0.0.2' })],
      want: [{ ready: ['b'], notReady: [], ports: [':8080/TCP'] }],
    },
    {
      desc: 'publishNotReadyAddresses: a terminating pod stays, as ready',
      service: testService({ publishNotReadyAddresses: true }),
      pods: [testPod({ name: 'a', ready: false, podIP: '10.0.0.1', terminating: true })],
      want: [{ ready: ['a'], notReady: [], ports: [':8080/TCP'] }],
    },
    {
      desc: 'a pod without IP is ignored',
      service: svc,
      pods: [testPod({ name: 'a', ready: true }), testPod({ name: 'b', ready: false })],
      want: [],
    },
    {
      desc: 'terminal pods (Succeeded, Failed) are ignored whatever the restartPolicy',
      service: testService({ publishNotReadyAddresses: true }),
      pods: [
        testPod({ name: 'a', podIP: '10.0.0.1', phase: 'Succeeded', restartPolicy: 'OnFailure' }),
        testPod({ name: 'b', podIP: '10.0.0.2', phase: 'Failed', restartPolicy: 'Never' }),
        testPod({ name: 'c', podIP: '10.0.0.3', phase: 'Failed', restartPolicy: 'Always' }),
        testPod({ name: 'd', podIP: '10.0.0.4', phase: 'Pending', restartPolicy: 'Never' }),
      ],
      want: [{ ready: ['d'], notReady: [], ports: [':8080/TCP'] }],
    },
    {
      desc: 'pods of another namespace or with other labels are ignored',
      service: svc,
      pods: [
        testPod({ name: 'a', ready: true, podIP: '10.0.0.1', namespace: 'other' }),
        testPod({ name: 'b', ready: true, podIP: '10.0.0.2', labels: { app: 'db' } }),
        testPod({ name: 'c', ready: true, podIP: '10.0.0.3', labels: { app: 'web', tier: 'x' } }),
      ],
      want: [{ ready: ['c'], notReady: [], ports: [':8080/TCP'] }],
    },
    {
      desc: 'named targetPort: pods resolving different numbers get separate subsets; pods without the name are left out',
      service: namedSvc,
      pods: [
        testPod({ name: 'a', ready: true, podIP: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] }),
        testPod({ name: 'b', ready: true, podIP: '10.0.0.2', ports: [{ name: 'http', containerPort: 9090 }] }),
        testPod({ name: 'c', ready: false, podIP: '10.0.0.3', ports: [{ name: 'http', containerPort: 8080 }] }),
        testPod({ name: 'd', ready: true, podIP: '10.0.0.4', ports: [{ name: 'metrics', containerPort: 8080 }] }),
      ],
      want: [
        { ready: ['a'], notReady: ['c'], ports: ['http:8080/TCP'] },
        { ready: ['b'], notReady: [], ports: ['http:9090/TCP'] },
      ],
    },
    {
      desc: 'named targetPort must match the protocol too',
      service: testService({ ports: [{ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }] }),
      pods: [
        testPod({ name: 'a', ready: true, podIP: '10.0.0.1', ports: [{ name: 'dns', containerPort: 5353, protocol: 'TCP' }] }),
        testPod({ name: 'b', ready: true, podIP: '10.0.0.2', ports: [{ name: 'dns', containerPort: 5353, protocol: 'UDP' }] }),
      ],
      want: [{ ready: ['b'], notReady: [], ports: ['dns:5353/UDP'] }],
    },
    {
      desc: 'named targetPort found on a sidecar (restartable init container)',
      service: namedSvc,
      pods: [
        testPod({
          name: 'a',
          ready: true,
          podIP: '10.0.0.1',
          initContainers: [{ name: 'proxy', restartPolicy: 'Always', ports: [{ name: 'http', containerPort: 15001, protocol: 'TCP' }] }],
        }),
        testPod({
          name: 'b',
          ready: true,
          podIP: '10.0.0.2',
          initContainers: [{ name: 'init', ports: [{ name: 'http', containerPort: 15001, protocol: 'TCP' }] }],
        }),
      ],
      want: [{ ready: ['a'], notReady: [], ports: ['http:15001/TCP'] }],
    },
    {
      desc: 'two Service ports: a pod missing one named port gets a subset with the other port only',
      service: testService({
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          { name: 'metrics', port: 9100, targetPort: 9100 },
        ],
      }),
      pods: [
        testPod({ name: 'a', ready: true, podIP: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] }),
        testPod({ name: 'b', ready: true, podIP: '10.0.0.2' }),
      ],
      want: [
        { ready: ['a'], notReady: [], ports: ['http:8080/TCP', 'metrics:9100/TCP'] },
        { ready: ['b'], notReady: [], ports: ['metrics:9100/TCP'] },
      ],
    },
    {
      desc: 'headless Service without ports: addresses without ports',
      service: testService({ clusterIP: 'None', ports: [] }),
      pods: [testPod({ name: 'a', ready: true, podIP: '10.0.0.1' }), testPod({ name: 'b', ready: false, podIP: '10.0.0.2' })],
      want: [{ ready: ['a'], notReady: ['b'], ports: [] }],
    },
    {
      desc: 'Service with a cluster IP but no ports: nothing',
      service: testService({ ports: [] }),
      pods: [testPod({ name: 'a', ready: true, podIP: '10.0.0.1' })],
      want: [],
    },
    {
      desc: 'IPv6 Service takes the IPv6 address of a dual-stack pod; pods without one are left out',
      service: testService({ clusterIP: 'fd00::10', ipFamilies: ['IPv6'] }),
      pods: [testPod({ name: 'a', ready: true, podIPs: ['10.0.0.1', 'fd00::1'] }), testPod({ name: 'b', ready: true, podIP: '10.0.0.2' })],
      want: [{ ready: ['a'], notReady: [], ports: [':8080/TCP'] }],
    },
  ])('$desc', ({ service, pods, want }) => {
    expect(summary(desiredEndpoints(deepFreeze(service), deepFreeze(pods)))).toEqual(want);
  });
});

describe('desiredEndpoints: the object', () => {
  it('names the Endpoints after the Service and fills ip, nodeName and targetRef', () => {
    const service = testService({ name: 'web', namespace: 'team-a', labels: { tier: 'front' } });
    const pod = testPod({ name: 'web-1', namespace: 'team-a', ready: true, podIP: '10.0.0.1', nodeName: 'node-2' });
    expect(desiredEndpoints(service, [pod])).toEqual({
      metadata: { name: 'web', namespace: 'team-a', labels: { tier: 'front' } },
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1', nodeName: 'node-2', targetRef: { kind: 'Pod', namespace: 'team-a', name: 'web-1', uid: 'uid-web-1' } }],
          ports: [{ name: '', port: 8080, protocol: 'TCP' }],
        },
      ],
    });
  });

  it('a Service with no matching pods gets an Endpoints without subsets', () => {
    expect(desiredEndpoints(svc, [])).toEqual({ metadata: { name: 'web', namespace: 'default', labels: {} }, subsets: [] });
  });

  it.each([
    { desc: 'no selector', service: testService({ noSelector: true }) },
    { desc: 'empty selector', service: testService({ selector: {} }) },
    { desc: 'type ExternalName', service: testService({ type: 'ExternalName' }) },
  ])('leaves a Service alone: $desc', ({ service }) => {
    expect(desiredEndpoints(service, [testPod({ ready: true, podIP: '10.0.0.1' })])).toBeUndefined();
  });

  it.each([
    { desc: 'ClusterIP Service: the Service labels', clusterIP: '127.96.0.20', want: { team: 'a' } },
    { desc: 'headless Service: plus service.kubernetes.io/headless', clusterIP: 'None', want: { team: 'a', 'service.kubernetes.io/headless': '' } },
  ])('labels — $desc', ({ clusterIP, want }) => {
    expect(desiredEndpoints(testService({ clusterIP, labels: { team: 'a' } }), [])?.metadata?.labels).toEqual(want);
  });

  it.each([
    { desc: 'subdomain = Service name: hostname set', subdomain: 'web', want: 'web-0' },
    { desc: 'other subdomain: no hostname', subdomain: 'other', want: undefined },
    { desc: 'no subdomain: no hostname', subdomain: undefined, want: undefined },
  ])('hostname — $desc', ({ subdomain, want }) => {
    const pod = testPod({ name: 'web-0', ready: true, podIP: '10.0.0.1', hostname: 'web-0', subdomain });
    const ep = desiredEndpoints(testService({ name: 'web', clusterIP: 'None' }), [pod]);
    expect(ep?.subsets?.[0].addresses?.[0].hostname).toBe(want);
  });

  it('appProtocol and protocol come from the Service port', () => {
    const service = testService({ ports: [{ name: 'grpc', port: 443, targetPort: 8443, appProtocol: 'kubernetes.io/h2c' }] });
    const ep = desiredEndpoints(service, [testPod({ ready: true, podIP: '10.0.0.1' })]);
    expect(ep?.subsets?.[0].ports).toEqual([{ name: 'grpc', port: 8443, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }]);
  });

  it('is deterministic whatever the pod order', () => {
    const pods = readyPods(20);
    const a = desiredEndpoints(svc, pods);
    const b = desiredEndpoints(svc, [...pods].reverse());
    expect(b).toEqual(a);
  });

  it('truncates over capacity, ready addresses first, and says so', () => {
    const pods = [...readyPods(4), ...readyPods(3, { prefix: 'slow', firstIP: 10, ready: false })];
    const ep = desiredEndpoints(svc, pods, { maxCapacity: 5 });
    expect(summary(ep)).toEqual([{ ready: ['web-000', 'web-001', 'web-002', 'web-003'], notReady: ['slow-010'], ports: [':8080/TCP'] }]);
    expect(ep?.metadata?.annotations).toEqual({ 'endpoints.kubernetes.io/over-capacity': 'truncated' });
    expect(desiredEndpoints(svc, pods, { maxCapacity: 7 })?.metadata?.annotations).toBeUndefined();
  });
});
