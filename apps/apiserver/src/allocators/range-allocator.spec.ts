import { MemoryStorage } from '../storage/memory-storage';
import { AlreadyAllocatedError, RangeAllocator, RangeFullError } from './range-allocator';

const newAllocator = (min = 1, max = 10, dynamicFrom?: number) =>
  new RangeAllocator(new MemoryStorage(), { resource: 'testallocations', min, max, dynamicFrom, format: String, what: 'number' });

describe('RangeAllocator', () => {
  it('hands out every item once, then reports the range full', async () => {
    const a = newAllocator(1, 10);
    const got = await Promise.all(Array.from({ length: 10 }, (_, i) => a.allocateNext({ owner: `x/${i}` })));
    expect(new Set(got).size).toBe(10);
    await expect(a.allocateNext({ owner: 'x/late' })).rejects.toThrow(RangeFullError);
  });

  it.each([
    { desc: 'a free item is granted', taken: [], want: 5, ok: true },
    { desc: 'a taken item is refused', taken: [5], want: 5, ok: false },
  ])('allocate: $desc', async ({ taken, want, ok }) => {
    const a = newAllocator();
    for (const t of taken) await a.allocate(t, { owner: 'a/b' });
    const p = a.allocate(want, { owner: 'c/d' });
    if (ok) await expect(p).resolves.toBe(String(want));
    else await expect(p).rejects.toThrow(AlreadyAllocatedError);
  });

  it('prefers the dynamic band and falls back to the low band', async () => {
    const a = newAllocator(1, 10, 9);
    const first = [await a.allocateNext({ owner: 'a/1' }), await a.allocateNext({ owner: 'a/2' })].sort();
    expect(first).toEqual(['10', '9']);
    expect(Number(await a.allocateNext({ owner: 'a/3' }))).toBeLessThan(9);
  });

  it('releases items for reuse, and tolerates double release', async () => {
    const a = newAllocator(1, 1);
    const item = await a.allocateNext({ owner: 'a/1' });
    await a.release(item);
    await a.release(item);
    expect(await a.allocateNext({ owner: 'a/2' })).toBe(item);
    expect(await a.list()).toEqual([{ item, owner: { owner: 'a/2' } }]);
  });
});
