import type { EndpointSlice } from '@k8ts/api';
import { EndpointsChangeTracker, EndpointsMap, LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from './endpoints-change-tracker';
import { slice } from '../testing/objects';

type Step = { slice: EndpointSlice; remove?: boolean; at?: number };

function summary(map: Map<string, { ip: string; port: number; ready: boolean; isLocal: boolean; terminating: boolean }[]>): Record<string, string[]> {
  return Object.fromEntries([...map].map(([k, eps]) => [k, eps.map((e) => `${e.ip}:${e.port}${e.ready ? '' : ' notready'}${e.terminating ? ' terminating' : ''}${e.isLocal ? ' local' : ''}`)]));
}

describe('EndpointsChangeTracker', () => {
  const s1 = slice({ endpoints: ['127.244.20.1', '127.244.21.1'] });
  const s1b = slice({ endpoints: ['127.244.20.1'] });
  const s2 = slice({ name: 'web-def', endpoints: ['127.244.20.2'] });

  it.each<{ desc: string; steps: Step[]; pending: boolean[]; want: Record<string, string[]> | null }>([
    { desc: 'a new slice', steps: [{ slice: s1 }], pending: [true], want: { 'default/web/TCP': ['127.244.20.1:8080 local', '127.244.21.1:8080'] } },
    { desc: 'two slices of one service merge', steps: [{ slice: s1 }, { slice: s2 }], pending: [true, true], want: { 'default/web/TCP': ['127.244.20.1:8080 local', '127.244.20.2:8080 local', '127.244.21.1:8080'] } },
    { desc: 'update: last state wins', steps: [{ slice: s1 }, { slice: s1b }], pending: [true, true], want: { 'default/web/TCP': ['127.244.20.1:8080 local'] } },
    { desc: 'add and remove before a sync: nothing', steps: [{ slice: s1 }, { slice: s1, remove: true }], pending: [true, false], want: null },
    { desc: 'a slice without the service-name label is ignored', steps: [{ slice: { ...s1, metadata: { name: 'x', namespace: 'default' } } }], pending: [false], want: null },
    {
      desc: 'conditions: not ready, serving+terminating',
      steps: [{ slice: slice({ endpoints: [{ ip: '127.244.20.5', ready: false }, { ip: '127.244.20.6', ready: false, serving: true, terminating: true }] }) }],
      pending: [true],
      want: { 'default/web/TCP': ['127.244.20.5:8080 notready local', '127.244.20.6:8080 notready terminating local'] },
    },
    {
      desc: 'named ports and UDP',
      steps: [{ slice: slice({ ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'http', port: 8080 }], endpoints: ['127.244.21.3'] }) }],
      pending: [true],
      want: { 'default/web:dns/UDP': ['127.244.21.3:53'], 'default/web:http/TCP': ['127.244.21.3:8080'] },
    },
    { desc: 'FQDN slices are ignored', steps: [{ slice: slice({ addressType: 'FQDN', endpoints: ['example.com'] }) }], pending: [true], want: null },
    {
      desc: 'an endpoint in two slices counts once, ready copy wins',
      steps: [{ slice: slice({ name: 'a', endpoints: [{ ip: '127.244.20.1', ready: false }] }) }, { slice: slice({ name: 'b', endpoints: ['127.244.20.1'] }) }],
      pending: [true, true],
      want: { 'default/web/TCP': ['127.244.20.1:8080 local'] },
    },
  ])('$desc', ({ steps, pending, want }) => {
    const t = new EndpointsChangeTracker({ nodeNames: ['node-20'] });
    steps.forEach((s, i) => expect(t.endpointSliceUpdate(s.slice, s.remove ?? false, s.at)).toBe(pending[i]));
    const changes = t.checkoutChanges();
    if (want === null) {
      expect(changes).toEqual([]);
      return;
    }
    expect(changes).toHaveLength(1);
    expect(summary(changes[0]?.current as never)).toEqual(want);
  });

  it('previous is the state of the last checkout; the map applies changes', () => {
    const t = new EndpointsChangeTracker({ nodeNames: [] });
    const map = new EndpointsMap();
    t.endpointSliceUpdate(s1, false);
    map.apply(t.checkoutChanges());
    t.endpointSliceUpdate(s1b, false);
    const [change] = t.checkoutChanges();
    expect(summary(change?.previous as never)).toEqual({ 'default/web/TCP': ['127.244.20.1:8080', '127.244.21.1:8080'] });
    map.apply(change ? [change] : []);
    expect(summary(map.endpoints as never)).toEqual({ 'default/web/TCP': ['127.244.20.1:8080'] });
    t.endpointSliceUpdate(s1b, true);
    map.apply(t.checkoutChanges());
    expect(map.endpoints.size).toBe(0);
  });

  it('records trigger times: the annotation wins, else receipt; none for the initial list or before start', () => {
    const t = new EndpointsChangeTracker({ nodeNames: [], startTime: 1000 });
    const annotated = (ts: string) => slice({ endpoints: ['127.244.20.9'], annotations: { [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: ts } });
    t.endpointSliceUpdate(slice({ endpoints: ['127.244.20.1'] }), false); // initial list: no time
    t.endpointSliceUpdate(slice({ endpoints: ['127.244.20.2'] }), false, 5000);
    t.endpointSliceUpdate(annotated(new Date(3000).toISOString()), false, 6000);
    t.endpointSliceUpdate(annotated(new Date(500).toISOString()), false, 7000); // before start
    expect(t.checkoutTriggerTimes().get('default/web')).toEqual([5000, 3000]);
    expect(t.checkoutTriggerTimes().size).toBe(0);
  });
});
