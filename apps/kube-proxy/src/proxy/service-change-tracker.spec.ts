import { ServiceChangeTracker, ServicePortMap } from './service-change-tracker';
import { svc } from '../testing/objects';
import type { Service } from '@k8ts/api';

type Step = [Service | undefined, Service | undefined];

describe('ServiceChangeTracker', () => {
  const a = svc();
  const a2 = svc({ ports: [{ port: 81 }] });
  const named = svc({ ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] });

  it.each<{ desc: string; steps: Step[]; pendingAfter: boolean[]; wantPrev: string[]; wantCurr: string[] }>([
    { desc: 'add', steps: [[undefined, a]], pendingAfter: [true], wantPrev: [], wantCurr: ['default/web/TCP'] },
    { desc: 'add then delete before a sync cancels out', steps: [[undefined, a], [a, undefined]], pendingAfter: [true, false], wantPrev: [], wantCurr: [] },
    { desc: 'update keeps the first previous and the last current', steps: [[a, a2], [a2, a]], pendingAfter: [true, false], wantPrev: [], wantCurr: [] },
    { desc: 'port change', steps: [[a, a2]], pendingAfter: [true], wantPrev: ['default/web/TCP'], wantCurr: ['default/web/TCP'] },
    { desc: 'named ports and protocols', steps: [[undefined, named]], pendingAfter: [true], wantPrev: [], wantCurr: ['default/web:dns/UDP', 'default/web:http/TCP'] },
    { desc: 'headless is not proxied', steps: [[undefined, svc({ clusterIP: 'None' })]], pendingAfter: [false], wantPrev: [], wantCurr: [] },
    { desc: 'ExternalName is not proxied', steps: [[undefined, svc({ type: 'ExternalName', externalName: 'example.com' })]], pendingAfter: [false], wantPrev: [], wantCurr: [] },
    { desc: 'ClusterIP becoming headless is a removal', steps: [[a, svc({ clusterIP: 'None' })]], pendingAfter: [true], wantPrev: ['default/web/TCP'], wantCurr: [] },
    { desc: 'SCTP ports are left out', steps: [[undefined, svc({ ports: [{ port: 9, protocol: 'SCTP' }] })]], pendingAfter: [false], wantPrev: [], wantCurr: [] },
    { desc: 'resync (same object) is no change', steps: [[a, a]], pendingAfter: [false], wantPrev: [], wantCurr: [] },
  ])('$desc', ({ steps, pendingAfter, wantPrev, wantCurr }) => {
    const t = new ServiceChangeTracker();
    steps.forEach(([p, c], i) => expect(t.update(p, c)).toBe(pendingAfter[i]));
    const changes = t.checkoutChanges();
    expect(changes.flatMap((c) => [...c.previous.keys()]).sort()).toEqual(wantPrev);
    expect(changes.flatMap((c) => [...c.current.keys()]).sort()).toEqual(wantCurr);
    expect(t.pending()).toBe(0);
  });

  it.each([
    { desc: 'ClusterIP: no node port, no LB', s: svc(), want: { nodePort: 0, loadBalancerIPs: [], stickyMaxAgeSeconds: 0, internalPolicyLocal: false, externalPolicyLocal: false } },
    { desc: 'NodePort', s: svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), want: { nodePort: 30080 } },
    { desc: 'LoadBalancer ingress IPs', s: svc({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30081 }], lbIPs: ['127.241.0.1'] }), want: { nodePort: 30081, loadBalancerIPs: ['127.241.0.1'] } },
    { desc: 'node port ignored on a ClusterIP service', s: svc({ ports: [{ port: 80, nodePort: 30082 }] }), want: { nodePort: 0 } },
    { desc: 'ClientIP affinity default 3h', s: svc({ affinity: 'default' }), want: { stickyMaxAgeSeconds: 10800 } },
    { desc: 'ClientIP affinity timeout', s: svc({ affinity: 60 }), want: { stickyMaxAgeSeconds: 60 } },
    { desc: 'traffic policies', s: svc({ type: 'NodePort', internalLocal: true, externalLocal: true }), want: { internalPolicyLocal: true, externalPolicyLocal: true } },
  ])('port info: $desc', ({ s, want }) => {
    const t = new ServiceChangeTracker();
    t.update(undefined, s);
    const map = new ServicePortMap();
    map.apply(t.checkoutChanges());
    expect([...map.ports.values()][0]).toMatchObject(want);
  });

  it('ServicePortMap applies a delete', () => {
    const t = new ServiceChangeTracker();
    const map = new ServicePortMap();
    t.update(undefined, named);
    map.apply(t.checkoutChanges());
    expect(map.ports.size).toBe(2);
    t.update(named, undefined);
    map.apply(t.checkoutChanges());
    expect(map.ports.size).toBe(0);
  });
});
