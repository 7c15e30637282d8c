// Kubernetes protobuf bodies are built here by hand with BinaryWriter and the
// upstream field numbers written out literally, independently of our generated
// encoders, the way Go's generated marshallers lay them out.

import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  BadMagicError,
  decodeK8sProtobuf,
  Deployment,
  encodeK8sProtobuf,
  intOrStringValue,
  isK8sProtobuf,
  K8S_PROTOBUF_MAGIC,
  MalformedObjectError,
  Namespace,
  Service,
  toJSON,
  TruncatedDataError,
  UnknownKindError,
  unwrapK8sProtobuf,
} from './index';

type Build = (w: BinaryWriter) => void;

function str(w: BinaryWriter, field: number, value: string): void {
  w.tag(field, WireType.LengthDelimited).string(value);
}
function varint(w: BinaryWriter, field: number, value: number): void {
  w.tag(field, WireType.Varint).int64(value);
}
function sub(w: BinaryWriter, field: number, build: Build): void {
  w.tag(field, WireType.LengthDelimited).fork();
  build(w);
  w.join();
}
/** A map<string, string> entry: key = 1, value = 2. */
function mapEntry(w: BinaryWriter, field: number, key: string, value: string): void {
  sub(w, field, (e) => {
    str(e, 1, key);
    str(e, 2, value);
  });
}
function bytesOf(build: Build): Uint8Array {
  const w = new BinaryWriter();
  build(w);
  return w.finish();
}

/** "k8s\0" + runtime.Unknown{typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4}. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array, opts: { contentEncoding?: string; typeMeta?: boolean } = {}): Uint8Array {
  const body = bytesOf((w) => {
    if (opts.typeMeta !== false) {
      sub(w, 1, (t) => {
        str(t, 1, apiVersion);
        str(t, 2, kind);
      });
    }
    w.tag(2, WireType.LengthDelimited).bytes(raw);
    str(w, 3, opts.contentEncoding ?? '');
    str(w, 4, '');
  });
  return Uint8Array.from([...K8S_PROTOBUF_MAGIC, ...body]);
}

/**
 * ObjectMeta as Go writes it for a new object: name = 1, then every other
 * non-pointer field even when empty (generateName = 2, namespace = 3,
 * selfLink = 4, uid = 5, resourceVersion = 6, generation = 7, an empty
 * creationTimestamp = 8), labels = 11 as map entries.
 */
function goObjectMeta(w: BinaryWriter, name: string, labels: Record<string, string>): void {
  str(w, 1, name);
  for (const f of [2, 3, 4, 5, 6]) str(w, f, '');
  varint(w, 7, 0);
  sub(w, 8, () => undefined);
  for (const [k, v] of Object.entries(labels)) mapEntry(w, 11, k, v);
}

// kubectl create deployment web --image=nginx --replicas=3
const deploymentBytes = envelope(
  'apps/v1',
  'Deployment',
  bytesOf((d) => {
    sub(d, 1, (m) => goObjectMeta(m, 'web', { app: 'web' })); // Deployment.metadata = 1
    sub(d, 2, (spec) => {
      // Deployment.spec = 2
      varint(spec, 1, 3); // DeploymentSpec.replicas = 1
      sub(spec, 2, (sel) => mapEntry(sel, 1, 'app', 'web')); // selector = 2, LabelSelector.matchLabels = 1
      sub(spec, 3, (tpl) => {
        // template = 3
        sub(tpl, 1, (m) => mapEntry(m, 11, 'app', 'web')); // PodTemplateSpec.metadata = 1, labels = 11
        sub(tpl, 2, (pod) => {
          // PodTemplateSpec.spec = 2
          sub(pod, 2, (c) => {
            // PodSpec.containers = 2
            str(c, 1, 'nginx'); // Container.name = 1
            str(c, 2, 'nginx'); // Container.image = 2
          });
        });
      });
    });
  }),
);

// kubectl create namespace foo
const namespaceBody = bytesOf((n) => {
  sub(n, 1, (m) => str(m, 1, 'foo')); // metadata = 1 {name = 1}
  sub(n, 2, () => undefined); // spec = 2, empty struct
  sub(n, 3, () => undefined); // status = 3, empty struct
});
const namespaceBytes = envelope('v1', 'Namespace', namespaceBody);

// kubectl create service clusterip my-svc --tcp=5678:8080
const serviceBytes = envelope(
  'v1',
  'Service',
  bytesOf((s) => {
    sub(s, 1, (m) => {
      str(m, 1, 'my-svc');
      mapEntry(m, 11, 'app', 'my-svc');
    });
    sub(s, 2, (spec) => {
      sub(spec, 1, (p) => {
        // ServiceSpec.ports = 1
        str(p, 1, '5678-8080'); // ServicePort.name = 1
        str(p, 2, 'TCP'); // protocol = 2
        varint(p, 3, 5678); // port = 3
        sub(p, 4, (t) => {
          // targetPort = 4: IntOrString {type = 1, intVal = 2, strVal = 3}
          varint(t, 1, 0);
          varint(t, 2, 8080);
          str(t, 3, '');
        });
      });
      mapEntry(spec, 2, 'app', 'my-svc'); // selector = 2
      str(spec, 4, 'ClusterIP'); // type = 4
    });
    sub(s, 3, (status) => sub(status, 1, () => undefined)); // status.loadBalancer = 1
  }),
);

