import type { Event } from '@k8ts/api';
import { fieldErrorToString } from '@k8ts/apimachinery';
import { MemoryStorage } from '../../storage/memory-storage';
import { Store } from '../generic/store';
import { eventStrategy } from './strategy';

const podEvent = (over: Partial<Event> = {}, namespace = 'team-a'): Event => ({
  metadata: { name: 'web-0.17a', namespace },
  involvedObject: { kind: 'Pod', namespace: 'team-a', name: 'web-0', uid: 'u1', apiVersion: 'v1' },
  reason: 'Scheduled',
  message: 'Successfully assigned team-a/web-0 to node-1',
  source: { component: 'default-scheduler' },
  type: 'Normal',
  ...over,
});

const newStyle = (over: Partial<Event> = {}): Partial<Event> => ({
  eventTime: '2024-05-01T10:00:00.000000Z',
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
  action: 'Pulling',
  ...over,
});

describe('eventStrategy.validate', () => {
  it.each<{ desc: string; event: Event }>([
    { desc: 'an old-style pod event', event: podEvent() },
    { desc: 'a node event in default', event: podEvent({ involvedObject: { kind: 'Node', name: 'node-1' } }, 'default') },
    { desc: 'a new-style pod event', event: podEvent(newStyle()) },
    { desc: 'a new-style node event in kube-system', event: podEvent(newStyle({ involvedObject: { kind: 'Node', name: 'node-1' } }), 'kube-system') },
    { desc: 'an old-style event with a long message', event: podEvent({ message: 'x'.repeat(5000) }) },
    { desc: 'an event without type', event: podEvent({ type: undefined }) },
  ])('accepts $desc', ({ event }) => {
    expect(eventStrategy.validate(event).map(fieldErrorToString)).toEqual([]);
  });

  it.each<{ desc: string; event: Event; field: string; type: string }>([
    { desc: 'an involved object in another namespace', event: podEvent({}, 'team-b'), field: 'involvedObject.namespace', type: 'FieldValueInvalid' },
    { desc: 'a node event outside default', event: podEvent({ involvedObject: { kind: 'Node', name: 'node-1' } }), field: 'involvedObject.namespace', type: 'FieldValueInvalid' },
    { desc: 'a new-style node event outside default/kube-system', event: podEvent(newStyle({ involvedObject: { kind: 'Node' } })), field: 'involvedObject.namespace', type: 'FieldValueInvalid' },
    { desc: 'a new-style event without reporter', event: podEvent(newStyle({ reportingComponent: undefined })), field: 'reportingController', type: 'FieldValueRequired' },
    { desc: 'a reporter that is no qualified name', event: podEvent(newStyle({ reportingComponent: 'my kubelet' })), field: 'reportingController', type: 'FieldValueInvalid' },
    { desc: 'a new-style event without instance', event: podEvent(newStyle({ reportingInstance: '' })), field: 'reportingInstance', type: 'FieldValueRequired' },
    { desc: 'a reportingInstance over 128', event: podEvent(newStyle({ reportingInstance: 'i'.repeat(129) })), field: 'reportingInstance', type: 'FieldValueInvalid' },
    { desc: 'a new-style event without action', event: podEvent(newStyle({ action: undefined })), field: 'action', type: 'FieldValueRequired' },
    { desc: 'an action over 128', event: podEvent(newStyle({ action: 'a'.repeat(129) })), field: 'action', type: 'FieldValueInvalid' },
    { desc: 'a new-style event without reason', event: podEvent(newStyle({ reason: '' })), field: 'reason', type: 'FieldValueRequired' },
    { desc: 'a reason over 128', event: podEvent(newStyle({ reason: 'r'.repeat(129) })), field: 'reason', type: 'FieldValueInvalid' },
    { desc: 'a new-style message over 1024', event: podEvent(newStyle({ message: 'm'.repeat(1025) })), field: 'message', type: 'FieldValueInvalid' },
    { desc: 'an unknown type', event: podEvent({ type: 'Error' }), field: 'type', type: 'FieldValueNotSupported' },
  ])('rejects $desc', ({ event, field, type }) => {
    expect(eventStrategy.validate(event).map((e) => [e.field, e.type])).toContainEqual([field, type]);
  });

  it('words the length limit as upstream does', () => {
    expect(eventStrategy.validate(podEvent(newStyle({ reason: 'r'.repeat(129) }))).map(fieldErrorToString)).toEqual([
      'reason: Invalid value: "": can have at most 128 characters',
    ]);
  });
});

describe('eventStrategy.fields', () => {
  it('has every key, empty when unset', () => {
    expect(eventStrategy.fields?.({})).toEqual({
      'involvedObject.kind': '',
      'involvedObject.namespace': '',
      'involvedObject.name': '',
      'involvedObject.uid': '',
      'involvedObject.apiVersion': '',
      'involvedObject.resourceVersion': '',
      'involvedObject.fieldPath': '',
      reason: '',
      reportingComponent: '',
      source: '',
      type: '',
    });
  });

  it.each([
    { desc: 'source is the source component', event: podEvent(), want: 'default-scheduler' },
    { desc: 'source falls back to the reporting component', event: podEvent({ source: undefined, reportingComponent: 'kubelet' }), want: 'kubelet' },
  ])('$desc', ({ event, want }) => {
    expect(eventStrategy.fields?.(event).source).toBe(want);
  });

  it('selects events about an object through the store', async () => {
    const codec = { encode: (o: Event) => Buffer.from(JSON.stringify(o)), decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as Event };
    const store = new Store<Event>(eventStrategy, new MemoryStorage(), codec);
    await store.create('team-a', podEvent());
    const other = { ...podEvent({ involvedObject: { kind: 'Pod', namespace: 'team-a', name: 'web-1' } }), metadata: { name: 'web-1.17b' } };
    await store.create('team-a', other);
    const got = await store.list('team-a', { fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=web-1,type=Normal' });
    expect(got.items.map((e) => e.metadata?.name)).toEqual(['web-1.17b']);
  });
});
