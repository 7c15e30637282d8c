import type { Pod } from '@k8ts/api';
import { FakeClock } from '@k8ts/testing';
import { inspect } from 'node:util';
import { defaultProfile } from '../framework/profile';
import { isScheduled, schedulePod, seededRandom } from '../framework/schedule-one';
import type { Snapshot } from '../framework/types';
import { newNode, newPod } from '../testing/builders';
import { SchedulerCache, SchedulerCacheError, type SchedulerCacheOptions } from './scheduler-cache';

function setup(opts: SchedulerCacheOptions = {}) {
  const clock = new FakeClock();
  const warnings: string[] = [];
  const cache = new SchedulerCache({ clock, logger: { warn: (_o, msg) => warnings.push(msg) }, ...opts });
  return { clock, cache, warnings };
}

/** Requested milli-cpu per node name in a snapshot. */
function cpuByNode(s: Snapshot): Record<string, number> {
  return Object.fromEntries(s.nodeInfos.map((ni) => [ni.name, ni.requested.milliCPU]));
}

function podNames(s: Snapshot, node: string): string[] {
  return (s.get(node)?.pods ?? []).map((pi) => pi.pod.metadata?.name ?? '').sort();
}

const pending = (name: string, cpu = '500m'): Pod => newPod({ name, cpu });
const bound = (name: string, node: string, cpu = '500m'): Pod => newPod({ name, cpu, nodeName: node });

