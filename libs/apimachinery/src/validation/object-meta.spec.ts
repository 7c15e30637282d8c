import { fieldErrorToString } from './field-error';
import { path } from './field-path';
import {
  ObjectMetaLike,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  semanticEqual,
  validateFinalizers,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from './object-meta';

const strs = (errs: Parameters<typeof fieldErrorToString>[0][]) => errs.map(fieldErrorToString);
const meta = path('metadata');
const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' };

describe('name functions', () => {
  it.each([
    { desc: 'subdomain name', fn: nameIsDNSSubdomain, name: 'my.name', prefix: false, ok: true },
    { desc: 'subdomain prefix with trailing dash', fn: nameIsDNSSubdomain, name: 'my-name-', prefix: true, ok: true },
    { desc: 'trailing dash not allowed for full names', fn: nameIsDNSSubdomain, name: 'my-name-', prefix: false, ok: false },
    { desc: 'lone dash prefix', fn: nameIsDNSSubdomain, name: '-', prefix: true, ok: false },
    { desc: 'label rejects dots', fn: nameIsDNSLabel, name: 'a.b', prefix: false, ok: false },
    { desc: 'label prefix', fn: nameIsDNSLabel, name: 'web-', prefix: true, ok: true },
    { desc: '1035 rejects digit first', fn: nameIsDNS1035Label, name: '1abc', prefix: false, ok: false },
    { desc: '1035 prefix', fn: nameIsDNS1035Label, name: 'svc-', prefix: true, ok: true },
    { desc: 'masking drops two characters', fn: nameIsDNSLabel, name: 'a.-', prefix: true, ok: true },
  ])('$desc', ({ fn, name, prefix, ok }) => {
    expect(fn(name, prefix).length === 0).toBe(ok);
  });
});

describe('validateObjectMeta', () => {
  it.each([
    { desc: 'valid namespaced object', m: { name: 'web', namespace: 'default' }, namespaced: true, errs: [] as string[] },
    { desc: 'valid cluster object', m: { name: 'node-1' }, namespaced: false, errs: [] },
    {
      desc: 'missing name',
      m: { namespace: 'default' },
      namespaced: true,
      errs: ['metadata.name: Required value: name or generateName is required'],
    },
    {
      desc: 'bad name',
      m: { name: 'Web', namespace: 'default' },
      namespaced: true,
      errs: [expect.stringMatching(/^metadata\.name: Invalid value: "Web": a lowercase RFC 1123 subdomain/)],
    },
    {
      desc: 'bad generateName',
      m: { name: 'web-abcde', generateName: 'Web-', namespace: 'default' },
      namespaced: true,
      errs: [expect.stringMatching(/^metadata\.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain/)],
    },
    { desc: 'missing namespace', m: { name: 'web' }, namespaced: true, errs: ['metadata.namespace: Required value'] },
    {
      desc: 'bad namespace',
      m: { name: 'web', namespace: 'a.b' },
      namespaced: true,
      errs: ['metadata.namespace: Invalid value: "a.b": must not contain dots'],
    },
    {
      desc: 'namespace on cluster object',
      m: { name: 'n', namespace: 'default' },
      namespaced: false,
      errs: ['metadata.namespace: Forbidden: not allowed on this type'],
    },
    {
      desc: 'negative generation',
      m: { name: 'n', generation: -1 },
      namespaced: false,
      errs: ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    },
    {
      desc: 'bad label',
      m: { name: 'n', labels: { a: '-' } },
      namespaced: false,
      errs: [expect.stringMatching(/^metadata\.labels: Invalid value: "-"/)],
    },
    {
      desc: 'bad annotation key',
      m: { name: 'n', annotations: { '': 'x' } },
      namespaced: false,
      errs: ['metadata.annotations: Invalid value: "": name part must be non-empty', expect.stringMatching(/^metadata\.annotations: Invalid value: "": name part must consist/)],
    },
    {
      desc: 'conflicting finalizers',
      m: { name: 'n', finalizers: ['orphan', 'foregroundDeletion'] },
      namespaced: false,
      errs: ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set'],
    },
  ])('$desc', ({ m, namespaced, errs }) => {
    expect(strs(validateObjectMeta(m as ObjectMetaLike, namespaced, nameIsDNSSubdomain, meta))).toEqual(errs);
  });
});

describe('validateOwnerReferences', () => {
  const p = meta.child('ownerReferences');
  it.each([
    { desc: 'valid', refs: [owner], errs: [] as string[] },
    { desc: 'core group', refs: [{ ...owner, apiVersion: 'v1', kind: 'Pod' }], errs: [] },
    {
      desc: 'missing fields',
      refs: [{}],
      errs: [
        'metadata.ownerReferences[0].apiVersion: Required value: must not be empty',
        'metadata.ownerReferences[0].kind: Required value: must not be empty',
        'metadata.ownerReferences[0].name: Required value: must not be empty',
        'metadata.ownerReferences[0].uid: Required value: must not be empty',
      ],
    },
    {
      desc: 'bad apiVersion',
      refs: [{ ...owner, apiVersion: 'a/b/c' }],
      errs: ['metadata.ownerReferences[0].apiVersion: Invalid value: "a/b/c": must be <group>/<version> or <version>'],
    },
    {
      desc: 'missing version',
      refs: [{ ...owner, apiVersion: 'apps/' }],
      errs: ['metadata.ownerReferences[0].apiVersion: Invalid value: "apps/": must be <group>/<version> or <version>'],
    },
    {
      desc: 'events cannot own',
      refs: [{ ...owner, apiVersion: 'v1', kind: 'Event' }],
      errs: [
        'metadata.ownerReferences[0]: Invalid value: {"apiVersion":"v1","kind":"Event","name":"rs","uid":"u1"}: /v1, Kind=Event is disallowed from being an owner',
      ],
    },
    {
      desc: 'two controllers',
      refs: [
        { ...owner, controller: true },
        { ...owner, kind: 'Job', name: 'j', controller: true },
      ],
      errs: [
        expect.stringMatching(
          /^metadata\.ownerReferences: Invalid value: \[.*\]: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/rs and Job\/j$/,
        ),
      ],
    },
  ])('$desc', ({ refs, errs }) => {
    expect(strs(validateOwnerReferences(refs, p))).toEqual(errs);
  });
});

describe('validateFinalizers', () => {
  it.each([
    { desc: 'valid', f: ['kubernetes.io/pvc-protection', 'foregroundDeletion'], errs: [] as string[] },
    { desc: 'bad name', f: ['a/b/c'], errs: [expect.stringMatching(/^metadata\.finalizers: Invalid value: "a\/b\/c": a valid label key/)] },
  ])('$desc', ({ f, errs }) => {
    expect(strs(validateFinalizers(f, meta.child('finalizers')))).toEqual(errs);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMetaLike = {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-01T00:00:00Z',
  };
  it.each([
    { desc: 'unchanged', next: { ...old }, prev: old, errs: [] as string[] },
    { desc: 'generation bumped', next: { ...old, generation: 3 }, prev: old, errs: [] },
    {
      desc: 'missing resourceVersion',
      next: { ...old, resourceVersion: '' },
      prev: old,
      errs: ['metadata.resourceVersion: Invalid value: "": must be specified for an update'],
    },
    {
      desc: 'generation decremented',
      next: { ...old, generation: 1 },
      prev: old,
      errs: ['metadata.generation: Invalid value: 1: must not be decremented'],
    },
    { desc: 'renamed', next: { ...old, name: 'db' }, prev: old, errs: ['metadata.name: Invalid value: "db": field is immutable'] },
    { desc: 'moved namespace', next: { ...old, namespace: 'x' }, prev: old, errs: ['metadata.namespace: Invalid value: "x": field is immutable'] },
    { desc: 'new uid', next: { ...old, uid: 'u2' }, prev: old, errs: ['metadata.uid: Invalid value: "u2": field is immutable'] },
    {
      desc: 'creation time changed',
      next: { ...old, creationTimestamp: '2025-01-01T00:00:00Z' },
      prev: old,
      errs: ['metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable'],
    },
    {
      desc: 'deletion timestamp removed',
      next: { ...old },
      prev: { ...old, deletionTimestamp: '2025-01-01T00:00:00Z' },
      errs: ['metadata.deletionTimestamp: Invalid value: null: field is immutable'],
    },
    {
      desc: 'finalizer added while deleting',
      next: { ...old, deletionTimestamp: 't', finalizers: ['b', 'a', 'keep'] },
      prev: { ...old, deletionTimestamp: 't', finalizers: ['keep'] },
      errs: ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a", "b"}'],
    },
    {
      desc: 'finalizer removed while deleting',
      next: { ...old, deletionTimestamp: 't', finalizers: [] },
      prev: { ...old, deletionTimestamp: 't', finalizers: ['keep'] },
      errs: [],
    },
  ])('$desc', ({ next, prev, errs }) => {
    expect(strs(validateObjectMetaUpdate(next, prev, meta))).toEqual(errs);
  });
});

describe('semanticEqual', () => {
  it.each([
    { desc: 'null and undefined', a: null, b: undefined, eq: true },
    { desc: 'null and value', a: null, b: 0, eq: false },
    { desc: 'dates by time', a: new Date(5), b: new Date(5), eq: true },
    { desc: 'different dates', a: new Date(5), b: new Date(6), eq: false },
    { desc: 'objects with missing vs undefined keys', a: { a: 1, b: undefined }, b: { a: 1 }, eq: true },
    { desc: 'nested difference', a: { a: { b: 1 } }, b: { a: { b: 2 } }, eq: false },
    { desc: 'array vs object', a: [], b: {}, eq: false },
  ])('$desc', ({ a, b, eq }) => {
    expect(semanticEqual(a, b)).toBe(eq);
  });
});
