// The generated field model must match proto/k8s.io (regenerate with the
// command in gen-proto-schemas.ts when this fails).
import { join } from 'node:path';
import { readProtoModel } from './proto-model';
import { PROTO_MODEL } from './proto-schemas.generated';
import { messageSchema, openApiName, protoMessageOf } from './schemas';

describe('proto field model', () => {
  it('is current with proto/k8s.io', () => {
    const fresh = readProtoModel(join(__dirname, '..', '..', '..', '..', '..', 'proto', 'k8s.io'));
    expect(JSON.parse(JSON.stringify(PROTO_MODEL))).toEqual(JSON.parse(JSON.stringify(fresh)));
  });

  it.each([
    { desc: 'core', group: '', kind: 'Pod', want: 'k8s.io.api.core.v1.Pod' },
    { desc: 'apps', group: 'apps', kind: 'Deployment', want: 'k8s.io.api.apps.v1.Deployment' },
    { desc: 'discovery', group: 'discovery.k8s.io', kind: 'EndpointSlice', want: 'k8s.io.api.discovery.v1.EndpointSlice' },
    { desc: 'unknown kind', group: '', kind: 'Nope', want: undefined },
  ])('protoMessageOf: $desc', ({ group, kind, want }) => {
    expect(protoMessageOf(group, 'v1', kind)).toBe(want);
  });

  it('writes schemas with upstream names, inlined fields and merge keys', () => {
    expect(openApiName('k8s.io.api.core.v1.Pod')).toBe('io.k8s.api.core.v1.Pod');
    const probe = messageSchema('k8s.io.api.core.v1.Probe') as { properties: Record<string, unknown> };
    expect(Object.keys(probe.properties)).toEqual(expect.arrayContaining(['httpGet', 'exec', 'tcpSocket', 'periodSeconds']));
    expect(probe.properties.handler).toBeUndefined();
    const spec = messageSchema('k8s.io.api.core.v1.PodSpec') as { properties: Record<string, Record<string, unknown>> };
    expect(spec.properties.containers).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
  });
});
