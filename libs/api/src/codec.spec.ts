import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiCodecError,
  decodeObject,
  Deployment,
  encodeObject,
  fromJSON,
  fromJSONAs,
  KindMismatchError,
  MalformedObjectError,
  Pod,
  PodList,
  toJSON,
  toJSONString,
  TypeName,
  UnknownKindError,
} from './index';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, 'testdata', name), 'utf8'));
}

describe('Kubernetes JSON round trip', () => {
  it.each([
    { desc: 'Pod from the docs (probes, env, resources, volumes, affinity, status)', file: 'pod.json' },
    { desc: 'ClusterIP Service with numeric and named targetPort', file: 'service.json' },
    { desc: 'Deployment with IntOrString rolling update and conditions', file: 'deployment.json' },
    { desc: 'Node with capacity quantities, taints and the capitalised Port', file: 'node.json' },
    { desc: 'EndpointSlice (discovery/v1)', file: 'endpointslice.json' },
    { desc: 'Lease with MicroTime renewTime', file: 'lease.json' },
    { desc: 'Event with MicroTime eventTime and series', file: 'event.json' },
    { desc: 'Secret with base64 data', file: 'secret.json' },
  ])('$desc', ({ file }) => {
    const json = fixture(file);
    const decoded = fromJSON(json);
    expect(decoded.kind).toBe(json.kind);
    expect(toJSON(decoded.kind, decoded.object)).toEqual(json);
  });

  it.each([
    { desc: 'Pod', file: 'pod.json' },
    { desc: 'Deployment', file: 'deployment.json' },
    { desc: 'Node', file: 'node.json' },
    { desc: 'Lease', file: 'lease.json' },
    { desc: 'Event', file: 'event.json' },
    { desc: 'Secret', file: 'secret.json' },
  ])('$desc survives JSON -> protobuf -> JSON', ({ file }) => {
    const json = fixture(file);
    const { kind, object } = fromJSON(json);
    const back = decodeObject(kind, encodeObject(kind, object));
    expect(toJSON(kind, back)).toEqual(json);
  });

  it('exposes the Pod fields in their in-memory shapes', () => {
    const pod = fromJSONAs('Pod', fixture('pod.json'));
    const web = pod.spec?.containers?.[0];
    expect(web?.resources?.requests).toEqual({ cpu: '250m', memory: '64Mi' });
    expect(web?.resources?.limits).toEqual({ cpu: '500m', memory: '128Mi' });
    expect(web?.livenessProbe?.handler?.httpGet?.port).toEqual({ type: 0, intVal: 8080 });
    expect(web?.readinessProbe?.handler?.tcpSocket?.port).toEqual({ type: 1, strVal: 'http' });
    expect(web?.env?.[2].valueFrom?.configMapKeyRef?.localObjectReference).toEqual({ name: 'frontend-config' });
    expect(pod.spec?.volumes?.[0].volumeSource?.emptyDir).toEqual({});
    expect(pod.status?.containerStatuses?.[0].state?.running?.startedAt).toBe('2024-01-02T03:04:07Z');
    expect(pod.metadata?.creationTimestamp).toBe('2024-01-02T03:04:05Z');
  });

  it('treats null (Go writes it for unset Time fields) as absent and omits it', () => {
    const pod = fromJSONAs('Pod', {
      metadata: { name: 'p', creationTimestamp: null },
      status: { conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-01-02T03:04:05Z' }] },
    });
    expect(toJSON('Pod', pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-02T03:04:05Z' }] },
    });
  });
});

describe('toJSON', () => {
  it('is type-checked per kind (api:typecheck verifies the expected error)', () => {
    // @ts-expect-error -- PodSpec has no ports: the object must match the kind
    const out = toJSON('Pod', { spec: { ports: [] } });
    expect(out).toEqual({ apiVersion: 'v1', kind: 'Pod', spec: {} });
    const dynamic = String('Service'); // a run-time kind name (type string)
    expect(toJSON(dynamic, { spec: { ports: [] } })).toEqual({ apiVersion: 'v1', kind: 'Service', spec: {} });
  });

  it('sets apiVersion/kind on lists but not on their items, like the API server', () => {
    const list: PodList = { metadata: { resourceVersion: '10', continue: 'abc', remainingItemCount: 4 }, items: [{ metadata: { name: 'a' } }] };
    expect(toJSON('PodList', list)).toEqual({
      apiVersion: 'v1',
      kind: 'PodList',
      metadata: { resourceVersion: '10', continue: 'abc', remainingItemCount: 4 },
      items: [{ metadata: { name: 'a' } }],
    });
  });

  it.each([
    { desc: 'binary-decoded millis are dropped', input: '2024-01-02T03:04:05.000Z', expected: '2024-01-02T03:04:05Z' },
    { desc: 'sub-second precision is truncated like Kubernetes', input: '2024-01-02T03:04:05.999Z', expected: '2024-01-02T03:04:05Z' },
    { desc: 'offsets are converted to UTC', input: '2024-01-02T05:04:05+02:00', expected: '2024-01-02T03:04:05Z' },
  ])('writes Time canonically: $desc', ({ input, expected }) => {
    const out = toJSON('Pod', { metadata: { name: 'p', creationTimestamp: input } });
    expect((out.metadata as Record<string, unknown>).creationTimestamp).toBe(expected);
  });

  it('writes MicroTime with six digits and int64 as numbers', () => {
    const out = toJSON('Lease', { spec: { renewTime: '2024-01-02T03:04:05Z', acquireTime: '2024-01-02T03:04:05.5Z' }, metadata: { generation: 7 } });
    expect(out).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { generation: 7 },
      spec: { renewTime: '2024-01-02T03:04:05.000000Z', acquireTime: '2024-01-02T03:04:05.500000Z' },
    });
  });

  it('omits empty fields and writes meta kinds', () => {
    const d: Deployment = { metadata: { name: 'x', labels: {}, finalizers: [] }, spec: { template: { spec: { containers: [] } } } };
    expect(toJSON('Deployment', d)).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: { spec: {} } } });
    expect(toJSON('Status', { status: 'Failure', reason: 'NotFound', code: 404, details: { name: 'x', kind: 'pods' } })).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      details: { name: 'x', kind: 'pods' },
    });
  });

  it('writes FieldsV1 as an object and APIResource verbs as an array', () => {
    const meta = fromJSONAs('Pod', {
      metadata: {
        name: 'p',
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2024-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }],
      },
    }).metadata;
    expect(meta?.managedFields?.[0].fieldsV1?.Raw?.toString()).toBe('{"f:metadata":{"f:labels":{}}}');
    expect(toJSONString('Pod', { metadata: meta })).toContain('"fieldsV1":{"f:metadata":{"f:labels":{}}}');
    const list = fromJSONAs('APIResourceList', { groupVersion: 'v1', resources: [{ name: 'pods', namespaced: true, kind: 'Pod', verbs: ['get', 'list'] }] });
    expect(list.resources?.[0].verbs).toEqual({ items: ['get', 'list'] });
    expect(toJSON('APIResourceList', list).resources).toEqual([{ name: 'pods', namespaced: true, kind: 'Pod', verbs: ['get', 'list'] }]);
  });
});

