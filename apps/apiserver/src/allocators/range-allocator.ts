// A persistent allocator of the integers [min, max], safe across concurrent
// creates and apiserver replicas: each allocated item is one storage key
// (created with create-if-absent), so two writers can never both own one.
// Dynamic allocation probes from a random point in the preferred band first.
import { KeyExistsError, KeyNotFoundError, ConflictError } from '../storage/errors';
import type { RawStorage, StorageKey } from '../storage/interface';

export class RangeFullError extends Error {
  constructor(readonly what: string) {
    super(`range is full: no ${what} left to allocate`);
    this.name = 'RangeFullError';
  }
}

export class AlreadyAllocatedError extends Error {
  constructor(readonly item: string) {
    super(`${item} is already allocated`);
    this.name = 'AlreadyAllocatedError';
  }
}

export interface RangeAllocatorOptions {
  /** Storage resource holding the allocation records, e.g. "serviceipallocations". */
  resource: string;
  min: number;
  max: number;
  /** Dynamic allocation tries [dynamicFrom, max] before [min, dynamicFrom). */
  dynamicFrom?: number;
  /** Renders an integer as the item (an IP, a port). */
  format: (n: number) => string;
  /** What the items are, for messages ("IP", "port"). */
  what: string;
  random?: () => number;
}

export interface AllocationOwner {
  /** ns/name of the owning object. */
  owner: string;
  uid?: string;
}

export class RangeAllocator {
  constructor(
    private readonly storage: RawStorage,
    private readonly opts: RangeAllocatorOptions,
  ) {}

  private key(item: string): StorageKey {
    return { resource: this.opts.resource, name: item };
  }

  private record(owner: AllocationOwner) {
    return () => new TextEncoder().encode(JSON.stringify(owner));
  }

  /** Allocates `n` exactly; AlreadyAllocatedError when taken. */
  async allocate(n: number, owner: AllocationOwner): Promise<string> {
    const item = this.opts.format(n);
    try {
      await this.storage.create(this.key(item), this.record(owner));
      return item;
    } catch (err) {
      if (err instanceof KeyExistsError) throw new AlreadyAllocatedError(item);
      throw err;
    }
  }

  /** Allocates any free item; RangeFullError when none is left. */
  async allocateNext(owner: AllocationOwner): Promise<string> {
    const { min, max } = this.opts;
    const from = Math.min(Math.max(this.opts.dynamicFrom ?? min, min), max);
    const bands: [number, number][] = from > min ? [[from, max], [min, from - 1]] : [[min, max]];
    const random = this.opts.random ?? Math.random;
    for (const [lo, hi] of bands) {
      const size = hi - lo + 1;
      const start = Math.floor(random() * size);
      for (let i = 0; i < size; i++) {
        const n = lo + ((start + i) % size);
        try {
          return await this.allocate(n, owner);
        } catch (err) {
          if (!(err instanceof AlreadyAllocatedError)) throw err;
        }
      }
    }
    throw new RangeFullError(this.opts.what);
  }

  /** Frees an item; a no-op when it is not allocated. */
  async release(item: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await this.storage.get(this.key(item));
      if (!entry) return;
      try {
        await this.storage.delete(this.key(item), entry.revision, () => entry.value);
        return;
      } catch (err) {
        if (err instanceof KeyNotFoundError) return;
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }

  async isAllocated(item: string): Promise<boolean> {
    return (await this.storage.get(this.key(item))) !== undefined;
  }

  /** Every allocated item with its owner. */
  async list(): Promise<{ item: string; owner: AllocationOwner }[]> {
    const { entries } = await this.storage.list({ resource: this.opts.resource });
    return entries.map((e) => ({ item: e.key.name, owner: JSON.parse(new TextDecoder().decode(e.value)) as AllocationOwner }));
  }
}
