import { seededRandom } from '../framework/schedule-one';
import { benchNode, benchPod, runSchedulingThroughput } from './scheduling-throughput';

describe('runSchedulingThroughput', () => {
  it('schedules every pod that fits and reports the figures', async () => {
    const r = await runSchedulingThroughput({ nodes: 20, pods: 200, random: seededRandom(7) });
    expect(r.attempted).toBe(200);
    expect(r.scheduled + r.unschedulable + r.errors).toBe(200);
    expect(r.errors).toBe(0);
    expect(r.scheduled).toBeGreaterThan(150);
    expect(r.podsPerSecond).toBeGreaterThan(0);
    expect(r.p50Ms).toBeLessThanOrEqual(r.p99Ms);
    expect(r.p99Ms).toBeLessThanOrEqual(r.maxMs);
    expect(r.timedOut).toBe(false);
  });

  it('later pods see the earlier ones: a full cluster leaves pods unschedulable', async () => {
    // 2 nodes (2 and 4 cpu) hold 6 cpu; 100 pods ask for far more.
    const r = await runSchedulingThroughput({ nodes: 2, pods: 100 });
    expect(r.scheduled).toBeGreaterThan(0);
    expect(r.unschedulable).toBeGreaterThan(0);
    expect(r.scheduled + r.unschedulable).toBe(100);
  });

  it('stops at the deadline', async () => {
    const r = await runSchedulingThroughput({ nodes: 10, pods: 50, deadlineMs: 0 });
    expect(r.timedOut).toBe(true);
    expect(r.attempted).toBeLessThan(50);
  });

  it('builds mixed nodes, some tainted, and pods with requests', () => {
    expect(benchNode(0).status?.allocatable?.cpu).toBe('2');
    expect(benchNode(4).status?.allocatable?.cpu).toBe('32');
    expect(benchNode(9).spec?.taints).toHaveLength(1);
    expect(benchNode(8).spec?.taints).toBeUndefined();
    expect(benchPod(3).spec?.containers?.[0].resources?.requests).toEqual({ cpu: '1', memory: '1Gi' });
    expect(benchPod(10).spec?.tolerations).toHaveLength(1);
  });
});
