import { checkFields, parseFieldValidation, typeMismatches, unknownFields } from './field-validation';

describe('field validation', () => {
  it.each([
    { desc: 'a clean pod', json: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { x: 'y' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } }, want: [] },
    { desc: 'unknown spec field', json: { spec: { foo: 1 } }, want: ['spec.foo'] },
    { desc: 'unknown container field', json: { spec: { containers: [{ name: 'c' }, { name: 'd', bar: 1 }] } }, want: ['spec.containers[1].bar'] },
    { desc: 'unknown metadata field', json: { metadata: { nam: 'x' } }, want: ['metadata.nam'] },
    { desc: 'inlined probe handler fields are known', json: { spec: { containers: [{ name: 'c', readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } }] } }, want: [] },
    { desc: 'inlined volume source fields are known', json: { spec: { volumes: [{ name: 'v', emptyDir: {} }] } }, want: [] },
    { desc: 'quantities and int-or-string are leaves', json: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } }, want: [] },
    { desc: 'top-level unknown', json: { spex: {} }, want: ['spex'] },
  ])('Pod: $desc', ({ json, want }) => {
    expect(unknownFields('', 'v1', 'Pod', json)).toEqual(want);
  });

  it('knows deployment template fields', () => {
    const json = { spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', imagePullPolicy: 'IfNotPresent' }] } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } };
    expect(unknownFields('apps', 'v1', 'Deployment', json)).toEqual([]);
  });

  it.each([
    { desc: 'Strict throws', directive: 'Strict' as const, throws: true, warnings: [] },
    { desc: 'Warn warns', directive: 'Warn' as const, throws: false, warnings: ['unknown field "spec.foo"'] },
    { desc: 'Ignore ignores', directive: 'Ignore' as const, throws: false, warnings: [] },
  ])('$desc', ({ directive, throws, warnings }) => {
    const run = () => checkFields(directive, '', 'v1', 'Pod', { spec: { foo: 1 } });
    if (throws) expect(run).toThrow('strict decoding error: unknown field "spec.foo"');
    else expect(run()).toEqual(warnings);
  });

  it('rejects an unknown directive', () => {
    expect(() => parseFieldValidation('Loose')).toThrow('fieldValidation must be one of');
    expect(parseFieldValidation(null)).toBe('Warn');
  });
});

describe('JSON type checks', () => {
  it.each([
    { desc: 'a bool where a string goes', json: { spec: { containers: [{ name: 'c', env: [{ name: true, value: 'x' }] }] } }, want: [{ field: 'EnvVar.spec.containers.env.name', got: 'bool', want: 'string' }] },
    { desc: 'a number where a string goes', json: { spec: { containers: [{ name: 'c', env: [{ name: 'A', value: 1 }] }] } }, want: [{ field: 'EnvVar.spec.containers.env.value', got: 'number', want: 'string' }] },
    { desc: 'a string where an int goes', json: { spec: { terminationGracePeriodSeconds: '30', containers: [] } }, want: [{ field: 'PodSpec.spec.terminationGracePeriodSeconds', got: 'string', want: 'int64' }] },
    { desc: 'an object where a list goes', json: { spec: { containers: {} } }, want: [{ field: 'PodSpec.spec.containers', got: 'object', want: '[]Container' }] },
    { desc: 'a non-string label', json: { metadata: { labels: { a: 1 } } }, want: [{ field: 'ObjectMeta.metadata.labels', got: 'number', want: 'string' }] },
    { desc: 'int-or-string and quantities accept both', json: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1 } }, readinessProbe: { httpGet: { port: 'http' } } }] } }, want: [] },
    { desc: 'null is unset', json: { spec: { nodeName: null, containers: null } }, want: [] },
  ])('$desc', ({ json, want }) => {
    expect(typeMismatches('', 'v1', 'Pod', json)).toEqual(want);
  });

  it('rejects a mistyped value even with fieldValidation=Ignore', () => {
    expect(() => checkFields('Ignore', '', 'v1', 'Pod', { spec: { containers: [{ name: 'c', env: [{ name: true }] }] } })).toThrow(
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field EnvVar.spec.containers.env.name of type string',
    );
  });
});
