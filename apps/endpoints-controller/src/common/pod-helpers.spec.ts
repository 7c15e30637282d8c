import { intOrString, type ServicePort } from '@k8ts/api';
import { testPod } from '../testing/fixtures';
import { findPort, podIPs, shouldPodBeInEndpoints } from './pod-helpers';

describe('findPort', () => {
  const pod = testPod({ ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] });
  it.each<{ desc: string; port: ServicePort; want: number | undefined }>([
    { desc: 'numeric targetPort', port: { port: 80, targetPort: intOrString(9000) }, want: 9000 },
    { desc: 'no targetPort: the Service port', port: { port: 80 }, want: 80 },
    { desc: 'named, TCP by default', port: { port: 80, targetPort: intOrString('http') }, want: 8080 },
    { desc: 'named, protocol must match', port: { port: 53, targetPort: intOrString('dns'), protocol: 'TCP' }, want: undefined },
    { desc: 'named, matching protocol', port: { port: 53, targetPort: intOrString('dns'), protocol: 'UDP' }, want: 5353 },
    { desc: 'unknown name', port: { port: 80, targetPort: intOrString('nope') }, want: undefined },
  ])('$desc', ({ port, want }) => {
    expect(findPort(pod, port)).toBe(want);
  });
});

describe('pod predicates', () => {
  it.each([
    { desc: 'podIPs', pod: testPod({ podIPs: ['10.0.0.1', 'fd00::1'] }), want: ['10.0.0.1', 'fd00::1'] },
    { desc: 'podIP only', pod: { ...testPod(), status: { podIP: '10.0.0.9' } }, want: ['10.0.0.9'] },
    { desc: 'none', pod: testPod(), want: [] },
  ])('podIPs — $desc', ({ pod, want }) => {
    expect(podIPs(pod)).toEqual(want);
  });

  it.each([
    { desc: 'running with IP', o: { podIP: '10.0.0.1' }, terminating: false, want: true },
    { desc: 'no IP', o: {}, terminating: true, want: false },
    { desc: 'Succeeded', o: { podIP: '10.0.0.1', phase: 'Succeeded' }, terminating: true, want: false },
    { desc: 'Failed', o: { podIP: '10.0.0.1', phase: 'Failed' }, terminating: true, want: false },
    { desc: 'terminating, not included', o: { podIP: '10.0.0.1', terminating: true }, terminating: false, want: false },
    { desc: 'terminating, included', o: { podIP: '10.0.0.1', terminating: true }, terminating: true, want: true },
  ])('shouldPodBeInEndpoints — $desc', ({ o, terminating, want }) => {
    expect(shouldPodBeInEndpoints(testPod(o), terminating)).toBe(want);
  });
});