describe('decodeK8sProtobuf (kubectl-style bodies)', () => {
  it('decodes an apps/v1 Deployment', () => {
    const decoded = decodeK8sProtobuf(deploymentBytes);
    expect(decoded).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', list: false });
    const d = decoded.object as Deployment;
    expect(d.metadata?.name).toBe('web');
    expect(d.metadata?.labels).toEqual({ app: 'web' });
    // Go's empty strings, zero generation and empty creationTimestamp mean "unset".
    expect(d.metadata).toMatchObject({ namespace: undefined, uid: undefined, generation: undefined, creationTimestamp: undefined });
    expect(d.spec?.replicas).toBe(3);
    expect(d.spec?.selector?.matchLabels).toEqual({ app: 'web' });
    expect(d.spec?.template?.metadata?.labels).toEqual({ app: 'web' });
    expect(d.spec?.template?.spec?.containers).toHaveLength(1);
    expect(d.spec?.template?.spec?.containers?.[0]).toMatchObject({ name: 'nginx', image: 'nginx' });
    expect(toJSON('Deployment', d)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
      },
    });
  });

  it('decodes a v1 Namespace', () => {
    const decoded = decodeK8sProtobuf(namespaceBytes);
    expect(decoded.kind).toBe('Namespace');
    const ns = decoded.object as Namespace;
    expect(ns.metadata?.name).toBe('foo');
    expect(toJSON('Namespace', ns)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' }, spec: {}, status: {} });
  });

  it('decodes a v1 Service with a numeric targetPort', () => {
    const decoded = decodeK8sProtobuf(serviceBytes);
    expect(decoded.kind).toBe('Service');
    const svc = decoded.object as Service;
    expect(svc.metadata?.name).toBe('my-svc');
    const [port] = svc.spec?.ports ?? [];
    expect(port).toMatchObject({ name: '5678-8080', port: 5678, protocol: 'TCP' });
    expect(port.targetPort).toMatchObject({ type: 0, intVal: 8080 });
    expect(intOrStringValue(port.targetPort)).toBe(8080);
    expect(svc.spec?.selector).toEqual({ app: 'my-svc' });
    expect(svc.spec?.type).toBe('ClusterIP');
    expect(toJSON('Service', svc)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'my-svc', labels: { app: 'my-svc' } },
      spec: { ports: [{ name: '5678-8080', protocol: 'TCP', port: 5678, targetPort: 8080 }], selector: { app: 'my-svc' }, type: 'ClusterIP' },
      status: { loadBalancer: {} },
    });
  });
});

describe('encodeK8sProtobuf', () => {
  it('writes the same bytes as Go for a Namespace', () => {
    const ns: Namespace = { metadata: { name: 'foo' }, spec: {}, status: {} };
    expect(Buffer.from(encodeK8sProtobuf('Namespace', ns))).toEqual(Buffer.from(namespaceBytes));
  });

  it.each([
    { desc: 'Deployment', bytes: deploymentBytes },
    { desc: 'Service', bytes: serviceBytes },
  ])('round-trips a decoded $desc', ({ bytes }) => {
    const first = decodeK8sProtobuf(bytes);
    const again = decodeK8sProtobuf(encodeK8sProtobuf(first.kind, first.object));
    expect(again.kind).toBe(first.kind);
    expect(toJSON(again.kind, again.object)).toEqual(toJSON(first.kind, first.object));
  });

  it('marks its output with the magic', () => {
    const bytes = encodeK8sProtobuf('Pod', { metadata: { name: 'p' } });
    expect(isK8sProtobuf(bytes)).toBe(true);
    expect(unwrapK8sProtobuf(bytes)).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
  });
});

describe('malformed envelopes', () => {
  const podRaw = bytesOf((p) => sub(p, 1, (m) => str(m, 1, 'p')));
  it.each([
    { desc: 'empty input', bytes: new Uint8Array(0), error: TruncatedDataError },
    { desc: 'only part of the magic', bytes: Uint8Array.of(0x6b, 0x38, 0x73), error: TruncatedDataError },
    { desc: 'wrong magic', bytes: Uint8Array.of(0x6b, 0x39, 0x73, 0x00, 0x0a, 0x00), error: BadMagicError },
    { desc: 'a JSON body', bytes: Buffer.from('{"apiVersion":"v1","kind":"Pod"}'), error: BadMagicError },
    { desc: 'an envelope cut inside typeMeta', bytes: envelope('v1', 'Pod', podRaw).subarray(0, 10), error: TruncatedDataError },
    { desc: 'an envelope without typeMeta', bytes: envelope('v1', 'Pod', podRaw, { typeMeta: false }), error: MalformedObjectError },
    { desc: 'an unknown kind', bytes: envelope('example.com/v1', 'Widget', podRaw), error: UnknownKindError },
    { desc: 'a known kind in another group', bytes: envelope('v1', 'Deployment', podRaw), error: UnknownKindError },
    { desc: 'a gzip content encoding', bytes: envelope('v1', 'Pod', podRaw, { contentEncoding: 'gzip' }), error: MalformedObjectError },
    { desc: 'a truncated object', bytes: envelope('v1', 'Pod', podRaw.subarray(0, podRaw.length - 1)), error: TruncatedDataError },
    { desc: 'an object with an invalid wire type', bytes: envelope('v1', 'Pod', Uint8Array.of(0x0f, 0x00)), error: MalformedObjectError },
  ])('rejects $desc with $error.name', ({ bytes, error }) => {
    let thrown: unknown;
    try {
      decodeK8sProtobuf(bytes);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(error);
    expect((thrown as Error).name).toBe(error.name);
  });

  it('keeps the protobuf reader error as cause', () => {
    try {
      decodeK8sProtobuf(envelope('v1', 'Pod', podRaw.subarray(0, podRaw.length - 1)));
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(TruncatedDataError);
      expect((err as Error).cause).toBeInstanceOf(RangeError);
    }
  });

  it('reports the bytes it found instead of the magic', () => {
    expect(() => decodeK8sProtobuf(Buffer.from('{}xx'))).toThrow('got 7b 7d 78 78');
  });
});
