import type { Lease, Node, NodeCondition } from '@k8ts/api';
import { type NodeHealth, updateNodeHealth } from './node-health';

const T0 = Date.UTC(2024, 0, 1);
const GRACE = 40_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function node(conds: NodeCondition[] | undefined): Node {
  return { metadata: { name: 'node-50', creationTimestamp: iso(T0 - 3_600_000) }, status: conds ? { conditions: conds } : {} };
}
const ready = (status: string, beat: number): NodeCondition => ({ type: 'Ready', status, reason: 'KubeletReady', lastHeartbeatTime: iso(beat), lastTransitionTime: iso(T0 - 60_000) });
const lease = (renew: number): Lease => ({ metadata: { name: 'node-50', namespace: 'kube-node-lease' }, spec: { renewTime: new Date(renew).toISOString() } });
const seen = (probe: number, cond: NodeCondition | undefined, leaseRenew?: number): NodeHealth => ({
  probeTimestamp: probe,
  readyTransitionTimestamp: probe,
  readyCondition: cond,
  leaseRenewTime: leaseRenew === undefined ? undefined : new Date(leaseRenew).toISOString(),
});

describe('updateNodeHealth', () => {
  it.each<{ desc: string; prev: NodeHealth | undefined; n: Node; l?: Lease; now: number; probe: number; unknown: boolean; reason?: string }>([
    { desc: 'a node seen for the first time is given the grace period from now', prev: undefined, n: node([ready('True', T0 - 3_600_000)]), now: T0, probe: T0, unknown: false },
    {
      desc: 'an unchanged heartbeat inside the grace period is fine',
      prev: seen(T0, ready('True', T0)),
      n: node([ready('True', T0)]),
      now: T0 + GRACE,
      probe: T0,
      unknown: false,
    },
    {
      desc: 'a new Ready heartbeat resets the probe time',
      prev: seen(T0, ready('True', T0)),
      n: node([ready('True', T0 + 30_000)]),
      now: T0 + 45_000,
      probe: T0 + 45_000,
      unknown: false,
    },
    {
      desc: 'a renewed Lease resets the probe time even when the status is old',
      prev: seen(T0, ready('True', T0), T0),
      n: node([ready('True', T0)]),
      l: lease(T0 + 30_000),
      now: T0 + 45_000,
      probe: T0 + 45_000,
      unknown: false,
    },
    {
      desc: 'an old Lease does not count',
      prev: seen(T0, ready('True', T0), T0),
      n: node([ready('True', T0)]),
      l: lease(T0),
      now: T0 + GRACE + 1,
      probe: T0,
      unknown: true,
      reason: 'NodeStatusUnknown',
    },
    {
      desc: 'no heartbeat and no Lease past the grace period: Unknown',
      prev: seen(T0, ready('True', T0)),
      n: node([ready('True', T0)]),
      now: T0 + GRACE + 1,
      probe: T0,
      unknown: true,
      reason: 'NodeStatusUnknown',
    },
    {
      desc: 'a node that never posted a status: NodeStatusNeverUpdated',
      prev: seen(T0, undefined),
      n: node(undefined),
      now: T0 + GRACE + 1,
      probe: T0,
      unknown: true,
      reason: 'NodeStatusNeverUpdated',
    },
  ])('$desc', ({ prev, n, l, now, probe, unknown, reason }) => {
    const r = updateNodeHealth(prev, n, l, now, GRACE);
    expect(r.health.probeTimestamp).toBe(probe);
    expect(r.currentReady?.status === 'Unknown').toBe(unknown);
    if (unknown) {
      expect(r.conditions?.map((c) => [c.type, c.status])).toEqual([
        ['Ready', 'Unknown'],
        ['MemoryPressure', 'Unknown'],
        ['DiskPressure', 'Unknown'],
        ['PIDPressure', 'Unknown'],
      ]);
      expect(r.currentReady?.reason).toBe(reason);
      expect(r.currentReady?.lastTransitionTime).toBe(iso(now));
    } else expect(r.conditions).toBeUndefined();
  });

  it('keeps the heartbeat time, and its own write is not taken for a heartbeat', () => {
    const n = node([ready('True', T0), { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: iso(T0) }]);
    const first = updateNodeHealth(seen(T0, ready('True', T0)), n, undefined, T0 + GRACE + 1, GRACE);
    expect(first.currentReady?.lastHeartbeatTime).toBe(iso(T0));
    expect(first.conditions).toHaveLength(4);
    const written: Node = { ...n, status: { conditions: first.conditions } };
    const second = updateNodeHealth(first.health, written, undefined, T0 + GRACE + 5_000, GRACE);
    expect(second.conditions).toBeUndefined();
    expect(second.health.probeTimestamp).toBe(T0);
    expect(second.currentReady?.status).toBe('Unknown');
  });

  it('a node that comes back is healthy at once', () => {
    const gone = updateNodeHealth(seen(T0, ready('True', T0)), node([ready('True', T0)]), undefined, T0 + GRACE + 1, GRACE);
    const back = updateNodeHealth(gone.health, node([ready('True', T0 + GRACE + 3_000)]), undefined, T0 + GRACE + 4_000, GRACE);
    expect(back.currentReady?.status).toBe('True');
    expect(back.health.readyTransitionTimestamp).toBe(T0 + GRACE + 4_000);
  });
});
