import { newNodeInfo } from '../../framework/node-info';
import { runFilter } from '../../testing/plugin-harness';
import { newNode, newPod } from '../../testing/builders';
import { ERR_REASON_NODE_NAME, NodeName, name } from './node-name';

describe(name, () => {
  it.each<{ desc: string; nodeName?: string; code: string; reasons: string[] }>([
    { desc: 'pod without spec.nodeName fits any node', code: 'Success', reasons: [] },
    { desc: 'spec.nodeName names this node', nodeName: 'n1', code: 'Success', reasons: [] },
    {
      desc: 'spec.nodeName names another node',
      nodeName: 'n2',
      code: 'UnschedulableAndUnresolvable',
      reasons: [ERR_REASON_NODE_NAME],
    },
  ])('$desc', ({ nodeName, code, reasons }) => {
    const status = runFilter(new NodeName(), newPod({ name: 'p', nodeName }), newNodeInfo(newNode({ name: 'n1' })));
    expect(status.code).toBe(code);
    expect(status.reasons).toEqual(reasons);
  });
});
