import type { PodTemplateSpec } from '@k8ts/api';
import { canonicalJson, computeHash, equalIgnoreHash, fnv32a } from './pod-template-hash';

const template: PodTemplateSpec = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'k8ts/echo:1' }] } };

describe('fnv32a', () => {
  it.each([
    { desc: 'empty', input: '', want: 0x811c9dc5 },
    { desc: 'a', input: 'a', want: 0xe40c292c },
    { desc: 'foobar', input: 'foobar', want: 0xbf9cf968 },
  ])('$desc', ({ input, want }) => {
    expect(fnv32a(Buffer.from(input))).toBe(want);
  });
});

describe('computeHash', () => {
  it('is stable, uses the name-suffix alphabet and depends on the template and the collision count', () => {
    const h = computeHash(template);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(computeHash(structuredClone(template))).toBe(h);
    expect(computeHash({ ...template, spec: { containers: [{ name: 'app', image: 'k8ts/echo:2' }] } })).not.toBe(h);
    expect(computeHash(template, 0)).not.toBe(h);
    expect(computeHash(template, 1)).not.toBe(computeHash(template, 0));
  });

  it('ignores key order and empty or absent fields', () => {
    const reordered: PodTemplateSpec = { spec: { containers: [{ image: 'k8ts/echo:1', name: 'app', env: [] }] }, metadata: { annotations: {}, labels: { app: 'web' } } };
    expect(canonicalJson(reordered)).toBe(canonicalJson(template));
    expect(computeHash(reordered)).toBe(computeHash(template));
  });
});

describe('equalIgnoreHash', () => {
  it.each([
    { desc: 'same template', other: template, want: true },
    { desc: 'hash label only differs', other: { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } }, want: true },
    { desc: 'another label', other: { ...template, metadata: { labels: { app: 'web', v: '2' } } }, want: false },
    { desc: 'another image', other: { ...template, spec: { containers: [{ name: 'app', image: 'x' }] } }, want: false },
  ])('$desc', ({ other, want }) => {
    expect(equalIgnoreHash(template, other)).toBe(want);
  });
});
