import { newNode, newPod } from '../testing/builders';
import { HostPortInfo } from './host-ports';
import { newNodeInfo, newSnapshot, snapshotFromNodeInfos } from './node-info';

describe('NodeInfo', () => {
  const node = newNode({ name: 'n1', cpu: '4', memory: '8Gi' });

  it('sums requests, non-zero requests and host ports of its pods', () => {
    const ni = newNodeInfo(node, [
      newPod({ name: 'a', nodeName: 'n1', cpu: '1', memory: '1Gi', hostPorts: [80] }),
      newPod({ name: 'b', nodeName: 'n1' }),
    ]);
    expect(ni.name).toBe('n1');
    expect(ni.pods.map((p) => p.pod.metadata?.name)).toEqual(['a', 'b']);
    expect([ni.requested.milliCPU, ni.requested.memory]).toEqual([1000, 2 ** 30]);
    expect([ni.nonZeroRequested.milliCPU, ni.nonZeroRequested.memory]).toEqual([1100, 2 ** 30 + 200 * 2 ** 20]);
    expect(ni.usedPorts.checkConflict('', 'TCP', 80)).toBe(true);
    expect(ni.allocatable.milliCPU).toBe(4000);
  });

  it('removePod undoes addPod; clone is independent', () => {
    const a = newPod({ name: 'a', nodeName: 'n1', cpu: '1', hostPorts: [80] });
    const ni = newNodeInfo(node, [a]);
    const copy = ni.clone();
    expect(ni.removePod(newPod({ name: 'a', nodeName: 'n1' }))).toBe(true);
    expect(ni.removePod(a)).toBe(false);
    expect(ni.pods).toHaveLength(0);
    expect(ni.requested.milliCPU).toBe(0);
    expect(ni.nonZeroRequested.memory).toBe(0);
    expect(ni.usedPorts.checkConflict('', 'TCP', 80)).toBe(false);
    expect(copy.pods).toHaveLength(1);
    expect(copy.requested.milliCPU).toBe(1000);
  });
});

describe('newSnapshot', () => {
  it('assigns pods by spec.nodeName, leaving out unassigned, terminal and unknown-node pods', () => {
    const s = newSnapshot(
      [newNode({ name: 'n1' }), newNode({ name: 'n2' })],
      [
        newPod({ name: 'a', nodeName: 'n1' }),
        newPod({ name: 'b', nodeName: 'n2' }),
        newPod({ name: 'pending' }),
        newPod({ name: 'done', nodeName: 'n1', phase: 'Succeeded' }),
        newPod({ name: 'failed', nodeName: 'n1', phase: 'Failed' }),
        newPod({ name: 'lost', nodeName: 'n9' }),
      ],
    );
    expect(s.nodeInfos.map((ni) => [ni.name, ni.pods.map((p) => p.pod.metadata?.name)])).toEqual([
      ['n1', ['a']],
      ['n2', ['b']],
    ]);
    expect(s.get('n2')?.name).toBe('n2');
    expect(s.get('n9')).toBeUndefined();
  });

  it('snapshotFromNodeInfos indexes by name', () => {
    const ni = newNodeInfo(newNode({ name: 'x' }));
    expect(snapshotFromNodeInfos([ni]).get('x')).toBe(ni);
  });
});

describe('HostPortInfo', () => {
  it.each([
    { desc: 'wildcard vs wildcard', used: ['', 'TCP', 80], want: ['0.0.0.0', 'TCP', 80], conflict: true },
    { desc: 'empty protocol means TCP', used: ['', '', 80], want: ['', 'TCP', 80], conflict: true },
    { desc: 'other protocol', used: ['', 'TCP', 80], want: ['', 'SCTP', 80], conflict: false },
    { desc: 'specific vs wildcard', used: ['127.0.0.1', 'TCP', 80], want: ['', 'TCP', 80], conflict: true },
    { desc: 'wildcard vs specific', used: ['', 'TCP', 80], want: ['127.0.0.1', 'TCP', 80], conflict: true },
    { desc: 'two specific IPs', used: ['127.0.0.1', 'TCP', 80], want: ['127.0.0.2', 'TCP', 80], conflict: false },
    { desc: 'port 0 never conflicts', used: ['', 'TCP', 0], want: ['', 'TCP', 0], conflict: false },
  ] as { desc: string; used: [string, string, number]; want: [string, string, number]; conflict: boolean }[])(
    '$desc',
    ({ used, want, conflict }) => {
      const h = new HostPortInfo();
      h.add(...used);
      expect(h.checkConflict(...want)).toBe(conflict);
    },
  );

  it('counts uses so that removing one of two keeps the port', () => {
    const h = new HostPortInfo();
    h.add('', 'TCP', 80);
    h.add('', 'TCP', 80);
    h.remove('', 'TCP', 80);
    expect(h.checkConflict('', 'TCP', 80)).toBe(true);
    h.remove('', 'TCP', 80);
    expect(h.checkConflict('', 'TCP', 80)).toBe(false);
    expect(h.size).toBe(0);
  });
});
