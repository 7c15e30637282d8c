import type { Endpoints } from '@k8ts/api';
import { StaleEndpointsTracker } from './stale-endpoints-tracker';

const ep = (rv: string | undefined): Endpoints => ({ metadata: { name: 'web', namespace: 'default', resourceVersion: rv } });

describe('StaleEndpointsTracker', () => {
  it.each([
    { desc: 'never replaced', replaced: undefined, cached: '5', stale: false },
    { desc: 'cache shows the replaced version', replaced: '5', cached: '5', stale: true },
    { desc: 'cache shows another version', replaced: '5', cached: '6', stale: false },
    { desc: 'cached object without resourceVersion', replaced: '5', cached: undefined, stale: false },
  ])('$desc', ({ replaced, cached, stale }) => {
    const t = new StaleEndpointsTracker();
    if (replaced) t.stale(ep(replaced));
    expect(t.isStale(ep(cached))).toBe(stale);
  });

  it('delete forgets', () => {
    const t = new StaleEndpointsTracker();
    t.stale(ep('5'));
    t.delete('default', 'web');
    expect(t.isStale(ep('5'))).toBe(false);
  });
});
