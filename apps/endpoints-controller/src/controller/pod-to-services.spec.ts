import type { Pod } from '@k8ts/api';
import { testPod, testService } from '../testing/fixtures';
import { podChanged, podEndpointsChanged, servicesForPodChange, servicesSelecting } from './pod-to-services';

const base = testPod({ name: 'p', labels: { app: 'a' }, ready: true, podIP: '10.0.0.1', nodeName: 'node-1', resourceVersion: '10' });

function edit(f: (p: Pod) => void): Pod {
  const p = testPod({ name: 'p', labels: { app: 'a' }, ready: true, podIP: '10.0.0.1', nodeName: 'node-1', resourceVersion: '11' });
  f(p);
  return p;
}

describe('podEndpointsChanged / podChanged', () => {
  it.each<{ desc: string; next: Pod; want: { podChanged: boolean; labelsChanged: boolean } }>([
    { desc: 'nothing endpoints show', next: edit((p) => (p.metadata = { ...p.metadata, annotations: { x: 'y' } })), want: { podChanged: false, labelsChanged: false } },
    { desc: 'pod IP', next: edit((p) => (p.status = { ...p.status, podIP: '10.0.0.2', podIPs: [{ ip: '10.0.0.2' }] })), want: { podChanged: true, labelsChanged: false } },
    { desc: 'readiness', next: testPod({ name: 'p', labels: { app: 'a' }, ready: false, podIP: '10.0.0.1', nodeName: 'node-1' }), want: { podChanged: true, labelsChanged: false } },
    { desc: 'deletionTimestamp', next: edit((p) => (p.metadata = { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' })), want: { podChanged: true, labelsChanged: false } },
    { desc: 'phase', next: edit((p) => (p.status = { ...p.status, phase: 'Succeeded' })), want: { podChanged: true, labelsChanged: false } },
    { desc: 'hostname', next: edit((p) => (p.spec = { ...p.spec, hostname: 'h' })), want: { podChanged: true, labelsChanged: false } },
    { desc: 'subdomain', next: edit((p) => (p.spec = { ...p.spec, subdomain: 's' })), want: { podChanged: true, labelsChanged: false } },
    { desc: 'nodeName', next: edit((p) => (p.spec = { ...p.spec, nodeName: 'node-2' })), want: { podChanged: true, labelsChanged: false } },
    {
      desc: 'container ports',
      next: edit((p) => (p.spec = { ...p.spec, containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 80 }] }] })),
      want: { podChanged: true, labelsChanged: false },
    },
    { desc: 'labels', next: edit((p) => (p.metadata = { ...p.metadata, labels: { app: 'b' } })), want: { podChanged: false, labelsChanged: true } },
    { desc: 'a label with an empty value', next: edit((p) => (p.metadata = { ...p.metadata, labels: { app: 'a', canary: '' } })), want: { podChanged: false, labelsChanged: true } },
  ])('$desc', ({ next, want }) => {
    expect(podEndpointsChanged(base, next)).toEqual(want);
    expect(podChanged(base, next)).toBe(want.podChanged || want.labelsChanged);
  });
});

describe('servicesForPodChange', () => {
  const services = [
    testService({ name: 'svc-a', selector: { app: 'a' } }),
    testService({ name: 'svc-b', selector: { app: 'b' } }),
    testService({ name: 'svc-all', selector: { tier: 'web' } }),
    testService({ name: 'svc-a-other-ns', namespace: 'other', selector: { app: 'a' } }),
    testService({ name: 'manual', noSelector: true }),
    testService({ name: 'external', type: 'ExternalName', selector: { app: 'a' } }),
  ];
  const pod = (labels: Record<string, string>, o: { ready?: boolean; rv?: string } = {}): Pod =>
    testPod({ name: 'p', labels, ready: o.ready ?? true, podIP: '10.0.0.1', resourceVersion: o.rv ?? '11' });

  it.each<{ desc: string; old: Pod | undefined; next: Pod | undefined; want: string[] }>([
    { desc: 'add: the Services selecting the pod', old: undefined, next: pod({ app: 'a', tier: 'web' }), want: ['default/svc-a', 'default/svc-all'] },
    { desc: 'delete: the Services that selected the pod', old: pod({ app: 'b' }), next: undefined, want: ['default/svc-b'] },
    { desc: 'label change moves the pod from svc-a to svc-b: both', old: pod({ app: 'a' }, { rv: '10' }), next: pod({ app: 'b' }), want: ['default/svc-a', 'default/svc-b'] },
    {
      desc: 'label change that keeps a Service: only the Services gained or lost',
      old: pod({ app: 'a', tier: 'web' }, { rv: '10' }),
      next: pod({ app: 'b', tier: 'web' }),
      want: ['default/svc-a', 'default/svc-b'],
    },
    {
      desc: 'label change plus readiness change: old and new Services, including the shared one',
      old: pod({ app: 'a', tier: 'web' }, { rv: '10' }),
      next: pod({ app: 'b', tier: 'web' }, { ready: false }),
      want: ['default/svc-a', 'default/svc-all', 'default/svc-b'],
    },
    { desc: 'readiness change: the Services selecting the pod', old: pod({ app: 'a' }, { rv: '10' }), next: pod({ app: 'a' }, { ready: false }), want: ['default/svc-a'] },
    { desc: 'irrelevant update: nothing', old: pod({ app: 'a' }, { rv: '10' }), next: pod({ app: 'a' }), want: [] },
    { desc: 'resync (same resourceVersion): nothing', old: pod({ app: 'a' }, { rv: '11' }), next: pod({ app: 'a' }, { ready: false, rv: '11' }), want: [] },
    { desc: 'no event at all', old: undefined, next: undefined, want: [] },
  ])('$desc', ({ old, next, want }) => {
    expect([...servicesForPodChange(old, next, services)].sort()).toEqual(want);
  });

  it('servicesSelecting ignores other namespaces, selector-less and ExternalName Services', () => {
    expect([...servicesSelecting('other', { app: 'a' }, services)]).toEqual(['other/svc-a-other-ns']);
    expect([...servicesSelecting('default', {}, services)]).toEqual([]);
  });
});
