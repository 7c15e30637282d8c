import { testService } from '../testing/fixtures';
import { isServiceIPSet, managesEndpoints, serviceAddressTypes } from './service-helpers';

describe('service helpers', () => {
  it.each([
    { desc: 'ipFamilies win', svc: testService({ ipFamilies: ['IPv6', 'IPv4'] }), want: ['IPv6', 'IPv4'] },
    { desc: 'IPv4 cluster IP', svc: testService({ clusterIP: '127.96.0.20' }), want: ['IPv4'] },
    { desc: 'IPv6 cluster IP', svc: testService({ clusterIP: 'fd00::10' }), want: ['IPv6'] },
    { desc: 'headless without ipFamilies', svc: testService({ clusterIP: 'None' }), want: ['IPv4'] },
  ])('serviceAddressTypes — $desc', ({ svc, want }) => {
    expect(serviceAddressTypes(svc)).toEqual(want);
  });

  it.each([
    { desc: 'selector', svc: testService(), want: true },
    { desc: 'no selector', svc: testService({ noSelector: true }), want: false },
    { desc: 'empty selector', svc: testService({ selector: {} }), want: false },
    { desc: 'ExternalName', svc: testService({ type: 'ExternalName' }), want: false },
  ])('managesEndpoints — $desc', ({ svc, want }) => {
    expect(managesEndpoints(svc)).toBe(want);
  });

  it.each([
    { clusterIP: '127.96.0.20', want: true },
    { clusterIP: 'None', want: false },
    { clusterIP: '', want: false },
  ])('isServiceIPSet($clusterIP) = $want', ({ clusterIP, want }) => {
    const svc = testService();
    if (svc.spec) svc.spec.clusterIP = clusterIP;
    expect(isServiceIPSet(svc)).toBe(want);
  });
});
