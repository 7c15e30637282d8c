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
    expect(spec.properties.containers).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' } });
  });
});

describe('merge metadata in the schemas (from the patch module merge schema)', () => {
  const props = (m: string) => (messageSchema(m) as { properties: Record<string, Record<string, unknown>> }).properties;

  it.each([
    { desc: 'containers merge by name', message: 'k8s.io.api.core.v1.PodSpec', field: 'containers', want: { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] } },
    { desc: 'volumes merge by name and retain keys', message: 'k8s.io.api.core.v1.PodSpec', field: 'volumes', want: { 'x-kubernetes-patch-strategy': 'merge,retainKeys' } },
    { desc: 'container ports merge by containerPort', message: 'k8s.io.api.core.v1.Container', field: 'ports', want: { 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] } },
    { desc: 'service ports merge by port', message: 'k8s.io.api.core.v1.ServiceSpec', field: 'ports', want: { 'x-kubernetes-patch-merge-key': 'port' } },
    { desc: 'tolerations are atomic', message: 'k8s.io.api.core.v1.PodSpec', field: 'tolerations', want: { 'x-kubernetes-list-type': 'atomic' } },
    { desc: 'the service selector map is atomic', message: 'k8s.io.api.core.v1.ServiceSpec', field: 'selector', want: { 'x-kubernetes-map-type': 'atomic' } },
  ])('$desc', ({ message, field, want }) => {
    expect(props(message)[field]).toMatchObject(want);
  });

  it('leaves lists the merge schema does not know without a patch strategy', () => {
    expect(props('k8s.io.api.discovery.v1.EndpointSlice').ports['x-kubernetes-patch-strategy']).toBeUndefined();
  });
});