describe('fromJSON', () => {
  it('accepts strings and bytes and narrows on kind', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' } });
    for (const input of [text, Buffer.from(text)]) {
      const decoded = fromJSON(input);
      if (decoded.kind !== 'Namespace') throw new Error('expected a Namespace');
      expect(decoded.object.metadata?.name).toBe('foo');
      expect(decoded.info.resource).toBe('namespaces');
      expect(decoded.list).toBe(false);
    }
  });

  it('decodes lists', () => {
    const decoded = fromJSON({ apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '5' }, items: [{ metadata: { name: 'a' } }] });
    expect(decoded).toMatchObject({ kind: 'DeploymentList', list: true, object: { items: [{ metadata: { name: 'a' } }] } });
  });

  it('accepts DeleteOptions and Status under any group version', () => {
    expect(fromJSON({ apiVersion: 'apps/v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground' }).kind).toBe('DeleteOptions');
    expect(fromJSON({ apiVersion: 'v1', kind: 'Status', status: 'Failure', code: 409 }).object).toMatchObject({ code: 409 });
  });

  it('normalises times in memory', () => {
    const pod: Pod = fromJSONAs('Pod', { metadata: { creationTimestamp: '2024-01-02T04:04:05.250+01:00' } });
    expect(pod.metadata?.creationTimestamp).toBe('2024-01-02T03:04:05Z');
  });

  it.each([
    { desc: 'invalid JSON text', input: '{"kind":', error: MalformedObjectError },
    { desc: 'invalid UTF-8 bytes', input: Uint8Array.of(0xff, 0xfe), error: MalformedObjectError },
    { desc: 'a JSON array', input: [], error: MalformedObjectError },
    { desc: 'null', input: null, error: MalformedObjectError },
    { desc: 'missing kind', input: { apiVersion: 'v1' }, error: MalformedObjectError },
    { desc: 'missing apiVersion', input: { kind: 'Pod' }, error: MalformedObjectError },
    { desc: 'unknown kind', input: { apiVersion: 'v1', kind: 'Widget' }, error: UnknownKindError },
    { desc: 'kind in the wrong group', input: { apiVersion: 'v1', kind: 'Deployment' }, error: UnknownKindError },
    { desc: 'metadata that is not an object', input: { apiVersion: 'v1', kind: 'Pod', metadata: 'x' }, error: MalformedObjectError },
    { desc: 'items that are not an array', input: { apiVersion: 'v1', kind: 'PodList', items: {} }, error: MalformedObjectError },
    { desc: 'an invalid timestamp', input: { apiVersion: 'v1', kind: 'Pod', metadata: { creationTimestamp: 'yesterday' } }, error: MalformedObjectError },
    { desc: 'an IntOrString that is an object', input: { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ targetPort: { x: 1 } }] } }, error: MalformedObjectError },
    { desc: 'a fractional IntOrString', input: { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ targetPort: 80.5 }] } }, error: MalformedObjectError },
  ])('rejects $desc', ({ input, error }) => {
    expect(() => fromJSON(input)).toThrow(error);
    try {
      fromJSON(input);
    } catch (err) {
      expect(err).toBeInstanceOf(ApiCodecError);
      expect((err as Error).name).toBe(error.name);
    }
  });

  it('keeps the cause of a JSON syntax error', () => {
    try {
      fromJSON('{');
      throw new Error('expected an error');
    } catch (err) {
      expect((err as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('reports the apiVersion and kind of an unknown kind', () => {
    expect(() => fromJSON({ apiVersion: 'example.com/v1', kind: 'Widget' })).toThrow(
      expect.objectContaining({ name: 'UnknownKindError', apiVersion: 'example.com/v1', kind: 'Widget' }),
    );
  });
});

describe('fromJSONAs', () => {
  it('allows a body without apiVersion/kind', () => {
    expect(fromJSONAs('Namespace', { metadata: { name: 'foo' } }).metadata?.name).toBe('foo');
  });

  it('rejects another kind', () => {
    expect(() => fromJSONAs('Pod', { apiVersion: 'v1', kind: 'Service' })).toThrow(KindMismatchError);
  });

  it('rejects unregistered type names', () => {
    expect(() => fromJSONAs('Widget' as TypeName, {})).toThrow(UnknownKindError);
  });
});

describe('encodeObject / decodeObject', () => {
  it('round-trips bare protobuf and drops the millis ts-proto adds', () => {
    const bytes = encodeObject('Namespace', { metadata: { name: 'foo', creationTimestamp: '2024-01-02T03:04:05Z' }, status: { phase: 'Active' } });
    const ns = decodeObject('Namespace', bytes);
    expect(ns.metadata?.creationTimestamp).toBe('2024-01-02T03:04:05Z');
    expect(toJSON('Namespace', ns)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo', creationTimestamp: '2024-01-02T03:04:05Z' }, status: { phase: 'Active' } });
  });

  it('keeps all six MicroTime digits through protobuf', () => {
    const lease = decodeObject('Lease', encodeObject('Lease', { spec: { renewTime: '2024-01-02T03:04:05.123456Z', holderIdentity: 'a' } }));
    expect(lease.spec).toMatchObject({ renewTime: '2024-01-02T03:04:05.123456Z', holderIdentity: 'a' });
    expect(lease.spec?.acquireTime).toBeUndefined();
  });

  it.each([
    { desc: 'truncated field', bytes: Uint8Array.of(0x0a, 0x05, 0x0a), error: 'TruncatedDataError' },
    { desc: 'invalid wire type', bytes: Uint8Array.of(0x0f), error: 'MalformedObjectError' },
  ])('rejects $desc', ({ bytes, error }) => {
    expect(() => decodeObject('Pod', bytes)).toThrow(expect.objectContaining({ name: error }));
  });

  it('rejects non-objects and out-of-range numbers on encode', () => {
    expect(() => encodeObject('Pod', 'x' as unknown as Pod)).toThrow(MalformedObjectError);
    expect(() => encodeObject('Scale', { spec: { replicas: 2 ** 40 } })).toThrow(MalformedObjectError);
  });
});
