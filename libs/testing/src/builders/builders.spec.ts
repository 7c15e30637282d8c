import { intOrStringValue } from '@k8ts/api';
import { newNamespace, newNode, newPod, newService } from './builders';

describe('builders', () => {
  it.each([
    { desc: 'a plain pod has no status', opts: {}, phase: undefined, ready: undefined },
    { desc: 'a ready pod is Running with Ready=True', opts: { ready: true, podIP: '127.244.1.2' }, phase: 'Running', ready: 'True' },
    { desc: 'a not-ready pod has Ready=False', opts: { ready: false, podIP: '127.244.1.3' }, phase: 'Running', ready: 'False' },
  ])('newPod: $desc', ({ opts, phase, ready }) => {
    const pod = newPod(opts);
    expect(pod.status?.phase).toBe(phase);
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe(ready);
    expect(pod.spec?.containers?.[0]?.image).toBe('k8ts/echo');
  });

  it('returns fresh objects', () => {
    const a = newPod();
    a.metadata!.labels!['x'] = 'y';
    expect(newPod().metadata?.labels).toEqual({ app: 'web' });
  });

  it('builds services, nodes and namespaces', () => {
    expect(intOrStringValue(newService().spec?.ports?.[0]?.targetPort)).toBe(8080);
    expect(newService({ ports: [{ name: 'http', port: 80, targetPort: 'http' }] }).spec?.ports?.[0]?.targetPort).toEqual({ type: 1, strVal: 'http' });
    expect(newNode({ name: 'node-2', cpu: '2' }).status?.allocatable?.['cpu']).toBe('2');
    expect(newNamespace('x').metadata?.name).toBe('x');
  });
});