describe('SchedulerCache', () => {
  describe('nodes', () => {
    it('adds, updates and removes nodes', () => {
      const { cache } = setup();
      cache.addNode(newNode({ name: 'a' }));
      cache.addNode(newNode({ name: 'b', cpu: '2' }));
      expect(cache.snapshot().nodeInfos.map((n) => n.name)).toEqual(['a', 'b']);
      expect(cache.snapshot().get('b')?.allocatable.milliCPU).toBe(2000);
      cache.updateNode(newNode({ name: 'b', cpu: '16' }));
      expect(cache.snapshot().get('b')?.allocatable.milliCPU).toBe(16000);
      cache.updateNode(newNode({ name: 'b', cpu: '16' }), newNode({ name: 'b', cpu: '24' }));
      expect(cache.snapshot().get('b')?.allocatable.milliCPU).toBe(24000);
      cache.removeNode(newNode({ name: 'a' }));
      cache.removeNode('unknown');
      expect(cache.snapshot().nodeInfos.map((n) => n.name)).toEqual(['b']);
      expect(cache.nodeCount()).toBe(1);
    });

    it('keeps a node’s pods across updates, and across removal and return', () => {
      const { cache } = setup();
      cache.addNode(newNode({ name: 'a' }));
      cache.addPod(bound('p1', 'a'));
      cache.updateNode(newNode({ name: 'a', labels: { zone: 'z1' } }));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 500 });
      cache.removeNode('a');
      expect(cache.snapshot().nodeInfos).toHaveLength(0);
      expect(cache.nodeCount()).toBe(0);
      cache.addNode(newNode({ name: 'a' }));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 500 });
      cache.removeNode('a');
      cache.removePod(bound('p1', 'a'));
      cache.addNode(newNode({ name: 'a' }));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 0 });
    });

    it('counts pods that arrive before their node', () => {
      const { cache } = setup();
      cache.addPod(bound('early', 'late-node'));
      expect(cache.snapshot().nodeInfos).toHaveLength(0);
      cache.addNode(newNode({ name: 'late-node' }));
      expect(podNames(cache.snapshot(), 'late-node')).toEqual(['early']);
    });
  });

  describe('pods', () => {
    it('adds, updates and removes assigned pods', () => {
      const { cache } = setup();
      cache.addNode(newNode({ name: 'a' }));
      cache.addNode(newNode({ name: 'b' }));
      cache.addPod(bound('p1', 'a'));
      cache.addPod(bound('p2', 'b', '1'));
      cache.addPod(pending('unassigned'));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 500, b: 1000 });
      expect(cache.podCount()).toBe(2);
      cache.updatePod(bound('p1', 'a'), bound('p1', 'a', '2'));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 2000, b: 1000 });
      cache.removePod(bound('p2', 'b'));
      cache.removePod(bound('never-seen', 'b'));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 2000, b: 0 });
    });

    it('does not cache terminal pods, and drops pods that terminate', () => {
      const { cache } = setup();
      cache.addNode(newNode({ name: 'a' }));
      cache.addPod(newPod({ name: 'done', cpu: '1', nodeName: 'a', phase: 'Succeeded' }));
      cache.addPod(bound('p', 'a'));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 500 });
      cache.updatePod(bound('p', 'a'), newPod({ name: 'p', cpu: '500m', nodeName: 'a', phase: 'Failed' }));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 0 });
      expect(cache.podCount()).toBe(0);
    });

    it('treats a duplicate add as an update and an update of an unknown pod as an add', () => {
      const { cache } = setup();
      cache.addNode(newNode({ name: 'a' }));
      cache.addPod(bound('p', 'a'));
      cache.addPod(bound('p', 'a', '1'));
      cache.updatePod(undefined, bound('q', 'a'));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 1500 });
      expect(podNames(cache.snapshot(), 'a')).toEqual(['p', 'q']);
    });
  });

  describe('assume', () => {
    it('counts an assumed pod at once', () => {
      const { cache } = setup();
      cache.addNode(newNode({ name: 'a' }));
      const before = cache.snapshot();
      const assumed = cache.assumePod(pending('p'), 'a');
      expect(assumed.spec?.nodeName).toBe('a');
      expect(cache.isAssumedPod(pending('p'))).toBe(true);
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 500 });
      expect(cpuByNode(before)).toEqual({ a: 0 }); // an earlier snapshot is not affected
    });

    it('refuses to assume a pod twice, or a pod already added', () => {
      const { cache } = setup();
      cache.addNode(newNode({ name: 'a' }));
      cache.assumePod(pending('p'), 'a');
      expect(() => cache.assumePod(pending('p'), 'a')).toThrow(SchedulerCacheError);
      cache.addPod(bound('q', 'a'));
      expect(() => cache.assumePod(pending('q'), 'a')).toThrow(/in the cache already/);
      expect(() => cache.assumePod(pending('r'), '')).toThrow(SchedulerCacheError);
    });

    it('forgetPod un-counts an assumed pod (the bind failed)', () => {
      const { cache } = setup();
      cache.addNode(newNode({ name: 'a' }));
      cache.assumePod(pending('p'), 'a');
      cache.forgetPod(pending('p'));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 0 });
      expect(() => cache.forgetPod(pending('p'))).toThrow(/was not assumed/);
      cache.addPod(bound('q', 'a'));
      expect(() => cache.forgetPod(bound('q', 'a'))).toThrow(/was not assumed/);
      cache.assumePod(pending('r'), 'a');
      expect(() => cache.forgetPod(bound('r', 'other'))).toThrow(/assumed on a/);
    });

    it('an assumed pod whose binding finished expires after the TTL unless confirmed', () => {
      const { cache, clock, warnings } = setup({ assumedPodTtlMs: 30_000 });
      cache.addNode(newNode({ name: 'a' }));
      cache.assumePod(pending('lost'), 'a');
      cache.assumePod(pending('confirmed'), 'a');
      clock.advance(60_000); // no expiry before the binding finished
      expect(cache.assumedPodCount()).toBe(2);
      cache.finishBinding(pending('lost'));
      cache.finishBinding(pending('confirmed'));
      clock.advance(10_000);
      cache.addPod(bound('confirmed', 'a')); // the watch saw the bind
      expect(cache.isAssumedPod(pending('confirmed'))).toBe(false);
      clock.advance(19_999);
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 1000 });
      clock.advance(1);
      expect(cache.getPod(pending('lost'))).toBeUndefined();
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 500 });
      expect(warnings).toEqual(['scheduler cache: assumed pod expired (its binding was never observed)']);
      expect(clock.pending()).toBe(0);
    });

    it('expires pods at their own deadlines', () => {
      const { cache, clock } = setup({ assumedPodTtlMs: 1_000 });
      cache.addNode(newNode({ name: 'a' }));
      cache.assumePod(pending('x'), 'a');
      cache.finishBinding(pending('x'));
      clock.advance(600);
      cache.assumePod(pending('y'), 'a');
      cache.finishBinding(pending('y'));
      clock.advance(400);
      expect(podNames(cache.snapshot(), 'a')).toEqual(['y']);
      clock.advance(600);
      expect(podNames(cache.snapshot(), 'a')).toEqual([]);
    });

    it('a TTL of 0 never expires assumed pods', () => {
      const { cache, clock } = setup({ assumedPodTtlMs: 0 });
      cache.addNode(newNode({ name: 'a' }));
      cache.assumePod(pending('p'), 'a');
      cache.finishBinding(pending('p'));
      clock.advance(24 * 3600_000);
      expect(cache.isAssumedPod(pending('p'))).toBe(true);
      expect(clock.pending()).toBe(0);
    });

    it('an assumed pod confirmed on another node moves there', () => {
      const { cache, warnings } = setup();
      cache.addNode(newNode({ name: 'a' }));
      cache.addNode(newNode({ name: 'b' }));
      cache.assumePod(pending('p'), 'a');
      cache.addPod(bound('p', 'b'));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 0, b: 500 });
      expect(warnings).toEqual(['scheduler cache: pod was added to a different node than it was assumed']);
    });

    it('an update confirms an assumed pod, a delete removes it', () => {
      const { cache, clock } = setup({ assumedPodTtlMs: 1_000 });
      cache.addNode(newNode({ name: 'a' }));
      cache.assumePod(pending('p'), 'a');
      cache.finishBinding(pending('p'));
      cache.updatePod(pending('p'), bound('p', 'a'));
      clock.advance(5_000);
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 500 });
      cache.assumePod(pending('q'), 'a');
      cache.removePod(pending('q'));
      expect(cpuByNode(cache.snapshot())).toEqual({ a: 500 });
      // an unassigned version of an assumed pod does not disturb it
      cache.assumePod(pending('r'), 'a');
      cache.updatePod(pending('r'), pending('r'));
      expect(cache.isAssumedPod(pending('r'))).toBe(true);
    });

    it('close stops the expiry timer', () => {
      const { cache, clock } = setup();
      cache.addNode(newNode({ name: 'a' }));
      cache.assumePod(pending('p'), 'a');
      cache.finishBinding(pending('p'));
      expect(clock.pending()).toBe(1);
      cache.close();
      expect(clock.pending()).toBe(0);
    });
  });

  describe('snapshot', () => {
    it('is the same object while nothing changes, and shares unchanged NodeInfos', () => {
      const { cache } = setup();
      for (const name of ['a', 'b', 'c']) cache.addNode(newNode({ name }));
      const s1 = cache.snapshot();
      expect(cache.snapshot()).toBe(s1);
      cache.assumePod(pending('p'), 'b');
      const s2 = cache.snapshot();
      expect(s2).not.toBe(s1);
      expect(s2.get('a')).toBe(s1.get('a'));
      expect(s2.get('c')).toBe(s1.get('c'));
      expect(s2.get('b')).not.toBe(s1.get('b'));
      expect(s1.get('b')?.pods).toHaveLength(0);
      expect(s2.get('b')?.pods).toHaveLength(1);
    });

    it('schedulePod does not mutate the NodeInfos it is given', () => {
      const { cache } = setup();
      cache.addNode(newNode({ name: 'small', cpu: '1', memory: '1Gi' }));
      cache.addNode(newNode({ name: 'big', cpu: '16', memory: '64Gi', labels: { disk: 'ssd' } }));
      cache.addNode(newNode({ name: 'tainted', taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] }));
      cache.addNode(newNode({ name: 'cordoned', unschedulable: true }));
      cache.addPod(newPod({ name: 'web-0', cpu: '500m', memory: '1Gi', nodeName: 'big', hostPorts: [8080], labels: { app: 'web' } }));
      const snapshot = cache.snapshot();
      const before = inspect(snapshot.nodeInfos, { depth: null });
      const profile = defaultProfile();
      const pods = [
        newPod({ name: 'plain', cpu: '100m', memory: '128Mi' }),
        newPod({ name: 'huge', cpu: '64' }),
        newPod({ name: 'ports', cpu: '100m', hostPorts: [8080] }),
        newPod({ name: 'selector', cpu: '1', nodeSelector: { disk: 'ssd' } }),
        newPod({ name: 'tolerant', tolerations: [{ key: 'dedicated', operator: 'Exists' }] }),
      ];
      let scheduled = 0;
      for (const p of pods) if (isScheduled(schedulePod(profile, p, snapshot, { random: seededRandom(1) }))) scheduled++;
      expect(scheduled).toBe(4);
      expect(inspect(snapshot.nodeInfos, { depth: null })).toBe(before);
    });

    it('stays cheap for 1,000 nodes', () => {
      const { cache } = setup();
      for (let i = 0; i < 1000; i++) cache.addNode(newNode({ name: `n${i}` }));
      cache.snapshot();
      const t0 = performance.now();
      for (let i = 0; i < 200; i++) {
        cache.assumePod(pending(`p${i}`), `n${i % 1000}`);
        cache.snapshot();
      }
      const perSnapshotMs = (performance.now() - t0) / 200;
      expect(cache.snapshot().nodeInfos).toHaveLength(1000);
      expect(perSnapshotMs).toBeLessThan(5); // typically well under 0.5 ms
    });
  });

  it('rejects a negative TTL', () => {
    expect(() => new SchedulerCache({ assumedPodTtlMs: -1 })).toThrow(RangeError);
  });
});
