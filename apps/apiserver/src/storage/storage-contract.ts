/* eslint-disable @typescript-eslint/no-non-null-assertion -- test helpers assert presence */
// Behaviour every RawStorage must have. memory-storage.spec.ts and
// jetstream-storage.spec.ts run this same suite against each implementation.
import { ConflictError, ExpiredError, KeyExistsError, KeyNotFoundError } from './errors';
import type { RawStorage, RawWatch, RawWatchEvent, StorageKey } from './interface';

export interface StorageFixture {
  storage: RawStorage;
  cleanup(): Promise<void>;
}

const enc = (text: string) => (rev: number) => new TextEncoder().encode(JSON.stringify({ text, rev }));
const dec = (value: Uint8Array) => JSON.parse(new TextDecoder().decode(value)) as { text: string; rev: number };
const pod = (name: string, namespace = 'default'): StorageKey => ({ resource: 'pods', namespace, name });

/** Collects `count` events from a watch, failing after `timeoutMs`. */
export async function take(watch: RawWatch, count: number, timeoutMs = 5000, skipBookmarks = true): Promise<RawWatchEvent[]> {
  const out: RawWatchEvent[] = [];
  const it = watch[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs}ms with ${out.length}/${count} events: ${JSON.stringify(out)}`);
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      it.next(),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left))),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') continue;
    if (next.done) throw new Error(`watch ended after ${out.length}/${count} events`);
    if (skipBookmarks && next.value.type === 'BOOKMARK') continue;
    out.push(next.value);
  }
  return out;
}

export function describeRawStorage(name: string, setup: () => Promise<StorageFixture>): void {
  describe(`${name} RawStorage contract`, () => {
    let fx: StorageFixture;
    let s: RawStorage;
    beforeEach(async () => {
      fx = await setup();
      s = fx.storage;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    it('creates at the next revision and hands that revision to the encoder', async () => {
      const before = await s.currentRevision();
      const rev = await s.create(pod('a'), enc('a'));
      expect(rev).toBe(before + 1);
      const got = await s.get(pod('a'));
      expect(got?.revision).toBe(rev);
      expect(dec(got!.value)).toEqual({ text: 'a', rev });
    });

    it('rejects a second create of a live key', async () => {
      const rev = await s.create(pod('a'), enc('a'));
      await expect(s.create(pod('a'), enc('again'))).rejects.toThrow(KeyExistsError);
      expect((await s.get(pod('a')))?.revision).toBe(rev);
    });

    it.each([
      { desc: 'stale revision is a conflict', expected: (rev: number) => rev - 1, error: ConflictError },
      { desc: 'future revision is a conflict', expected: (rev: number) => rev + 100, error: ConflictError },
    ])('update: $desc', async ({ expected, error }) => {
      await s.create(pod('other'), enc('x'));
      const rev = await s.create(pod('a'), enc('a'));
      await expect(s.update(pod('a'), expected(rev), enc('b'))).rejects.toThrow(error);
      expect(dec((await s.get(pod('a')))!.value).text).toBe('a');
    });

    it('updates with the current revision, and not twice from the same one', async () => {
      const rev = await s.create(pod('a'), enc('a'));
      const rev2 = await s.update(pod('a'), rev, enc('b'));
      expect(rev2).toBeGreaterThan(rev);
      await expect(s.update(pod('a'), rev, enc('c'))).rejects.toThrow(ConflictError);
      expect(dec((await s.get(pod('a')))!.value)).toEqual({ text: 'b', rev: rev2 });
    });

    it('fails update and delete of a missing key with KeyNotFound', async () => {
      await expect(s.update(pod('missing'), 1, enc('x'))).rejects.toThrow(KeyNotFoundError);
      await expect(s.delete(pod('missing'), 1, enc('x'))).rejects.toThrow(KeyNotFoundError);
    });

    it('deletes with a tombstone; the key can be created again', async () => {
      const rev = await s.create(pod('a'), enc('a'));
      const delRev = await s.delete(pod('a'), rev, enc('final'));
      expect(await s.get(pod('a'))).toBeUndefined();
      await expect(s.update(pod('a'), delRev, enc('zombie'))).rejects.toThrow(KeyNotFoundError);
      const again = await s.create(pod('a'), enc('reborn'));
      expect(again).toBeGreaterThan(delRev);
      expect(dec((await s.get(pod('a')))!.value).text).toBe('reborn');
    });

    it('lists live keys under a prefix, sorted, at a revision that covers them', async () => {
      await s.create(pod('b'), enc('b'));
      await s.create(pod('a'), enc('a'));
      await s.create(pod('c', 'kube-system'), enc('c'));
      const d = await s.create(pod('d'), enc('d'));
      await s.delete(pod('d'), d, enc('d'));
      await s.create({ resource: 'services', namespace: 'default', name: 'a' }, enc('svc'));
      const all = await s.list({ resource: 'pods' });
      expect(all.entries.map((e) => `${e.key.namespace}/${e.key.name}`)).toEqual(['default/a', 'default/b', 'kube-system/c']);
      expect(all.revision).toBe(await s.currentRevision());
      const ns = await s.list({ resource: 'pods', namespace: 'default' });
      expect(ns.entries.map((e) => e.key.name)).toEqual(['a', 'b']);
      expect((await s.list({ resource: 'nodes' })).entries).toEqual([]);
    });

    it('handles names with dots and cluster-scoped keys', async () => {
      const node = { resource: 'nodes', name: 'node-1.example.com' };
      await s.create(node, enc('n'));
      await s.create({ resource: 'nodes', name: 'node-1' }, enc('n1'));
      const list = await s.list({ resource: 'nodes' });
      expect(list.entries.map((e) => e.key)).toEqual([{ resource: 'nodes', name: 'node-1' }, node]);
      expect((await s.get(node))?.key).toEqual(node);
    });

    it('watches every change after a listed revision, in order, with no duplicate', async () => {
      await s.create(pod('before'), enc('before'));
      const { revision } = await s.list({ resource: 'pods' });
      const w = await s.watch({ resource: 'pods' }, revision);
      try {
        const a = await s.create(pod('a'), enc('a'), { trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
        await s.create({ resource: 'services', namespace: 'default', name: 'x' }, enc('svc'));
        const a2 = await s.update(pod('a'), a, enc('a2'));
        await s.delete(pod('a'), a2, enc('a-final'));
        const events = await take(w, 3);
        expect(events.map((e) => [e.type, 'key' in e ? e.key.name : '', e.revision])).toEqual([
          ['ADDED', 'a', a],
          ['MODIFIED', 'a', a2],
          ['DELETED', 'a', a2 + 1],
        ]);
        const first = events[0] as Extract<RawWatchEvent, { key: StorageKey }>;
        expect(first.trace?.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
        const last = events[2] as Extract<RawWatchEvent, { key: StorageKey }>;
        expect(dec(last.value).text).toBe('a-final');
      } finally {
        w.stop();
      }
    });

    it('replays retained history to a watch that starts in the past', async () => {
      const r1 = await s.create(pod('a'), enc('a'));
      const r2 = await s.update(pod('a'), r1, enc('b'));
      const w = await s.watch({ resource: 'pods', namespace: 'default' }, r1 - 1);
      try {
        const events = await take(w, 2);
        expect(events.map((e) => e.revision)).toEqual([r1, r2]);
      } finally {
        w.stop();
      }
    });

    it('sends bookmarks that carry progress past unrelated writes', async () => {
      const w = await s.watch({ resource: 'pods' }, await s.currentRevision(), { bookmarkIntervalMs: 50 });
      try {
        const rev = await s.create({ resource: 'services', namespace: 'default', name: 'x' }, enc('svc'));
        const deadline = Date.now() + 5000;
        let progress = 0;
        while (progress < rev) {
          if (Date.now() > deadline) throw new Error('no bookmark reached the unrelated write');
          const [e] = await take(w, 1, 5000, false);
          expect(e.type).toBe('BOOKMARK');
          progress = e.revision;
        }
      } finally {
        w.stop();
      }
    });

    it('expires watches from before the compacted revision, keeping current values', async () => {
      let rev = await s.create(pod('a'), enc('v0'));
      const old = rev;
      for (let i = 1; i <= 5; i++) rev = await s.update(pod('a'), rev, enc(`v${i}`));
      const gone = await s.create(pod('gone'), enc('x'));
      await s.delete(pod('gone'), gone, enc('x'));
      await s.create(pod('stays'), enc('stays'));
      await s.compact(rev);
      await expect(s.watch({ resource: 'pods' }, old)).rejects.toThrow(ExpiredError);
      expect(dec((await s.get(pod('a')))!.value).text).toBe('v5');
      expect((await s.list({ resource: 'pods' })).entries.map((e) => e.key.name)).toEqual(['a', 'stays']);
      const w = await s.watch({ resource: 'pods' }, await s.compactedRevision());
      w.stop();
    });

    it('gives exactly one winner among concurrent updates from the same revision', async () => {
      const rev = await s.create(pod('a'), enc('a'));
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.update(pod('a'), rev, enc(`w${i}`))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    });

    it('gives concurrent creates distinct revisions', async () => {
      const revs = await Promise.all(Array.from({ length: 50 }, (_, i) => s.create(pod(`p${i}`), enc(`p${i}`))));
      expect(new Set(revs).size).toBe(50);
      for (let i = 0; i < 50; i++) expect(dec((await s.get(pod(`p${i}`)))!.value).rev).toBe(revs[i]);
    });
  });
}
