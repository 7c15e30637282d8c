import type { EndpointSlice } from '@k8ts/api';
import { testService } from '../testing/fixtures';
import { EndpointSliceTracker } from './endpoint-slice-tracker';

function slice(uid: string, generation: number, service = 'web'): EndpointSlice {
  return { metadata: { name: `${service}-${uid}`, namespace: 'default', uid, generation, labels: { 'kubernetes.io/service-name': service } } };
}

const web = testService({ name: 'web' });

describe('EndpointSliceTracker', () => {
  it.each<{ desc: string; setup: (t: EndpointSliceTracker) => void; cached: EndpointSlice[]; stale: boolean }>([
    { desc: 'nothing tracked: never stale', setup: () => undefined, cached: [], stale: false },
    { desc: 'cache shows the written generation', setup: (t) => t.update(slice('a', 2)), cached: [slice('a', 2)], stale: false },
    { desc: 'cache shows a newer generation', setup: (t) => t.update(slice('a', 2)), cached: [slice('a', 3)], stale: false },
    { desc: 'cache shows an older generation', setup: (t) => t.update(slice('a', 2)), cached: [slice('a', 1)], stale: true },
    { desc: 'a written slice is missing from the cache', setup: (t) => t.update(slice('a', 1)), cached: [], stale: true },
    { desc: 'a deleted slice is still in the cache', setup: (t) => t.expectDeletion(slice('a', 1)), cached: [slice('a', 1)], stale: true },
    { desc: 'a deleted slice is gone from the cache', setup: (t) => t.expectDeletion(slice('a', 1)), cached: [], stale: false },
    { desc: 'slices of other Services do not matter', setup: (t) => t.update(slice('b', 1, 'db')), cached: [], stale: false },
  ])('staleSlices — $desc', ({ setup, cached, stale }) => {
    const t = new EndpointSliceTracker();
    setup(t);
    expect(t.staleSlices(web, cached)).toBe(stale);
  });

  it('shouldSync: unknown slices and newer generations than written', () => {
    const t = new EndpointSliceTracker();
    expect(t.shouldSync(slice('a', 1))).toBe(true);
    t.update(slice('a', 2));
    expect(t.shouldSync(slice('a', 2))).toBe(false);
    expect(t.shouldSync(slice('a', 3))).toBe(true);
  });

  it('handleDeletion: expected deletions are echoes, others call for a resync', () => {
    const t = new EndpointSliceTracker();
    t.expectDeletion(slice('a', 1));
    t.update(slice('b', 1));
    expect(t.handleDeletion(slice('a', 1))).toBe(true);
    expect(t.handleDeletion(slice('b', 1))).toBe(false);
    expect(t.has(slice('a', 1)) || t.has(slice('b', 1))).toBe(false);
    expect(t.handleDeletion(slice('c', 1))).toBe(true);
  });

  it('deleteService forgets the Service', () => {
    const t = new EndpointSliceTracker();
    t.update(slice('a', 1));
    t.deleteService('default', 'web');
    expect(t.staleSlices(web, [])).toBe(false);
  });
});
