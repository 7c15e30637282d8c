// A typed client for one resource, built generically from the kind registry
// of @k8ts/api: objects are encoded with the resource's kind on the way out
// and decoded on the way back.
import { type Binding, decodeObject, type DeleteOptions, encodeObject, type KindInfo, type ObjectMeta, type Pod, type Status } from '@k8ts/api';
import { StatusError, statusErrorFromGrpc, GrpcCode } from '@k8ts/apimachinery';
import { toApiError } from './errors';
import { type ObjectResponse, ResourcesService, type UpdateRequest, type WatchRequest, type WireWatchEvent } from './proto';
import { StreamQueue } from './stream-queue';
import type { CallOptions, MethodDefinition, Transport } from './transport';

/** Any Kubernetes object. */
export interface KubeObject {
  metadata?: ObjectMeta | undefined;
}

export interface CreateOptions extends CallOptions {
  /** Namespace of a namespaced object; default: obj.metadata.namespace. */
  namespace?: string;
  /** Validate and admit, but do not persist. */
  dryRun?: boolean;
  fieldManager?: string;
}

export interface UpdateOptions extends CallOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

export interface DeleteCallOptions extends CallOptions, Omit<DeleteOptions, 'dryRun'> {
  dryRun?: boolean;
}

export interface ListOptions extends CallOptions {
  /** Empty or absent: every namespace (and always for cluster-scoped resources). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult<T> {
  items: T[];
  /** Watch from here to see every later change. */
  resourceVersion: string;
  /** Present when `limit` cut the list short: pass it back for the next page. */
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  /** Empty or absent: every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Every change after this resourceVersion (usually a list's). '' or '0'
   * start with an ADDED event per current object.
   */
  resourceVersion?: string;
  allowBookmarks?: boolean;
  /** ADDED for each current match, then a BOOKMARK annotated k8s.io/initial-events-end. */
  sendInitialEvents?: boolean;
  /** The server ends the stream (cleanly) after this long. */
  timeoutSeconds?: number;
  /** Stops the watch like stop(). */
  signal?: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T> {
  type: WatchEventType;
  /** The object; for BOOKMARK only metadata.resourceVersion (and annotations). */
  object: T;
  resourceVersion: string;
  /** W3C trace context of the write that caused the change. */
  trace?: { traceparent: string; tracestate?: string };
}

/**
 * A running watch. Iteration ends when the server ends the
 * stream (timeoutSeconds, apiserver shutdown) or after stop(), and throws a
 * StatusError when the watch fails (isResourceExpired(err): relist).
 */
export interface ResourceWatch<T> extends AsyncIterable<WatchEvent<T>> {
  /** Cancels the call; the server stops its watch. Idempotent. */
  stop(): void;
}

/**
 * CRUD + watch for one resource.
 *
 * Scope convention: methods that address one object take
 * `(namespace, name)`. For cluster-scoped resources (nodes, namespaces)
 * pass `undefined` (or '') as the namespace: `nodes.get(undefined, 'node-1')`.
 * A namespace given for a cluster-scoped resource is a BadRequest.
 */
export interface ResourceClient<T extends KubeObject> {
  /** Kind name in @k8ts/api ("Pod"). */
  readonly kind: string;
  /** Resource as sent on the wire ("pods", "deployments.apps"). */
  readonly resource: string;
  readonly namespaced: boolean;
  create(obj: T, opts?: CreateOptions): Promise<T>;
  get(namespace: string | undefined, name: string, opts?: CallOptions): Promise<T>;
  list(opts?: ListOptions): Promise<ListResult<T>>;
  /** Replaces the object; a stale metadata.resourceVersion fails with Conflict. Status is left alone. */
  update(obj: T, opts?: UpdateOptions): Promise<T>;
  /** Writes the status subresource: only status changes. */
  updateStatus(obj: T, opts?: UpdateOptions): Promise<T>;
  /** Returns the object as deleted, or as now terminating (deletionTimestamp set, finalizers pending). */
  delete(namespace: string | undefined, name: string, opts?: DeleteCallOptions): Promise<T>;
  watch(opts?: WatchOptions): ResourceWatch<T>;
}

export interface PodClient extends ResourceClient<Pod> {
  /** The pods/binding subresource: sets spec.nodeName of an unbound pod; returns the bound pod. */
  bind(namespace: string, binding: Binding, opts?: CallOptions): Promise<Pod>;
}

// By kind name, whatever the kind (the typed overloads need a literal kind).
const encodeAny = encodeObject as (kind: string, obj: unknown) => Uint8Array;
const decodeAny = decodeObject as (kind: string, bytes: Uint8Array) => unknown;

export class GenericResourceClient<T extends KubeObject> implements ResourceClient<T> {
  readonly kind: string;
  readonly resource: string;
  readonly namespaced: boolean;

  constructor(
    protected readonly transport: Transport,
    info: KindInfo,
  ) {
    if (!info.resource) throw new Error(`kind ${info.kind} has no resource to call`);
    this.kind = info.kind;
    this.resource = info.group ? `${info.resource}.${info.group}` : info.resource;
    this.namespaced = info.namespaced;
  }

  async create(obj: T, opts: CreateOptions = {}): Promise<T> {
    const res = await this.transport.unary(
      ResourcesService.create,
      {
        resource: this.resource,
        namespace: this.namespaced ? (opts.namespace ?? obj.metadata?.namespace ?? '') : '',
        object: this.encode(obj),
        dryRun: opts.dryRun ?? false,
        fieldManager: opts.fieldManager ?? '',
      },
      opts,
    );
    return this.decode(res.object);
  }

