import {
  HTTPGetAction,
  installKubernetesJson,
  IntOrString,
  intOrPercentValue,
  intOrString,
  intOrStringValue,
  MalformedObjectError,
  resolvePort,
  RollingUpdateDeployment,
  ServicePort,
} from './index';

describe('IntOrString', () => {
  it.each([
    { desc: 'a number', value: 8080, message: { type: 0, intVal: 8080 } },
    { desc: 'zero', value: 0, message: { type: 0, intVal: 0 } },
    { desc: 'a name', value: 'http', message: { type: 1, strVal: 'http' } },
    { desc: 'a digit string stays a string', value: '8080', message: { type: 1, strVal: '8080' } },
    { desc: 'a percentage', value: '25%', message: { type: 1, strVal: '25%' } },
  ])('maps $desc between JSON and the message shape', ({ value, message }) => {
    expect(intOrString(value)).toEqual(message);
    expect(intOrStringValue(message)).toBe(value);
    expect(IntOrString.fromJSON(value)).toEqual(message);
    expect(IntOrString.toJSON(message)).toBe(value);
  });

  it('is used by every message that nests it', () => {
    expect(ServicePort.toJSON({ port: 80, targetPort: intOrString('web') })).toEqual({ port: 80, targetPort: 'web' });
    expect(ServicePort.fromJSON({ port: 80, targetPort: 8080 }).targetPort).toEqual({ type: 0, intVal: 8080 });
    expect(HTTPGetAction.toJSON({ path: '/', port: intOrString(8080) })).toEqual({ path: '/', port: 8080 });
    expect(RollingUpdateDeployment.fromJSON({ maxSurge: '25%', maxUnavailable: 0 })).toEqual({
      maxSurge: { type: 1, strVal: '25%' },
      maxUnavailable: { type: 0, intVal: 0 },
    });
  });

  it('reads the values Go writes (all three fields set)', () => {
    expect(intOrStringValue({ type: 0, intVal: 8080, strVal: '' })).toBe(8080);
    expect(intOrStringValue({ type: 1, intVal: 0, strVal: 'http' })).toBe('http');
    expect(intOrStringValue(undefined)).toBeUndefined();
  });

  it('still accepts the message shape in JSON', () => {
    expect(IntOrString.fromJSON({ type: 1, strVal: 'x' })).toEqual({ type: 1, intVal: undefined, strVal: 'x' });
  });

  it.each([
    { desc: 'a fraction', value: 1.5 },
    { desc: 'beyond int32', value: 2 ** 31 },
    { desc: 'a boolean', value: true },
    { desc: 'an array', value: [1] },
  ])('rejects $desc', ({ value }) => {
    expect(() => IntOrString.fromJSON(value)).toThrow(MalformedObjectError);
  });

  it('installs idempotently', () => {
    installKubernetesJson();
    installKubernetesJson();
    expect(IntOrString.toJSON(intOrString(1))).toBe(1);
  });
});

describe('intOrPercentValue', () => {
  it.each([
    { desc: 'a number is taken as is', value: intOrString(2), total: 10, roundUp: true, expected: 2 },
    { desc: '25% of 10 rounded up', value: intOrString('25%'), total: 10, roundUp: true, expected: 3 },
    { desc: '25% of 10 rounded down', value: intOrString('25%'), total: 10, roundUp: false, expected: 2 },
    { desc: 'unset is zero', value: undefined, total: 10, roundUp: true, expected: 0 },
  ])('$desc', ({ value, total, roundUp, expected }) => {
    expect(intOrPercentValue(value, total, roundUp)).toBe(expected);
  });

  it('rejects other strings', () => {
    expect(() => intOrPercentValue(intOrString('lots'), 10, true)).toThrow(MalformedObjectError);
  });
});

describe('resolvePort', () => {
  const ports = [
    { name: 'http', containerPort: 8080 },
    { name: 'metrics', containerPort: 9090 },
  ];
  it.each([
    { desc: 'a number', value: intOrString(80), expected: 80 },
    { desc: 'a known name', value: intOrString('metrics'), expected: 9090 },
    { desc: 'an unknown name', value: intOrString('grpc'), expected: undefined },
    { desc: 'unset', value: undefined, expected: undefined },
  ])('resolves $desc', ({ value, expected }) => {
    expect(resolvePort(value, ports)).toBe(expected);
  });
});
