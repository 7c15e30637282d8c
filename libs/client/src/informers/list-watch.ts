// Where an informer gets its data: a list (gRPC, from the apiserver) and a
// watch from the list's resourceVersion, either straight from the NATS
// change log (watchStream of @k8ts/eventbus) or through the apiserver's
// gRPC watch. The ListWatch interface is also what tests fake.
import { fromJSONAs } from '@k8ts/api';
import { isGone, isResourceExpired } from '@k8ts/apimachinery';
import { isWatchExpiredError, resourceWildcard, type StreamWatch, watchStream } from '@k8ts/eventbus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KubeObject, ResourceClient } from '../resource-client';
import type { TraceContext } from './types';

export interface ListWatchList<T> {
  items: T[];
  /** Watch from here. */
  resourceVersion: string;
}

export type InformerWatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T; resourceVersion: string; trace?: TraceContext }
  | { type: 'BOOKMARK'; resourceVersion: string };

/**
 * A running watch. Iteration ends when the watch ends (the informer then
 * resumes it) and throws when it fails: an error for which isExpiredError()
 * holds makes the informer relist; InformerDecodeError too; any other error
 * is treated as transient and the watch is resumed from the last revision.
 */
export interface InformerWatch<T> extends AsyncIterable<InformerWatchEvent<T>> {
  stop(): void;
}

export interface ListWatch<T> {
  /** Every object (matching the informer's selectors), and the revision to watch from. */
  list(signal: AbortSignal): Promise<ListWatchList<T>>;
  /** Every change after resourceVersion. Rejects like the iteration fails. */
  watch(resourceVersion: string, signal: AbortSignal): Promise<InformerWatch<T>>;
}

/** A watch event could not be decoded: the informer cannot know the object's state and relists. */
export class InformerDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InformerDecodeError';
  }
}

/** The watch's revision is gone (WatchExpiredError from NATS, 410 Gone / OUT_OF_RANGE from the apiserver). */
export function isExpiredError(err: unknown): boolean {
  return isWatchExpiredError(err) || isResourceExpired(err) || isGone(err);
}

export interface SourceOptions {
  /** Only this namespace ('' or absent: all). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Storage resource name of a client: its resource without the group ("deployments.apps" → "deployments"). */
export function storageResourceOf(client: { resource: string }): string {
  const dot = client.resource.indexOf('.');
  return dot < 0 ? client.resource : client.resource.slice(0, dot);
}

function listVia<T extends KubeObject>(client: ResourceClient<T>, opts: SourceOptions) {
  return async (signal: AbortSignal): Promise<ListWatchList<T>> => {
    // One page: the apiserver's continue tokens do not list at one revision.
    const res = await client.list({
      namespace: opts.namespace || undefined,
      labelSelector: opts.labelSelector || undefined,
      fieldSelector: opts.fieldSelector || undefined,
      signal,
    });
    return { items: res.items, resourceVersion: res.resourceVersion };
  };
}

export interface NatsListWatchOptions extends SourceOptions {
  /** JetStream stream; default K8TS. */
  stream?: string;
  /** Bookmarks keep the resume point of quiet informers recent; default 5000 ms. */
  bookmarkIntervalMs?: number;
  /** See watchStream; default 5000 ms. Keep it below the apiserver's compaction interval. */
  compactionCheckIntervalMs?: number;
}

/**
 * List through the apiserver, watch the change log in NATS. Watch events
 * are not filtered by selectors here (the informer does it); the namespace
 * is part of the subject filter.
 */
export function natsListWatch<T extends KubeObject>(client: ResourceClient<T>, nc: NatsConnection, opts: NatsListWatchOptions = {}): ListWatch<T> {
  const resource = storageResourceOf(client);
  const kind = client.kind;
  const decode = fromJSONAs as (kind: string, json: unknown) => unknown;
  const filter = resourceWildcard(resource, client.namespaced && opts.namespace ? opts.namespace : undefined);
  return {
    list: listVia(client, opts),
    async watch(resourceVersion, signal) {
      if (!/^\d+$/.test(resourceVersion)) throw new InformerDecodeError(`cannot watch NATS from resourceVersion ${JSON.stringify(resourceVersion)}`);
      const inner: StreamWatch = await watchStream(nc, {
        stream: opts.stream,
        filter,
        fromRevision: Number(resourceVersion),
        bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 5000,
        compactionCheckIntervalMs: opts.compactionCheckIntervalMs,
        signal,
      });
      const it = inner[Symbol.asyncIterator]();
      const iterator: AsyncIterator<InformerWatchEvent<T>> = {
        async next() {
          const r = await it.next();
          if (r.done) return { value: undefined, done: true };
          const ev = r.value;
          const rv = String(ev.revision);
          if (ev.type === 'BOOKMARK') return { value: { type: 'BOOKMARK', resourceVersion: rv }, done: false };
          let object: T;
          try {
            object = decode(kind, ev.data) as T;
          } catch (err) {
            inner.stop();
            throw new InformerDecodeError(`cannot decode ${kind} from ${ev.subject} at revision ${rv}: ${(err as Error).message}`, { cause: err });
          }
          object.metadata = { ...object.metadata, resourceVersion: rv };
          const value: InformerWatchEvent<T> = { type: ev.type, object, resourceVersion: rv };
          if (ev.trace) value.trace = ev.trace;
          return { value, done: false };
        },
        async return() {
          inner.stop();
          return { value: undefined, done: true };
        },
      };
      return { stop: () => inner.stop(), [Symbol.asyncIterator]: () => iterator };
    },
  };
}

/** List and watch through the apiserver's gRPC API (selectors applied by the server). */
export function grpcListWatch<T extends KubeObject>(client: ResourceClient<T>, opts: SourceOptions = {}): ListWatch<T> {
  return {
    list: listVia(client, opts),
    async watch(resourceVersion, signal) {
      const w = client.watch({
        namespace: opts.namespace || undefined,
        labelSelector: opts.labelSelector || undefined,
        fieldSelector: opts.fieldSelector || undefined,
        resourceVersion,
        allowBookmarks: true,
        signal,
      });
      const it = w[Symbol.asyncIterator]();
      const iterator: AsyncIterator<InformerWatchEvent<T>> = {
        async next() {
          const r = await it.next();
          if (r.done) return { value: undefined, done: true };
          const ev = r.value;
          if (ev.type === 'BOOKMARK') return { value: { type: 'BOOKMARK', resourceVersion: ev.resourceVersion }, done: false };
          const value: InformerWatchEvent<T> = { type: ev.type, object: ev.object, resourceVersion: ev.resourceVersion };
          if (ev.trace) value.trace = ev.trace;
          return { value, done: false };
        },
        async return() {
          w.stop();
          return { value: undefined, done: true };
        },
      };
      return { stop: () => w.stop(), [Symbol.asyncIterator]: () => iterator };
    },
  };
}
