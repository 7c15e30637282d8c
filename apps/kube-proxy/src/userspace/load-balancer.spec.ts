import { FakeClock } from '@k8ts/testing';
import { backendKey, LoadBalancer } from './load-balancer';

const b = (n: number) => ({ ip: `127.244.20.${n}`, port: 8080 });

describe('LoadBalancer', () => {
  it.each([
    { desc: 'round robin', backends: [b(1), b(2), b(3)], sticky: 0, clients: ['a', 'a', 'a', 'a'], want: ['1', '2', '3', '1'] },
    { desc: 'ClientIP affinity pins each client', backends: [b(1), b(2), b(3)], sticky: 60, clients: ['a', 'b', 'a', 'b', 'c'], want: ['1', '2', '1', '2', '3'] },
    { desc: 'no backends', backends: [], sticky: 0, clients: ['a'], want: ['none'] },
  ])('$desc', ({ backends, sticky, clients, want }) => {
    const lb = new LoadBalancer(new FakeClock());
    lb.update(backends, sticky);
    expect(clients.map((c) => lb.next(c)?.ip.split('.')[3] ?? 'none')).toEqual(want);
  });

  it('affinity expires after the timeout since last use', () => {
    const clock = new FakeClock();
    const lb = new LoadBalancer(clock);
    lb.update([b(1), b(2)], 10);
    expect(lb.next('a')?.ip).toBe(b(1).ip);
    clock.advance(9_000);
    expect(lb.next('a')?.ip).toBe(b(1).ip); // refreshed
    clock.advance(10_001);
    expect(lb.next('a')?.ip).toBe(b(2).ip);
  });

  it('a pinned endpoint that leaves, or fails to dial, is replaced', () => {
    const lb = new LoadBalancer(new FakeClock());
    lb.update([b(1), b(2)], 100);
    expect(lb.next('a')?.ip).toBe(b(1).ip);
    expect(lb.next('a', new Set([backendKey(b(1))]))?.ip).toBe(b(2).ip);
    expect(lb.next('a')?.ip).toBe(b(2).ip); // re-pinned
    lb.update([b(1)], 100);
    expect(lb.next('a')?.ip).toBe(b(1).ip);
  });

  it('listeners of one service port share the affinity table', () => {
    const clock = new FakeClock();
    const table = new Map();
    const clusterIP = new LoadBalancer(clock, table);
    const nodePort = new LoadBalancer(clock, table);
    clusterIP.update([b(1), b(2), b(3)], 60);
    nodePort.update([b(1), b(2), b(3)], 60);
    clusterIP.next('x'); // 1
    expect(clusterIP.next('a')?.ip).toBe(b(2).ip);
    expect(nodePort.next('a')?.ip).toBe(b(2).ip);
  });

  it('skips excluded endpoints and gives up when all are excluded', () => {
    const lb = new LoadBalancer(new FakeClock());
    lb.update([b(1), b(2)], 0);
    const all = new Set([backendKey(b(1)), backendKey(b(2))]);
    expect(lb.next('a', new Set([backendKey(b(1))]))?.ip).toBe(b(2).ip);
    expect(lb.next('a', all)).toBeUndefined();
  });
});
