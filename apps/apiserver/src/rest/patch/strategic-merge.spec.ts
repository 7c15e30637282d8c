import { applyPatch } from './index';
import { at, statusOfError } from './test-helpers';

const now = new Date('2026-01-02T03:04:05Z');

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a.example/x'] },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], args: ['--a', '--b'] },
      { name: 'side', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
});

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'd' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'app', image: 'echo:1' }] } },
  },
});

function smp(current: Record<string, unknown>, patch: unknown, kind = 'Pod', apiVersion = 'v1') {
  return applyPatch({ patchType: 'strategic', kind, apiVersion, current, patch: JSON.stringify(patch), now });
}

const names = (o: unknown, path: string) => (at(o, path) as Array<{ name: string }>).map((c) => c.name);

describe('strategic merge patch', () => {
  it.each([
    {
      desc: 'containers merge by name (kubectl set image shape)',
      patch: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } },
      check: (o: unknown) => {
        expect(at(o, 'spec.containers.0.image')).toBe('nginx:2');
        expect(at(o, 'spec.containers.0.ports')).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
        expect(names(o, 'spec.containers')).toEqual(['web', 'side']);
      },
    },
    {
      desc: 'a new merge key appends an element',
      patch: { spec: { containers: [{ name: 'third', image: 'x' }] } },
      check: (o: unknown) => expect(names(o, 'spec.containers')).toEqual(['web', 'side', 'third']),
    },
    {
      desc: '$patch: delete removes an element by merge key',
      patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } },
      check: (o: unknown) => expect(names(o, 'spec.containers')).toEqual(['web']),
    },
    {
      desc: '$patch: replace on a list replaces it',
      patch: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } },
      check: (o: unknown) => expect(at(o, 'spec.containers')).toEqual([{ name: 'only', image: 'x' }]),
    },
    {
      desc: '$patch: replace on a map replaces it',
      patch: { metadata: { labels: { $patch: 'replace', fresh: 'yes' } } },
      check: (o: unknown) => expect(at(o, 'metadata.labels')).toEqual({ fresh: 'yes' }),
    },
    {
      desc: '$patch: delete on a map removes the field',
      patch: { metadata: { labels: { $patch: 'delete' } } },
      check: (o: unknown) => expect(at(o, 'metadata')).not.toHaveProperty('labels'),
    },
    {
      desc: 'env merges by name inside a merged container',
      patch: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } },
      check: (o: unknown) => expect(at(o, 'spec.containers.0.env')).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]),
    },
    {
      desc: 'ports merge by containerPort',
      patch: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 443, protocol: 'TCP' }] }] } },
      check: (o: unknown) => expect(at(o, 'spec.containers.0.ports')).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }]),
    },
    {
      desc: 'volumeMounts merge by mountPath',
      patch: { spec: { containers: [{ name: 'side', volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }] }] } },
      check: (o: unknown) => expect(at(o, 'spec.containers.1.volumeMounts')).toEqual([{ name: 'data', mountPath: '/data', readOnly: true }]),
    },
    {
      desc: 'lists without a merge strategy are replaced (args, tolerations)',
      patch: { spec: { containers: [{ name: 'web', args: ['--c'] }], tolerations: [{ key: 'z', operator: 'Exists' }] } },
      check: (o: unknown) => {
        expect(at(o, 'spec.containers.0.args')).toEqual(['--c']);
        expect(at(o, 'spec.tolerations')).toEqual([{ key: 'z', operator: 'Exists' }]);
      },
    },
    {
      desc: 'primitive merge lists union (finalizers)',
      patch: { metadata: { finalizers: ['b.example/y', 'a.example/x'] } },
      check: (o: unknown) => expect(at(o, 'metadata.finalizers')).toEqual(['a.example/x', 'b.example/y']),
    },
    {
      desc: '$deleteFromPrimitiveList removes values',
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/x'] } },
      check: (o: unknown) => expect(at(o, 'metadata.finalizers')).toEqual([]),
    },
    {
      desc: '$setElementOrder reorders merged elements',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }], containers: [{ name: 'web', image: 'nginx:3' }] } },
      check: (o: unknown) => {
        expect(names(o, 'spec.containers')).toEqual(['side', 'web']);
        expect(at(o, 'spec.containers.1.image')).toBe('nginx:3');
      },
    },
    {
      desc: '$setElementOrder keeps server-only elements in place',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'new' }, { name: 'web' }], containers: [{ name: 'new', image: 'x' }] } },
      check: (o: unknown) => expect(names(o, 'spec.containers')).toEqual(['new', 'web', 'side']),
    },
    {
      desc: 'null deletes a field (kubectl label app-)',
      patch: { metadata: { labels: { app: null } } },
      check: (o: unknown) => expect(at(o, 'metadata.labels')).toEqual({}),
    },
    {
      desc: 'volumes: $retainKeys drops the other volume source',
      patch: { spec: { volumes: [{ name: 'data', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/tmp' } }] } },
      check: (o: unknown) => expect(at(o, 'spec.volumes')).toEqual([{ name: 'data', hostPath: { path: '/tmp' } }]),
    },
    {
      desc: 'directives in a new element are stripped',
      patch: { spec: { containers: [{ name: 'n', image: 'x', env: [{ name: 'Q', value: 'q', $patch: 'merge' }] }] } },
      check: (o: unknown) => expect(at(o, 'spec.containers.2')).toEqual({ name: 'n', image: 'x', env: [{ name: 'Q', value: 'q' }] }),
    },
  ])('$desc', ({ patch, check }) => {
    const cur = pod();
    check(smp(cur, patch));
    expect(cur).toEqual(pod());
  });

  it('client-side kubectl apply of a changed Deployment ($setElementOrder, $retainKeys, last-applied annotation)', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' } },
      spec: {
        replicas: 3,
        strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
        template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'app', image: 'echo:2' }] } },
      },
    };
    const out = smp(deployment(), patch, 'Deployment', 'apps/v1');
    expect(at(out, 'spec.replicas')).toBe(3);
    expect(at(out, 'spec.strategy')).toEqual({ type: 'Recreate' });
    expect(at(out, 'spec.template.spec.containers')).toEqual([{ name: 'app', image: 'echo:2' }]);
    expect(at(out, 'spec.selector')).toEqual({ matchLabels: { app: 'd' } });
    expect(at(out, 'metadata.annotations')).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' });
  });

  it.each([
    {
      desc: 'kubectl rollout restart (annotation on the template)',
      patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-02T03:04:05Z' } } } } },
      check: (o: unknown) => {
        expect(at(o, 'spec.template.metadata')).toEqual({ labels: { app: 'd' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-02T03:04:05Z' } });
        expect(at(o, 'spec.template.spec.containers.0.image')).toBe('echo:1');
      },
    },
    {
      desc: 'kubectl rollout undo ($patch: replace of the template)',
      patch: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'app', image: 'echo:0' }] } } } },
      check: (o: unknown) => expect(at(o, 'spec.template')).toEqual({ metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'app', image: 'echo:0' }] } }),
    },
    {
      desc: 'kubectl set image',
      patch: { spec: { template: { spec: { containers: [{ name: 'app', image: 'echo:5' }] } } } },
      check: (o: unknown) => expect(at(o, 'spec.template.spec.containers')).toEqual([{ name: 'app', image: 'echo:5' }]),
    },
  ])('Deployment: $desc', ({ patch, check }) => check(smp(deployment(), patch, 'Deployment', 'apps/v1')));

  it('Service ports merge by port', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }], selector: { app: 'a' } } };
    const out = smp(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }, { name: 'https', port: 443 }] } }, 'Service');
    expect(at(out, 'spec.ports')).toEqual([{ name: 'http', port: 80, targetPort: 9090 }, { name: 'https', port: 443 }]);
  });

  it('status conditions merge by type', () => {
    const p = { ...pod(), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] } };
    const out = smp(p, { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(at(out, 'status.conditions')).toEqual([{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]);
  });

  it('422 when the patch sets a field its $retainKeys leaves out', () => {
    const s = statusOfError(() => smp(pod(), { spec: { volumes: [{ name: 'data', $retainKeys: ['name'], hostPath: { path: '/x' } }] } }));
    expect(s.code).toBe(422);
    expect(s.reason).toBe('Invalid');
  });

  it.each([
    { desc: 'unknown $patch value', patch: { metadata: { labels: { $patch: 'explode' } } } },
    { desc: 'element without its merge key', patch: { spec: { containers: [{ image: 'x' }] } } },
    { desc: 'malformed $setElementOrder', patch: { spec: { '$setElementOrder/containers': 'web' } } },
  ])('400 for $desc', ({ patch }) => {
    const s = statusOfError(() => smp(pod(), patch));
    expect(s.code).toBe(400);
    expect(s.reason).toBe('BadRequest');
  });
});
