import { buildNode, carryTransitionTimes, goArch, nodeStatusChanged } from './node-status';
import { release } from 'node:os';

const base = {
  nodeName: 'node-3',
  nodeIP: '127.10.0.3',
  podCIDR: '127.244.3.0/24',
  capacity: { cpu: '4', memory: '8Gi', pods: '110' },
  now: Date.UTC(2024, 0, 1, 12, 0, 0),
};

describe('buildNode', () => {
  const node = buildNode({ ...base, labels: { 'topology.kubernetes.io/zone': 'z1' }, taints: [{ key: 'a', value: 'b', effect: 'NoSchedule' }] });

  it('sets name, labels, podCIDR and taints', () => {
    expect(node.metadata?.name).toBe('node-3');
    expect(node.metadata?.labels).toEqual({
      'topology.kubernetes.io/zone': 'z1',
      'kubernetes.io/hostname': 'node-3',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': goArch(),
    });
    expect(node.spec).toEqual({ podCIDR: '127.244.3.0/24', podCIDRs: ['127.244.3.0/24'], taints: [{ key: 'a', value: 'b', effect: 'NoSchedule' }] });
  });

  it('reports addresses, capacity, allocatable and the kubelet port', () => {
    expect(node.status?.addresses).toEqual([
      { type: 'InternalIP', address: '127.10.0.3' },
      { type: 'Hostname', address: 'node-3' },
    ]);
    expect(node.status?.capacity).toEqual({ cpu: '4', memory: '8Gi', pods: '110' });
    expect(node.status?.allocatable).toEqual({ cpu: '4', memory: '8Gi', pods: '110' });
    expect(node.status?.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
  });

  it('fills nodeInfo', () => {
    expect(node.status?.nodeInfo).toMatchObject({
      kubeletVersion: 'v1.35.0-k8ts',
      operatingSystem: 'linux',
      architecture: goArch(),
      containerRuntimeVersion: 'k8ts-process://0.1',
      kernelVersion: release(),
    });
    expect(node.status?.nodeInfo?.osImage).toBeTruthy();
  });

  it('reports Ready and no pressure, with upstream reasons', () => {
    const byType = Object.fromEntries((node.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(byType['Ready']).toEqual({
      type: 'Ready',
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
      lastHeartbeatTime: '2024-01-01T12:00:00Z',
      lastTransitionTime: '2024-01-01T12:00:00Z',
    });
    expect(byType['MemoryPressure']).toMatchObject({ status: 'False', reason: 'KubeletHasSufficientMemory' });
    expect(byType['DiskPressure']).toMatchObject({ status: 'False', reason: 'KubeletHasNoDiskPressure' });
    expect(byType['PIDPressure']).toMatchObject({ status: 'False', reason: 'KubeletHasSufficientPID' });
  });

  it('maps Node arch names to Go arch names', () => {
    expect(goArch('x64')).toBe('amd64');
    expect(goArch('arm64')).toBe('arm64');
    expect(goArch('ia32')).toBe('386');
  });
});

describe('nodeStatusChanged', () => {
  const a = buildNode(base);
  it('ignores heartbeat and transition times', () => {
    const b = buildNode({ ...base, now: base.now + 60_000 });
    expect(nodeStatusChanged(a, b)).toBe(false);
  });
  it('sees capacity, condition, label and address changes', () => {
    expect(nodeStatusChanged(a, buildNode({ ...base, capacity: { ...base.capacity, pods: '20' } }))).toBe(true);
    expect(nodeStatusChanged(a, buildNode({ ...base, nodeIP: '127.10.0.9' }))).toBe(true);
    expect(nodeStatusChanged(a, buildNode({ ...base, labels: { x: 'y' } }))).toBe(true);
    const notReady = buildNode(base);
    notReady.status!.conditions![3] = { ...notReady.status!.conditions![3], status: 'False', reason: 'KubeletNotReady' };
    expect(nodeStatusChanged(a, notReady)).toBe(true);
    expect(nodeStatusChanged(undefined, a)).toBe(true);
  });
});

describe('carryTransitionTimes', () => {
  it('keeps lastTransitionTime of unchanged conditions and moves heartbeat', () => {
    const a = buildNode(base);
    const b = carryTransitionTimes(a, buildNode({ ...base, now: base.now + 10_000 }));
    const ready = b.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.lastTransitionTime).toBe('2024-01-01T12:00:00Z');
    expect(ready?.lastHeartbeatTime).toBe('2024-01-01T12:00:10Z');
  });
  it('moves lastTransitionTime when the status changes', () => {
    const a = buildNode(base);
    const next = buildNode({ ...base, now: base.now + 10_000 });
    next.status!.conditions![3] = { ...next.status!.conditions![3], status: 'False' };
    const b = carryTransitionTimes(a, next);
    expect(b.status?.conditions?.[3].lastTransitionTime).toBe('2024-01-01T12:00:10Z');
  });
});
