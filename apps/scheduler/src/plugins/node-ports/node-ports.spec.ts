import type { Pod } from '@k8ts/api';
import { newNodeInfo } from '../../framework/node-info';
import { runFilter } from '../../testing/plugin-harness';
import { HostPortSpec, newNode, newPod } from '../../testing/builders';
import { ERR_REASON_PORTS, NodePorts, name } from './node-ports';

describe(name, () => {
  const used = (...hostPorts: HostPortSpec[]) => newPod({ name: 'used', nodeName: 'n1', hostPorts });
  const ok = { code: 'Success', reasons: [] as string[] };
  const no = { code: 'Unschedulable', reasons: [ERR_REASON_PORTS] };

  it.each<{ desc: string; existing: Pod[]; want: HostPortSpec[]; result: { code: string; reasons: string[] } }>([
    { desc: 'pod without host ports', existing: [used(8080)], want: [], result: ok },
    { desc: 'free port', existing: [used(8080)], want: [8081], result: ok },
    { desc: 'same port and protocol on the wildcard IP', existing: [used(8080)], want: [8080], result: no },
    { desc: 'same port, other protocol', existing: [used(8080)], want: [{ hostPort: 8080, protocol: 'UDP' }], result: ok },
    {
      desc: 'wanted wildcard clashes with a specific IP',
      existing: [used({ hostPort: 8080, hostIP: '127.10.0.1' })],
      want: [8080],
      result: no,
    },
    {
      desc: 'wanted specific IP clashes with the wildcard',
      existing: [used(8080)],
      want: [{ hostPort: 8080, hostIP: '127.10.0.2' }],
      result: no,
    },
    {
      desc: 'same specific IP',
      existing: [used({ hostPort: 8080, hostIP: '127.10.0.1' })],
      want: [{ hostPort: 8080, hostIP: '127.10.0.1' }],
      result: no,
    },
    {
      desc: 'different specific IPs',
      existing: [used({ hostPort: 8080, hostIP: '127.10.0.1' })],
      want: [{ hostPort: 8080, hostIP: '127.10.0.2' }],
      result: ok,
    },
    {
      desc: 'one clashing port among several',
      existing: [used(8080, { hostPort: 53, protocol: 'UDP' })],
      want: [9090, { hostPort: 53, protocol: 'UDP' }],
      result: no,
    },
    {
      desc: 'port used by a sidecar',
      existing: [
        newPod({
          name: 'sidecar',
          nodeName: 'n1',
          initContainers: [{ name: 'proxy', restartPolicy: 'Always', ports: [{ containerPort: 15001, hostPort: 15001 }] }],
        }),
      ],
      want: [15001],
      result: no,
    },
    {
      desc: 'port of a regular init container is not held',
      existing: [
        newPod({
          name: 'init',
          nodeName: 'n1',
          initContainers: [{ name: 'setup', ports: [{ containerPort: 15001, hostPort: 15001 }] }],
        }),
      ],
      want: [15001],
      result: ok,
    },
  ])('$desc', ({ existing, want, result }) => {
    const status = runFilter(new NodePorts(), newPod({ name: 'p', hostPorts: want }), newNodeInfo(newNode({ name: 'n1' }), existing));
    expect({ code: status.code, reasons: status.reasons }).toEqual(result);
  });
});
