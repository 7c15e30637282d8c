// Watch on top of the storage change log, with Kubernetes semantics:
//
// * resourceVersion "" or "0" (or sendInitialEvents): ADDED for each current
//   match first, then every later change;
// * resourceVersion R: every change after R (ExpiredError -> 410 Gone);
// * selectors see transitions: an object that starts matching arrives as
//   ADDED, one that stops matching as DELETED, as the upstream watch cache does;
// * bookmarks carry progress; sendInitialEvents ends the initial batch with a
//   bookmark annotated k8s.io/initial-events-end.
import { newBadRequest } from '@k8ts/apimachinery';
import type { RawChange, RawStorage, TraceCarrier } from '../../storage/interface';
import { keyString } from '../../storage/keys';
import { AsyncQueue } from '../../util/async-queue';
import { buildFilter } from './list';
import type { KubeObject } from './strategy';
import type { Store } from './store';

export type ObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface ObjectEvent<T> {
  type: ObjectEventType;
  object: T;
  trace?: TraceCarrier;
}

export interface ObjectWatch<T> extends AsyncIterable<ObjectEvent<T>> {
  stop(): void;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks?: boolean;
  sendInitialEvents?: boolean;
  /** Default 60 s when bookmarks are allowed. */
  bookmarkIntervalMs?: number;
}

export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export async function watchObjects<T extends KubeObject>(
  store: Store<T>,
  storage: RawStorage,
  namespace: string | undefined,
  opts: WatchOptions,
): Promise<ObjectWatch<T>> {
  const filter = buildFilter(store, opts.labelSelector, opts.fieldSelector);
  const rv = opts.resourceVersion ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) throw newBadRequest(`invalid resource version: ${rv}`);
  const out = new AsyncQueue<ObjectEvent<T>>();
  const inView = new Set<string>();
  const prefix = store.strategy.namespaced && namespace ? { resource: store.resource, namespace } : { resource: store.resource };
  const bookmark = (revision: number, annotations?: Record<string, string>): ObjectEvent<T> => ({
    type: 'BOOKMARK',
    object: { metadata: { resourceVersion: String(revision), ...(annotations ? { annotations } : {}) } } as T,
  });

  let from: number;
  const initial = opts.sendInitialEvents || rv === '' || rv === '0';
  if (initial) {
    const listed = await store.list(namespace, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    for (const obj of listed.items) {
      inView.add(keyOf(store, obj));
      out.push({ type: 'ADDED', object: obj });
    }
    from = Number(listed.resourceVersion);
    if (opts.sendInitialEvents) out.push(bookmark(from, { [INITIAL_EVENTS_END]: 'true' }));
  } else {
    from = Number(rv);
  }

  const interval = opts.allowBookmarks ? (opts.bookmarkIntervalMs ?? 60_000) : 0;
  const raw = await store.wrap(() => storage.watch(prefix, from, { bookmarkIntervalMs: interval }));
  let stopped = false;

  const wasInView = async (change: RawChange, key: string): Promise<boolean> => {
    if (inView.has(key)) return true;
    // The previous value predates this watch (or the initial list): look it up.
    if (initial || change.prevRevision === 0 || change.prevRevision > from) return false;
    const prev = await storage.getAt(change.key, change.prevRevision).catch(() => undefined);
    if (!prev) return change.type !== 'ADDED';
    return filter.matches(store.decode(prev.value, prev.revision));
  };

  void (async () => {
    try {
      for await (const ev of raw) {
        if (stopped) break;
        if (ev.type === 'BOOKMARK') {
          out.push(bookmark(ev.revision));
          continue;
        }
        const obj = store.decode(ev.value, ev.revision);
        const key = keyString(ev.key);
        const matches = filter.matches(obj);
        if (filter.empty) {
          out.push({ type: ev.type, object: obj, trace: ev.trace });
          continue;
        }
        const before = await wasInView(ev, key);
        if (ev.type === 'DELETED') {
          inView.delete(key);
          if (before || matches) out.push({ type: 'DELETED', object: obj, trace: ev.trace });
        } else if (matches) {
          inView.add(key);
          out.push({ type: before ? 'MODIFIED' : 'ADDED', object: obj, trace: ev.trace });
        } else if (before) {
          inView.delete(key);
          out.push({ type: 'DELETED', object: obj, trace: ev.trace });
        }
      }
      out.end();
    } catch (err) {
      out.fail(store.toStatusError(err));
    }
  })();

  return {
    stop: () => {
      stopped = true;
      raw.stop();
      out.end();
    },
    [Symbol.asyncIterator]: () => out[Symbol.asyncIterator](),
  };
}

function keyOf<T extends KubeObject>(store: Store<T>, obj: T): string {
  return keyString(store.key(obj.metadata?.namespace, obj.metadata?.name ?? ''));
}
