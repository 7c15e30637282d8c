import { FieldPath, childOf, path, pathString } from './field-path';

describe('FieldPath', () => {
  it.each([
    { desc: 'single name', p: path('metadata'), out: 'metadata' },
    { desc: 'child', p: path('metadata').child('name'), out: 'metadata.name' },
    { desc: 'several names at once', p: path('spec', 'template').child('spec', 'containers'), out: 'spec.template.spec.containers' },
    {
      desc: 'indexes',
      p: path('spec').child('containers').index(0).child('ports').index(1).child('containerPort'),
      out: 'spec.containers[0].ports[1].containerPort',
    },
    { desc: 'map key', p: path('metadata').child('labels').key('app'), out: 'metadata.labels[app]' },
    { desc: 'key with dots and slashes', p: path('metadata', 'annotations').key('example.com/x'), out: 'metadata.annotations[example.com/x]' },
    { desc: 'empty key', p: path('m').key(''), out: 'm[]' },
    { desc: 'nested subscripts', p: path('m').key('a').index(2), out: 'm[a][2]' },
    { desc: 'key without parent', p: FieldPath.keyOf(undefined, 'k'), out: '[k]' },
    { desc: 'childOf without parent', p: childOf(null, 'key'), out: 'key' },
    { desc: 'childOf with parent', p: childOf(path('a'), 'b', 'c'), out: 'a.b.c' },
    { desc: 'childOf a rendered path', p: childOf('spec.ports[0]', 'port'), out: 'spec.ports[0].port' },
    { desc: 'keyOf a rendered path', p: FieldPath.keyOf('metadata.labels', 'app'), out: 'metadata.labels[app]' },
    { desc: 'childOf an empty string', p: childOf('', 'key'), out: 'key' },
  ])('$desc => $out', ({ p, out }) => {
    expect(p.toString()).toBe(out);
    expect(`${p}`).toBe(out);
  });

  it('root returns the first element', () => {
    expect(path('a').child('b').index(1).root().toString()).toBe('a');
  });

  it('is immutable', () => {
    const base = path('spec');
    base.child('x');
    base.index(3);
    expect(base.toString()).toBe('spec');
  });

  it.each([
    { desc: 'missing path', p: undefined, out: '<nil>' },
    { desc: 'null path', p: null, out: '<nil>' },
    { desc: 'real path', p: path('a'), out: 'a' },
    { desc: 'rendered path', p: 'spec.clusterIPs[0]', out: 'spec.clusterIPs[0]' },
    { desc: 'empty rendered path', p: '', out: '' },
  ])('pathString: $desc', ({ p, out }) => {
    expect(pathString(p)).toBe(out);
  });
});
