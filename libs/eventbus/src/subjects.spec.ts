import {
  ALL_EVENTS_WILDCARD,
  SubjectError,
  decodeSubjectToken,
  encodeSubjectToken,
  eventSubject,
  parseEventSubject,
  resourceWildcard,
} from './subjects';

describe('event subjects', () => {
  it('builds readable subjects for ordinary names', () => {
    expect(eventSubject('pods', 'default', 'web-1')).toBe('k8ts.events.pods.default.web-1');
    expect(eventSubject('nodes', undefined, 'node-1')).toBe('k8ts.events.nodes._.node-1');
    expect(eventSubject('nodes', '', 'node-1')).toBe('k8ts.events.nodes._.node-1');
  });

  it('escapes dots so a dotted name stays one token', () => {
    const s = eventSubject('nodes', undefined, '127.10.0.1');
    expect(s).toBe('k8ts.events.nodes._.127%2E10%2E0%2E1');
    expect(s.split('.')).toHaveLength(5);
    expect(eventSubject('services', 'kube-system', 'kube.dns')).toBe('k8ts.events.services.kube-system.kube%2Edns');
  });

  it.each([
    ['web.v1'],
    ['100%'],
    ['*'],
    ['>'],
    ['a*b>c'],
    ['_'],
    ['__'],
    ['system:controller:x'],
    ['with space'],
    ['tab\there'],
    ['ünïcødé-名前'],
    ['%2E'],
  ])('round-trips %j', (value) => {
    const token = encodeSubjectToken(value);
    expect(token).not.toMatch(/[.*>\s]/);
    expect(token).not.toBe('_');
    expect(decodeSubjectToken(token)).toBe(value);
  });

  it('escapes a literal "_" so it cannot be mistaken for cluster scope', () => {
    expect(eventSubject('pods', '_', '_')).toBe('k8ts.events.pods.%5F.%5F');
    expect(parseEventSubject('k8ts.events.pods.%5F.%5F')).toEqual({ resource: 'pods', namespace: '_', name: '_' });
  });

  it('parses subjects back', () => {
    expect(parseEventSubject('k8ts.events.pods.default.web-1')).toEqual({
      resource: 'pods',
      namespace: 'default',
      name: 'web-1',
    });
    expect(parseEventSubject(eventSubject('nodes', undefined, 'a.b.c'))).toEqual({
      resource: 'nodes',
      namespace: undefined,
      name: 'a.b.c',
    });
  });

  it('rejects malformed input', () => {
    expect(() => eventSubject('pods', 'default', '')).toThrow(SubjectError);
    expect(() => eventSubject('', 'default', 'x')).toThrow(SubjectError);
    expect(() => parseEventSubject('k8ts.events.pods.default')).toThrow(/not an event subject/);
    expect(() => parseEventSubject('other.events.pods.default.x')).toThrow(/not an event subject/);
    expect(() => decodeSubjectToken('a%2')).toThrow(/bad escape/);
    expect(() => decodeSubjectToken('%FF')).toThrow(/UTF-8/);
    expect(() => decodeSubjectToken('*')).toThrow(/literal/);
  });

  it('builds wildcards', () => {
    expect(ALL_EVENTS_WILDCARD).toBe('k8ts.events.>');
    expect(resourceWildcard('pods')).toBe('k8ts.events.pods.>');
    expect(resourceWildcard('pods', 'default')).toBe('k8ts.events.pods.default.*');
    expect(resourceWildcard('nodes', '')).toBe('k8ts.events.nodes._.*');
  });
});
