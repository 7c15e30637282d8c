import type { EndpointInfo } from './endpoints-change-tracker';
import { PodToServiceLatency } from './pod-latency';

const ep = (podRef: string | undefined, ip: string, ready = true): EndpointInfo => ({ ip, port: 8080, ready, serving: ready, terminating: false, nodeName: 'node-1', isLocal: true, ...(podRef ? { podRef } : {}) });
const T0 = Date.parse('2026-11-29T05:00:00Z');

function setup(created: Record<string, string | undefined>, fail = new Set<string>()) {
  const observed: number[] = [];
  const lookups: string[] = [];
  const lat = new PodToServiceLatency({
    creationTime: async (ns, name) => {
      lookups.push(`${ns}/${name}`);
      if (fail.has(`${ns}/${name}`)) throw new Error('unavailable');
      return created[`${ns}/${name}`];
    },
    observe: (s) => observed.push(s),
  });
  return { lat, observed, lookups };
}

describe('PodToServiceLatency', () => {
  it.each([
    { desc: 'a ready pod endpoint: creation to programmed', eps: [ep('demo/web-1', '127.244.1.2')], want: [2.5] },
    { desc: 'not ready endpoints are not measured', eps: [ep('demo/web-1', '127.244.1.2', false)], want: [] },
    { desc: 'endpoints without a Pod are not measured', eps: [ep(undefined, '127.0.0.1')], want: [] },
    { desc: 'a pod that is gone is skipped', eps: [ep('demo/gone', '127.244.1.9')], want: [] },
  ])('$desc', async ({ eps, want }) => {
    const { lat, observed } = setup({ 'demo/web-1': new Date(T0).toISOString() });
    await lat.programmed(eps, T0 + 2500);
    expect(observed).toEqual(want);
  });

  it('measures each pod endpoint once, and again after it left and came back', async () => {
    const { lat, observed, lookups } = setup({ 'demo/web-1': new Date(T0).toISOString() });
    const e = ep('demo/web-1', '127.244.1.2');
    await lat.programmed([e], T0 + 1000);
    await lat.programmed([e], T0 + 9000);
    expect(observed).toEqual([1]);
    await lat.programmed([], T0 + 10_000);
    expect(lat.size()).toBe(0);
    await lat.programmed([e], T0 + 12_000);
    expect(observed).toEqual([1, 12]);
    expect(lookups).toEqual(['demo/web-1', 'demo/web-1']);
  });

  it('retries a failed lookup on a later sync', async () => {
    const fail = new Set(['demo/web-1']);
    const { lat, observed } = setup({ 'demo/web-1': new Date(T0).toISOString() }, fail);
    await lat.programmed([ep('demo/web-1', '127.244.1.2')], T0 + 1000);
    expect(observed).toEqual([]);
    fail.clear();
    await lat.programmed([ep('demo/web-1', '127.244.1.2')], T0 + 3000);
    expect(observed).toEqual([3]);
  });
});
