import {
  decodeK8sProtobuf,
  MalformedObjectError,
  rawExtensionFromJSON,
  rawExtensionToJSON,
  toJSON,
  WatchEvent,
  watchEventFromJSON,
  watchEventFromK8sProtobuf,
  watchEventToJSON,
  watchEventToK8sProtobuf,
} from './index';

describe('watch events', () => {
  const pod = { metadata: { name: 'p', namespace: 'default', resourceVersion: '7' } };

  it('writes and reads JSON events', () => {
    const json = watchEventToJSON('ADDED', 'Pod', pod);
    expect(json).toEqual({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata } });
    const event = watchEventFromJSON(JSON.stringify(json));
    expect(event.type).toBe('ADDED');
    expect(event.object.kind).toBe('Pod');
    expect(event.object.object).toMatchObject(pod);
  });

  it('writes and reads protobuf events (envelope inside envelope)', () => {
    const bytes = watchEventToK8sProtobuf('MODIFIED', 'Pod', pod);
    const event = watchEventFromK8sProtobuf(bytes);
    expect(event.type).toBe('MODIFIED');
    expect(toJSON(event.object.kind, event.object.object)).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata });
  });

  it('renders a protobuf-embedded object as JSON through the generated WatchEvent', () => {
    const outer = decodeK8sProtobuf(watchEventToK8sProtobuf('DELETED', 'Pod', pod));
    if (outer.kind !== 'WatchEvent') throw new Error('expected a WatchEvent');
    expect(toJSON('WatchEvent', outer.object)).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'WatchEvent',
      type: 'DELETED',
      object: { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata },
    });
  });

  it('maps RawExtension to and from the embedded JSON', () => {
    const ext = rawExtensionFromJSON({ apiVersion: 'v1', kind: 'Status', status: 'Failure' });
    expect(ext.raw?.toString()).toBe('{"apiVersion":"v1","kind":"Status","status":"Failure"}');
    expect(rawExtensionToJSON(ext)).toEqual({ apiVersion: 'v1', kind: 'Status', status: 'Failure' });
    expect(WatchEvent.toJSON({ type: 'ERROR', object: ext })).toEqual({ type: 'ERROR', object: { apiVersion: 'v1', kind: 'Status', status: 'Failure' } });
    expect(rawExtensionToJSON({})).toBeUndefined();
    expect(() => rawExtensionToJSON({ raw: Buffer.from([0xff]) })).toThrow(MalformedObjectError);
  });

  it.each([
    { desc: 'not JSON', input: '{' },
    { desc: 'no type', input: { object: {} } },
    { desc: 'an object without kind', input: { type: 'ADDED', object: { metadata: {} } } },
  ])('rejects $desc', ({ input }) => {
    expect(() => watchEventFromJSON(input)).toThrow(MalformedObjectError);
  });
});
