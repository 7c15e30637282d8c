import type { Container, Pod, Service } from '@k8ts/api';
import { buildContainerEnv, buildContainerEnvDetailed, expandCommand, type ContainerEnvInput } from './environment';
import { expand, mappingFor } from './expansion';

function svc(name: string, namespace: string, clusterIP: string, ports: { name?: string; port: number; protocol?: string }[], type?: string): Service {
  return { metadata: { name, namespace }, spec: { clusterIP, type, ports } };
}

const kubernetes = svc('kubernetes', 'default', '127.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]);
const web = svc('web-front', 'team-a', '127.96.0.20', [
  { name: 'http', port: 80, protocol: 'TCP' },
  { name: 'dns-udp', port: 53, protocol: 'UDP' },
]);
const db = svc('db', 'team-a', '127.96.0.21', [{ port: 5432 }]);
const headless = svc('headless', 'team-a', 'None', [{ port: 80 }]);
const external = svc('ext', 'team-a', '', [{ port: 80 }], 'ExternalName');
const otherNs = svc('elsewhere', 'team-b', '127.96.0.30', [{ port: 80 }]);

function input(container: Partial<Container> = {}, over: Partial<ContainerEnvInput> = {}): ContainerEnvInput {
  const pod: Pod = {
    metadata: { name: 'web-1', namespace: 'team-a', uid: 'uid-1', labels: { app: 'web' }, annotations: { team: 'blue' } },
    spec: { nodeName: 'node-1', serviceAccountName: 'sa', containers: [] },
  };
  return {
    pod,
    container: { name: 'app', image: 'k8ts/echo', ports: [{ name: 'http', containerPort: 8080 }], ...container },
    podIP: '127.244.1.5',
    hostIP: '127.10.0.1',
    nodeName: 'node-1',
    services: [kubernetes, web, db, headless, external, otherNs],
    enableServiceLinks: true,
    ...over,
  };
}

describe('buildContainerEnv', () => {
  it('adds the k8ts extras', () => {
    const env = buildContainerEnv(input());
    expect(env).toMatchObject({
      POD_IP: '127.244.1.5',
      POD_NAME: 'web-1',
      POD_NAMESPACE: 'team-a',
      NODE_NAME: 'node-1',
      HOSTNAME: 'web-1',
      PORT: '8080',
    });
  });

  it.each([
    { desc: 'pod hostname wins over the name', hostname: 'custom', want: 'custom' },
    { desc: 'no hostname: the pod name', hostname: undefined, want: 'web-1' },
  ])('HOSTNAME: $desc', ({ hostname, want }) => {
    const i = input();
    i.pod.spec!.hostname = hostname;
    expect(buildContainerEnv(i).HOSTNAME).toBe(want);
  });

  const dns = { server: '127.96.0.10', domain: 'cluster.local' };
  it.each([
    { desc: 'ClusterFirst by default', policy: undefined, clusterDNS: dns, want: { K8TS_DNS_SERVER: '127.96.0.10', K8TS_DNS_SEARCH: 'team-a.svc.cluster.local svc.cluster.local cluster.local' } },
    { desc: 'ClusterFirstWithHostNet', policy: 'ClusterFirstWithHostNet', clusterDNS: dns, want: { K8TS_DNS_SERVER: '127.96.0.10' } },
    { desc: 'dnsPolicy Default: the host resolver', policy: 'Default', clusterDNS: dns, want: undefined },
    { desc: 'dnsPolicy None', policy: 'None', clusterDNS: dns, want: undefined },
    { desc: 'no cluster DNS configured', policy: undefined, clusterDNS: undefined, want: undefined },
  ])('cluster DNS env: $desc', ({ policy, clusterDNS, want }) => {
    const i = input({}, { clusterDNS });
    i.pod.spec!.dnsPolicy = policy;
    const env = buildContainerEnv(i);
    if (want) expect(env).toMatchObject(want);
    else expect(env).not.toHaveProperty('K8TS_DNS_SERVER');
  });

  it('has no PORT without container ports', () => {
    expect(buildContainerEnv(input({ ports: [] }))).not.toHaveProperty('PORT');
  });

  it('links every service with a cluster IP in the namespace, plus kubernetes', () => {
    const env = buildContainerEnv(input());
    expect(env).toMatchObject({
      KUBERNETES_SERVICE_HOST: '127.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://127.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://127.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '127.96.0.1',

      WEB_FRONT_SERVICE_HOST: '127.96.0.20',
      WEB_FRONT_SERVICE_PORT: '80',
      WEB_FRONT_SERVICE_PORT_HTTP: '80',
      WEB_FRONT_SERVICE_PORT_DNS_UDP: '53',
      WEB_FRONT_PORT: 'tcp://127.96.0.20:80',
      WEB_FRONT_PORT_80_TCP: 'tcp://127.96.0.20:80',
      WEB_FRONT_PORT_80_TCP_PROTO: 'tcp',
      WEB_FRONT_PORT_80_TCP_PORT: '80',
      WEB_FRONT_PORT_80_TCP_ADDR: '127.96.0.20',
      WEB_FRONT_PORT_53_UDP: 'udp://127.96.0.20:53',
      WEB_FRONT_PORT_53_UDP_PROTO: 'udp',
      WEB_FRONT_PORT_53_UDP_PORT: '53',
      WEB_FRONT_PORT_53_UDP_ADDR: '127.96.0.20',

      DB_SERVICE_HOST: '127.96.0.21',
      DB_SERVICE_PORT: '5432',
      DB_PORT: 'tcp://127.96.0.21:5432',
      DB_PORT_5432_TCP: 'tcp://127.96.0.21:5432',
    });
    const names = Object.keys(env);
    expect(names.filter((n) => /^(HEADLESS|EXT|ELSEWHERE)_/.test(n))).toEqual([]);
    expect(names).not.toContain('DB_SERVICE_PORT_');
  });

  it.each([
    { desc: 'links enabled', enable: true, wantWeb: true },
    { desc: 'links disabled: only kubernetes', enable: false, wantWeb: false },
  ])('enableServiceLinks: $desc', ({ enable, wantWeb }) => {
    const env = buildContainerEnv(input({}, { enableServiceLinks: enable }));
    expect(env.KUBERNETES_SERVICE_HOST).toBe('127.96.0.1');
    expect('WEB_FRONT_SERVICE_HOST' in env).toBe(wantWeb);
  });

  it('lets a pod-namespace service named kubernetes win over the master one', () => {
    const i = input({}, { pod: { metadata: { name: 'p', namespace: 'team-a' }, spec: {} } });
    i.services = [kubernetes, svc('kubernetes', 'team-a', '127.96.0.99', [{ port: 8443 }])];
    expect(buildContainerEnv(i).KUBERNETES_SERVICE_HOST).toBe('127.96.0.99');
  });

  it.each([
    { desc: 'plain value', env: [{ name: 'A', value: 'x' }], want: { A: 'x' } },
    { desc: 'user env wins over service vars', env: [{ name: 'DB_SERVICE_HOST', value: 'db.local' }], want: { DB_SERVICE_HOST: 'db.local' } },
    { desc: 'user env wins over extras', env: [{ name: 'PORT', value: '9090' }], want: { PORT: '9090' } },
    { desc: 'expands earlier vars', env: [{ name: 'A', value: 'x' }, { name: 'B', value: '$(A)-y' }], want: { A: 'x', B: 'x-y' } },
    { desc: 'later vars are not visible yet', env: [{ name: 'B', value: '$(A)-y' }, { name: 'A', value: 'x' }], want: { A: 'x', B: '$(A)-y' } },
    { desc: 'expands service and extra vars', env: [{ name: 'URL', value: 'http://$(DB_SERVICE_HOST):$(DB_SERVICE_PORT)/$(POD_NAME)' }], want: { URL: 'http://127.96.0.21:5432/web-1' } },
    { desc: 'unknown vars stay as written', env: [{ name: 'A', value: '$(NOPE) $(' }], want: { A: '$(NOPE) $(' } },
    { desc: '$$ escapes', env: [{ name: 'A', value: 'x' }, { name: 'B', value: '$$(A) $$ $a' }], want: { B: '$(A) $ $a' } },
    { desc: 'empty value defines an empty var', env: [{ name: 'E' }], want: { E: '' } },
  ])('user env: $desc', ({ env, want }) => {
    expect(buildContainerEnv(input({ env }))).toMatchObject(want);
  });

  it.each([
    { desc: 'metadata.name', path: 'metadata.name', want: 'web-1' },
    { desc: 'metadata.namespace', path: 'metadata.namespace', want: 'team-a' },
    { desc: 'metadata.uid', path: 'metadata.uid', want: 'uid-1' },
    { desc: 'a label', path: "metadata.labels['app']", want: 'web' },
    { desc: 'a missing label', path: "metadata.labels['nope']", want: '' },
    { desc: 'an annotation', path: "metadata.annotations['team']", want: 'blue' },
    { desc: 'all labels', path: 'metadata.labels', want: 'app="web"' },
    { desc: 'spec.nodeName', path: 'spec.nodeName', want: 'node-1' },
    { desc: 'spec.serviceAccountName', path: 'spec.serviceAccountName', want: 'sa' },
    { desc: 'status.podIP', path: 'status.podIP', want: '127.244.1.5' },
    { desc: 'status.podIPs', path: 'status.podIPs', want: '127.244.1.5' },
    { desc: 'status.hostIP', path: 'status.hostIP', want: '127.10.0.1' },
  ])('fieldRef $desc', ({ path, want }) => {
    const env = buildContainerEnv(input({ env: [{ name: 'F', valueFrom: { fieldRef: { fieldPath: path } } }] }));
    expect(env.F).toBe(want);
  });

  it.each([
    { desc: 'unknown fieldPath', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } }, reason: /unsupported fieldRef/ },
    { desc: 'configMapKeyRef', valueFrom: { configMapKeyRef: { key: 'k' } }, reason: /configMapKeyRef/ },
    { desc: 'secretKeyRef', valueFrom: { secretKeyRef: { key: 'k' } }, reason: /secretKeyRef/ },
  ])('skips $desc with a reason', ({ valueFrom, reason }) => {
    const { env, skipped } = buildContainerEnvDetailed(input({ env: [{ name: 'S', valueFrom }] }));
    expect(env).not.toHaveProperty('S');
    expect(skipped).toEqual([{ name: 'S', reason: expect.stringMatching(reason) }]);
  });
});

describe('expandCommand', () => {
  it.each([
    { desc: 'command', list: ['echo', '$(A)'], want: ['echo', 'x'] },
    { desc: 'args with escapes', list: ['--port=$(PORT)', '$$(A)'], want: ['--port=8080', '$(A)'] },
    { desc: 'absent list', list: undefined, want: [] },
    { desc: 'unknown stays', list: ['$(NOPE)'], want: ['$(NOPE)'] },
  ])('$desc', ({ list, want }) => {
    expect(expandCommand(list, { A: 'x', PORT: '8080' })).toEqual(want);
  });
});

describe('expand', () => {
  it.each([
    { desc: 'trailing $', input: 'a$', want: 'a$' },
    { desc: 'adjacent refs', input: '$(A)$(A)', want: 'xx' },
    { desc: 'empty name', input: '$()', want: '$()' },
    { desc: 'nested opener', input: '$(A$(A))', want: '$(A$(A))' },
  ])('$desc', ({ input: s, want }) => {
    expect(expand(s, mappingFor({ A: 'x' }))).toBe(want);
  });
});
