import { FieldLabelNotSupportedError, FieldLabelRegistry, fieldSetFor, getFieldValue } from './field-set';
import { parseFieldSelector } from './selector';

const pod = {
  metadata: { name: 'web-1', namespace: 'default' },
  spec: { nodeName: 'node-a', hostNetwork: true, restartPolicy: 'Always' },
  status: { phase: 'Running', replicas: 3 },
};

describe('getFieldValue', () => {
  it.each([
    { desc: 'nested string', path: 'metadata.name', want: 'web-1' },
    { desc: 'boolean', path: 'spec.hostNetwork', want: 'true' },
    { desc: 'number', path: 'status.replicas', want: '3' },
    { desc: 'missing', path: 'spec.missing', want: undefined },
    { desc: 'object', path: 'spec', want: undefined },
    { desc: 'through a scalar', path: 'metadata.name.x', want: undefined },
    { desc: 'inherited property', path: 'metadata.constructor', want: undefined },
  ])('$desc', ({ path, want }) => {
    expect(getFieldValue(pod, path)).toBe(want);
  });
});

describe('fieldSetFor', () => {
  it.each([
    {
      desc: 'defaults',
      obj: pod,
      extra: undefined,
      want: { 'metadata.name': 'web-1', 'metadata.namespace': 'default', 'spec.nodeName': 'node-a', 'status.phase': 'Running' },
    },
    {
      desc: 'missing fields read as empty',
      obj: { metadata: { name: 'n' } },
      extra: undefined,
      want: { 'metadata.name': 'n', 'metadata.namespace': '', 'spec.nodeName': '', 'status.phase': '' },
    },
    {
      desc: 'extra dotted paths',
      obj: { metadata: { name: 'e' }, involvedObject: { name: 'web-1', kind: 'Pod' } },
      extra: ['involvedObject.name', 'involvedObject.kind'],
      want: {
        'metadata.name': 'e',
        'metadata.namespace': '',
        'spec.nodeName': '',
        'status.phase': '',
        'involvedObject.name': 'web-1',
        'involvedObject.kind': 'Pod',
      },
    },
    {
      desc: 'extra extractors and renamed paths',
      obj: pod,
      extra: { 'spec.restart': 'spec.restartPolicy', 'custom.upper': (o: unknown) => getFieldValue(o, 'metadata.name')?.toUpperCase() },
      want: {
        'metadata.name': 'web-1',
        'metadata.namespace': 'default',
        'spec.nodeName': 'node-a',
        'status.phase': 'Running',
        'spec.restart': 'Always',
        'custom.upper': 'WEB-1',
      },
    },
  ])('$desc', ({ obj, extra, want }) => {
    expect(fieldSetFor(obj, extra)).toEqual(want);
  });

  it('works with parsed selectors', () => {
    expect(parseFieldSelector('spec.nodeName=node-a,status.phase!=Failed').matches(fieldSetFor(pod))).toBe(true);
  });
});

describe('FieldLabelRegistry', () => {
  const registry = new FieldLabelRegistry()
    .register('Pod', {
      fields: ['spec.nodeName', 'spec.hostNetwork', 'status.phase'],
      aliases: { 'spec.host': 'spec.nodeName' },
    })
    .register('Event', { fields: ['involvedObject.name', 'involvedObject.kind'] })
    .register('Computed', { fields: ['x.len'], extractors: { 'x.len': (o) => String(getFieldValue(o, 'metadata.name')?.length) } });

  it.each([
    { desc: 'registered field', kind: 'Pod', label: 'spec.nodeName', out: ['spec.nodeName', 'n1'] },
    { desc: 'metadata always allowed', kind: 'Pod', label: 'metadata.namespace', out: ['metadata.namespace', 'n1'] },
    { desc: 'alias', kind: 'Pod', label: 'spec.host', out: ['spec.nodeName', 'n1'] },
    { desc: 'unregistered kind, metadata.name', kind: 'ConfigMap', label: 'metadata.name', out: ['metadata.name', 'n1'] },
  ])('convertFieldLabel: $desc', ({ kind, label, out }) => {
    expect(registry.convertFieldLabel(kind, label, 'n1')).toEqual(out);
  });

  it.each([
    { desc: 'registered kind', kind: 'Pod', label: 'foo', msg: 'field label not supported: foo' },
    {
      desc: 'unregistered kind',
      kind: 'ConfigMap',
      label: 'data.x',
      msg: '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    },
  ])('rejects unknown labels: $desc', ({ kind, label, msg }) => {
    expect(() => registry.convertFieldLabel(kind, label, 'v')).toThrow(new FieldLabelNotSupportedError(label, msg));
  });

  it('transforms a selector string', () => {
    expect(registry.transformSelector('Pod', 'spec.host=n1').toString()).toBe('spec.nodeName=n1');
    expect(() => registry.transformSelector('Pod', 'metadata.name=x,foo=bar')).toThrow('field label not supported: foo');
  });

  it('lists unsupported labels', () => {
    const sel = parseFieldSelector('foo=1,metadata.name=x,bar!=2,foo=3');
    expect(registry.unsupportedLabels('Pod', sel)).toEqual(['bar', 'foo']);
    expect(registry.unsupportedLabels('Pod', parseFieldSelector('spec.host=a'))).toEqual([]);
  });

  it.each([
    { desc: 'registered kind', kind: 'Pod', fields: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.hostNetwork', 'status.phase'] },
    { desc: 'unregistered kind', kind: 'Secret', fields: ['metadata.name', 'metadata.namespace'] },
  ])('supportedFields: $desc', ({ kind, fields }) => {
    expect(registry.supportedFields(kind)).toEqual(fields);
    expect(registry.has(kind)).toBe(kind === 'Pod');
  });

  it.each([
    {
      desc: 'pod',
      kind: 'Pod',
      obj: pod,
      want: {
        'metadata.name': 'web-1',
        'metadata.namespace': 'default',
        'spec.nodeName': 'node-a',
        'spec.hostNetwork': 'true',
        'status.phase': 'Running',
      },
    },
    {
      desc: 'event',
      kind: 'Event',
      obj: { metadata: { name: 'e1', namespace: 'ns' }, involvedObject: { name: 'web-1' } },
      want: { 'metadata.name': 'e1', 'metadata.namespace': 'ns', 'involvedObject.name': 'web-1', 'involvedObject.kind': '' },
    },
    {
      desc: 'computed field',
      kind: 'Computed',
      obj: { metadata: { name: 'abc' } },
      want: { 'metadata.name': 'abc', 'metadata.namespace': '', 'x.len': '3' },
    },
  ])('fieldSetFor: $desc', ({ kind, obj, want }) => {
    expect(registry.fieldSetFor(kind, obj)).toEqual(want);
  });
});
