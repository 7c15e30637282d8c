import * as api from './index';

// End-to-end flows through the public entry point, as other libraries use it.
describe('@k8ts/apimachinery public API', () => {
  it.each([
    {
      desc: 'label selector from the API shape',
      run: () =>
        api.labelsMatchSelector(
          { app: 'web', tier: 'fe' },
          { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] },
        ),
      want: true,
    },
    {
      desc: 'field selector against an object',
      run: () => api.parseFieldSelector('metadata.name=web-1,spec.nodeName!=').matches(api.fieldSetFor({ metadata: { name: 'web-1' }, spec: { nodeName: 'n1' } })),
      want: true,
    },
    { desc: 'quantity canonical form', run: () => api.parseQuantity('1.5Gi').toString(), want: '1536Mi' },
    { desc: 'percent of replicas', run: () => api.getScaledValueFromIntOrPercent('25%', 10, true), want: 3 },
    { desc: 'field path rendering', run: () => api.path('metadata').child('labels').key('app').toString(), want: 'metadata.labels[app]' },
    { desc: 'gRPC code for a conflict', run: () => api.grpcCodeFor('Conflict'), want: api.GrpcCode.ABORTED },
  ])('$desc', ({ run, want }) => {
    expect(run()).toBe(want);
  });

  it('turns validation errors into an Invalid status', () => {
    const p = api.path('spec', 'containers').index(0).child('ports').index(0).child('containerPort');
    const errs = api.isValidPortNum(0).map((msg) => api.invalid(p, 0, msg));
    const err = api.newInvalid({ group: '', kind: 'Pod' }, 'x', errs);
    expect(api.isInvalid(err)).toBe(true);
    expect(api.httpStatusFor(err)).toBe(422);
    expect(api.grpcCodeForError(err)).toBe(api.GrpcCode.INVALID_ARGUMENT);
    expect(err.message).toBe('Pod "x" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive');
    expect(err.details?.causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be between 1 and 65535, inclusive', field: 'spec.containers[0].ports[0].containerPort' },
    ]);
  });

  it('rejects unknown field labels the way the apiserver does', () => {
    const registry = new api.FieldLabelRegistry().register('Pod', { fields: ['spec.nodeName'] });
    let status: api.Status | undefined;
    try {
      registry.transformSelector('Pod', 'foo=bar');
    } catch (e) {
      status = api.toStatus(api.newBadRequest((e as Error).message));
    }
    expect(status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'field label not supported: foo' });
  });
});
