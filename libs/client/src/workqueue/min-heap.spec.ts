import { MinHeap } from './min-heap';

describe('MinHeap', () => {
  it.each([
    { desc: 'ascending input', input: [1, 2, 3, 4, 5] },
    { desc: 'descending input', input: [5, 4, 3, 2, 1] },
    { desc: 'duplicates', input: [3, 1, 3, 1, 2, 2] },
    { desc: 'scrambled', input: Array.from({ length: 200 }, (_, i) => (i * 7919) % 211) },
  ])('pops in order: $desc', ({ input }) => {
    const heap = new MinHeap<number>((a, b) => a < b);
    for (const n of input) heap.push(n);
    expect(heap.size).toBe(input.length);
    const out: number[] = [];
    for (let n = heap.pop(); n !== undefined; n = heap.pop()) out.push(n);
    expect(out).toEqual([...input].sort((a, b) => a - b));
    expect(heap.peek()).toBeUndefined();
  });
});