  async get(namespace: string | undefined, name: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.transport.unary(ResourcesService.get, { resource: this.resource, namespace: namespace ?? '', name }, opts, true);
    return this.decode(res.object);
  }

  async list(opts: ListOptions = {}): Promise<ListResult<T>> {
    const res = await this.transport.unary(
      ResourcesService.list,
      {
        resource: this.resource,
        namespace: opts.namespace ?? '',
        labelSelector: opts.labelSelector ?? '',
        fieldSelector: opts.fieldSelector ?? '',
        limit: opts.limit ?? 0,
        continue: opts.continue ?? '',
        resourceVersion: opts.resourceVersion ?? '',
        resourceVersionMatch: opts.resourceVersionMatch ?? '',
      },
      opts,
      true,
    );
    const result: ListResult<T> = {
      items: (res.items ?? []).map((b) => this.decode(b)),
      resourceVersion: res.resourceVersion ?? '',
    };
    if (res.continue) result.continue = res.continue;
    if (res.remainingItemCount !== undefined) result.remainingItemCount = res.remainingItemCount;
    return result;
  }

  update(obj: T, opts: UpdateOptions = {}): Promise<T> {
    return this.put(ResourcesService.update, obj, opts);
  }

  updateStatus(obj: T, opts: UpdateOptions = {}): Promise<T> {
    return this.put(ResourcesService.updateStatus, obj, opts);
  }

  async delete(namespace: string | undefined, name: string, opts: DeleteCallOptions = {}): Promise<T> {
    const { deadlineMs, signal, dryRun, ...options } = opts;
    const res = await this.transport.unary(
      ResourcesService.delete,
      {
        resource: this.resource,
        namespace: namespace ?? '',
        name,
        options: { ...options, dryRun: dryRun ? ['All'] : [] },
      },
      { deadlineMs, signal },
    );
    return this.decode(res.object);
  }

  watch(opts: WatchOptions = {}): ResourceWatch<T> {
    const request: WatchRequest = {
      resource: this.resource,
      namespace: opts.namespace ?? '',
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      resourceVersion: opts.resourceVersion ?? '',
      allowBookmarks: opts.allowBookmarks ?? false,
      sendInitialEvents: opts.sendInitialEvents ?? false,
      timeoutSeconds: opts.timeoutSeconds ?? 0,
    };
    const call = this.transport.stream(ResourcesService.watch, request);
    const queue = new StreamQueue(call, (raw: WireWatchEvent) => this.toEvent(raw));
    let stopped = false;
    const signal = opts.signal;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      unregister();
      signal?.removeEventListener('abort', stop);
      queue.close();
      call.cancel();
    };
    const unregister = this.transport.onClose(stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    const iterator: AsyncIterator<WatchEvent<T>> = {
      next: async () => {
        try {
          const r = await queue.next();
          if (r.done) stop();
          return r;
        } catch (err) {
          stop();
          throw toApiError(err);
        }
      },
      return: async () => {
        stop();
        return { value: undefined, done: true };
      },
    };
    return {
      stop,
      // One stream, one iterator (as with a generator): a second for-await continues where the first left off.
      [Symbol.asyncIterator]: () => iterator,
    };
  }

  protected encode(obj: T): Buffer {
    try {
      return Buffer.from(encodeAny(this.kind, obj));
    } catch (err) {
      throw new StatusError({ code: 400, reason: 'BadRequest', message: `cannot encode the ${this.kind}: ${(err as Error).message}` }, { cause: err });
    }
  }

  protected decode(bytes: Uint8Array | undefined): T {
    return decodeAny(this.kind, bytes ?? new Uint8Array()) as T;
  }

  private async put(method: MethodDefinition<UpdateRequest, ObjectResponse>, obj: T, opts: UpdateOptions): Promise<T> {
    const res = await this.transport.unary(
      method,
      {
        resource: this.resource,
        namespace: this.namespaced ? (obj.metadata?.namespace ?? '') : '',
        object: this.encode(obj),
        dryRun: opts.dryRun ?? false,
        fieldManager: opts.fieldManager ?? '',
      },
      opts,
    );
    return this.decode(res.object);
  }

  private toEvent(raw: WireWatchEvent): WatchEvent<T> {
    if (raw.type === 'ERROR') {
      const status = decodeObject('Status', raw.object ?? new Uint8Array()) as Status;
      throw statusErrorFromGrpc(GrpcCode.UNKNOWN, status);
    }
    const object = this.decode(raw.object);
    const ev: WatchEvent<T> = {
      type: raw.type as WatchEventType,
      object,
      resourceVersion: raw.resourceVersion || object.metadata?.resourceVersion || '',
    };
    if (raw.traceparent) ev.trace = raw.tracestate ? { traceparent: raw.traceparent, tracestate: raw.tracestate } : { traceparent: raw.traceparent };
    return ev;
  }
}

export class GenericPodClient extends GenericResourceClient<Pod> implements PodClient {
  async bind(namespace: string, binding: Binding, opts: CallOptions = {}): Promise<Pod> {
    const name = binding.metadata?.name;
    if (!name) throw new StatusError({ code: 400, reason: 'BadRequest', message: 'the binding needs metadata.name (the pod name)' });
    const res = await this.transport.unary(
      ResourcesService.bind,
      { namespace, name, binding: Buffer.from(encodeObject('Binding', binding)) },
      opts,
    );
    return this.decode(res.object);
  }
}
