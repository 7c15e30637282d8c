// The component API (k8ts.apiserver.v1.Resources) over the Registry.
//
// Every RPC names its resource ("pods", "deployments.apps", ...); objects
// travel as the protobuf encoding of that resource's kind. This file is the
// only place where errors become gRPC statuses: the code comes from the
// Kubernetes reason (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, ABORTED for
// Conflict, OUT_OF_RANGE for Expired, ...), the message is Status.message and
// the whole Status travels protobuf-encoded in the `k8ts-status-bin` trailer.
import { Metadata, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import { type Binding, decodeObject, type DeleteOptions, encodeObject } from '@k8ts/api';
import { GrpcCode, grpcCodeForError, newBadRequest, StatusError, statusOf, toStatus } from '@k8ts/apimachinery';
import type { Logger } from 'pino';
import type { RegisteredResource, Registry } from '../registry/registry';
import type { WriteContext } from '../registry/generic/store';
import type { KubeObject } from '../registry/generic/strategy';
import type { ObjectEvent, ObjectWatch } from '../registry/generic/watch';
import type { TraceCarrier } from '../storage/interface';
import { ATTR_K8S_NODE_NAME, ATTR_K8TS_SUBRESOURCE } from '../tracing/attributes';
import { carrierOf } from '../tracing/context';
import { describeRequest, inRequestSpan } from '../tracing/request-span';
import {
  type BindRequest,
  type CreateRequest,
  type DeleteRequest,
  type GetRequest,
  type ListRequest,
  type ListResponse,
  type ObjectResponse,
  type ResourcesServer,
  STATUS_TRAILER,
  type UpdateRequest,
  type WatchRequest,
  type WireWatchEvent,
} from './proto';

export interface ResourcesServiceOptions {
  registry: Registry;
  logger: Logger;
  /** Interval of watch bookmarks when a client allows them (store default: 60 s). */
  bookmarkIntervalMs?: number;
  /** Called once per finished unary request, with the HTTP code its outcome maps to. */
  onRequest?: RequestObserver;
}

/** verb is the Kubernetes verb (create, get, list, update, delete…), resource e.g. "pods" or "pods/status". */
export type RequestObserver = (verb: string, resource: string, httpCode: number, seconds: number) => void;

const VERBS: Record<string, [verb: string, subresource?: string]> = {
  Create: ['create'],
  Get: ['get'],
  List: ['list'],
  Update: ['update'],
  UpdateStatus: ['update', 'status'],
  Delete: ['delete'],
  Bind: ['create', 'binding'],
};

/** W3C traceparent: version-traceid-parentid-flags, lower-case hex. */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const MAX_TRACESTATE = 512;

/**
 * The handlers plus what the server needs around them: `closeWatches()` ends
 * every open watch stream (with OK, so clients relist/rewatch elsewhere),
 * which is the first step of a graceful shutdown.
 */
export class ResourcesServiceImpl {
  private readonly registry: Registry;
  private readonly logger: Logger;
  private readonly bookmarkIntervalMs: number | undefined;
  private readonly watches = new Set<() => void>();

  constructor(opts: ResourcesServiceOptions) {
    this.registry = opts.registry;
    this.logger = opts.logger;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs;
    this.onRequest = opts.onRequest;
  }

  private readonly onRequest: RequestObserver | undefined;

  private observe(method: string, req: unknown, started: bigint, err: unknown): void {
    if (!this.onRequest) return;
    const [verb, sub] = VERBS[method] ?? [method.toLowerCase()];
    const raw = (req as { resource?: string }).resource ?? (method === 'Bind' ? 'pods' : '');
    const resource = (this.registry.find(raw)?.resource ?? (raw || 'unknown')) + (sub ? `/${sub}` : '');
    const code = err === undefined ? (verb === 'create' ? 201 : 200) : (statusOf(err)?.code ?? 500);
    this.onRequest(verb, resource, code, Number(process.hrtime.bigint() - started) / 1e9);
  }

  /** Number of watch streams currently open. */
  get openWatches(): number {
    return this.watches.size;
  }

  /** Ends every open watch stream with status OK. */
  closeWatches(): void {
    for (const close of [...this.watches]) close();
  }

  /** The grpc-js service implementation. */
  handlers(): ResourcesServer {
    return {
      create: this.unary('Create', (req: CreateRequest, md) => this.create(req, md)),
      get: this.unary('Get', (req: GetRequest) => this.get(req)),
      list: this.unary('List', (req: ListRequest) => this.list(req)),
      update: this.unary('Update', (req: UpdateRequest, md) => this.update(req, md, '')),
      updateStatus: this.unary('UpdateStatus', (req: UpdateRequest, md) => this.update(req, md, 'status')),
      delete: this.unary('Delete', (req: DeleteRequest, md) => this.delete(req, md)),
      bind: this.unary('Bind', (req: BindRequest, md) => this.bind(req, md)),
      watch: (call: ServerWritableStream<WatchRequest, WireWatchEvent>) => {
        void this.watch(call);
      },
    };
  }

  // ---- verbs ---------------------------------------------------------------

  private async create(req: CreateRequest, md: Metadata): Promise<ObjectResponse> {
    const rr = this.resolve(req.resource);
    const ns = this.objectScope(rr, req.namespace, 'create');
    const obj = decode<KubeObject>(rr.kind, req.object);
    describeRequest({ group: rr.group, resource: rr.resource, namespace: ns, name: obj.metadata?.name });
    const created = await rr.store.create(ns, obj, this.writeContext(md, req.dryRun));
    if (!obj.metadata?.name) describeRequest({ group: rr.group, resource: rr.resource, namespace: ns, name: created.metadata?.name });
    return { object: encode(rr.kind, created) };
  }

  private async get(req: GetRequest): Promise<ObjectResponse> {
    const rr = this.resolve(req.resource);
    const ns = this.objectScope(rr, req.namespace, 'get');
    describeRequest({ group: rr.group, resource: rr.resource, namespace: ns, name: req.name });
    const obj = await rr.store.get(ns, requireName(req.name));
    return { object: encode(rr.kind, obj) };
  }

  private async list(req: ListRequest): Promise<ListResponse> {
    const rr = this.resolve(req.resource);
    const ns = this.collectionScope(rr, req.namespace);
    describeRequest({ group: rr.group, resource: rr.resource, namespace: ns });
    const limit = req.limit ?? 0;
    if (limit < 0) throw newBadRequest(`limit must not be negative, got ${limit}`);
    const result = await rr.store.list(ns, {
      labelSelector: req.labelSelector || undefined,
      fieldSelector: req.fieldSelector || undefined,
      limit: limit || undefined,
      continue: req.continue || undefined,
      resourceVersion: req.resourceVersion || undefined,
      resourceVersionMatch: req.resourceVersionMatch || undefined,
    });
    return {
      resourceVersion: result.resourceVersion,
      continue: result.continue ?? '',
      remainingItemCount: result.remainingItemCount,
      items: result.items.map((item) => encode(rr.kind, item)),
    };
  }

  private async update(req: UpdateRequest, md: Metadata, subresource: '' | 'status'): Promise<ObjectResponse> {
    const rr = this.resolve(req.resource);
    if (subresource === 'status' && !rr.info.subresources.includes('status')) {
      throw new StatusError({
        code: 404,
        reason: 'NotFound',
        details: { group: rr.group, kind: `${rr.resource}/status` },
        message: `the server could not find the requested resource: ${rr.resource} has no status subresource`,
      });
    }
    const ns = this.objectScope(rr, req.namespace, subresource ? 'update status' : 'update');
    const obj = decode<KubeObject>(rr.kind, req.object);
    describeRequest({ group: rr.group, resource: rr.resource, namespace: ns, name: obj.metadata?.name }, subresource ? { [ATTR_K8TS_SUBRESOURCE]: subresource } : undefined);
    const updated = await rr.store.update(ns, obj, { ...this.writeContext(md, req.dryRun), subresource });
    return { object: encode(rr.kind, updated) };
  }

  private async delete(req: DeleteRequest, md: Metadata): Promise<ObjectResponse> {
    const rr = this.resolve(req.resource);
    const ns = this.objectScope(rr, req.namespace, 'delete');
    describeRequest({ group: rr.group, resource: rr.resource, namespace: ns, name: req.name });
    const options: DeleteOptions = req.options ?? {};
    const dryRun = (options.dryRun ?? []).includes('All');
    const { object } = await rr.store.delete(ns, requireName(req.name), options, this.writeContext(md, dryRun));
    return { object: encode(rr.kind, object) };
  }

  private async bind(req: BindRequest, md: Metadata): Promise<ObjectResponse> {
    const pods = this.resolve('pods');
    const ns = this.objectScope(pods, req.namespace, 'bind') ?? '';
    const name = requireName(req.name);
    const binding = decode<Binding>('Binding', req.binding);
    describeRequest({ group: '', resource: 'pods', namespace: ns, name }, binding.target?.name ? { [ATTR_K8S_NODE_NAME]: binding.target.name } : undefined);
    const meta = (binding.metadata = { ...binding.metadata });
    if (meta.name && meta.name !== name) {
      throw newBadRequest(`the name of the binding (${meta.name}) does not match the pod name on the request (${name})`);
    }
    if (meta.namespace && meta.namespace !== ns) {
      throw newBadRequest(`the namespace of the binding (${meta.namespace}) does not match the namespace on the request (${ns})`);
    }
    meta.name = name;
    meta.namespace = ns;
    const pod = await this.registry.bind(ns, binding, this.writeContext(md, false));
    return { object: encode(pods.kind, pod) };
  }

  // ---- watch ---------------------------------------------------------------

  private async watch(call: ServerWritableStream<WatchRequest, WireWatchEvent>): Promise<void> {
    const req = call.request;
    let storeWatch: ObjectWatch<KubeObject> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    let wake: (() => void) | undefined;

    const finish = (err?: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      this.watches.delete(close);
      storeWatch?.stop();
      wake?.();
      if (call.cancelled) return;
      if (err === undefined) call.end();
      else call.emit('error', this.toServiceError(err, 'Watch'));
    };
    const close = () => finish();
    this.watches.add(close);
    call.on('cancelled', close);

    try {
      const rr = this.resolve(req.resource);
      const ns = this.collectionScope(rr, req.namespace);
      const w = await rr.store.watch(ns, {
        labelSelector: req.labelSelector || undefined,
        fieldSelector: req.fieldSelector || undefined,
        resourceVersion: req.resourceVersion || undefined,
        allowBookmarks: req.allowBookmarks ?? false,
        sendInitialEvents: req.sendInitialEvents ?? false,
        bookmarkIntervalMs: this.bookmarkIntervalMs,
      });
      storeWatch = w;
      if (finished) {
        w.stop();
        return;
      }
      const timeoutSeconds = req.timeoutSeconds ?? 0;
      if (timeoutSeconds > 0) timer = setTimeout(close, timeoutSeconds * 1000);
      for await (const ev of w) {
        if (finished) break;
        if (!call.write(toWireEvent(rr.kind, ev))) {
          // Respect flow control: wait until the client has taken what we sent.
          await new Promise<void>((resolve) => {
            wake = resolve;
            call.once('drain', resolve);
          });
          wake = undefined;
        }
      }
      finish();
    } catch (err) {
      finish(err);
    }
  }

  // ---- helpers -------------------------------------------------------------

  private unary<Req, Res>(method: string, fn: (req: Req, md: Metadata) => Promise<Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const started = process.hrtime.bigint();
      let result: Promise<Res>;
      try {
        const operation = method === 'UpdateStatus' ? 'update' : method.toLowerCase();
        result = inRequestSpan({ operation, rpcMethod: method, metadata: call.metadata }, () => fn(call.request, call.metadata));
      } catch (err) {
        result = Promise.reject(err);
      }
      result.then(
        (res) => {
          this.observe(method, call.request, started, undefined);
          callback(null, res);
        },
        (err: unknown) => {
          this.observe(method, call.request, started, err);
          callback(this.toServiceError(err, method));
        },
      );
    };
  }

  private resolve(resource: string | undefined): RegisteredResource {
    if (!resource) throw newBadRequest('the resource of the request is missing');
    if (resource.includes('/')) {
      throw newBadRequest(`subresources are not addressed by name on this API (got "${resource}"): use UpdateStatus or Bind`);
    }
    const found = this.registry.find(resource);
    if (!found) {
      throw new StatusError({
        code: 404,
        reason: 'NotFound',
        details: { kind: resource },
        message: `the server could not find the requested resource: resource "${resource}" is not served`,
      });
    }
    return found;
  }

  /** Namespace of a single-object call: required for namespaced resources, forbidden for cluster-scoped ones. */
  private objectScope(rr: RegisteredResource, namespace: string | undefined, verb: string): string | undefined {
    if (rr.store.strategy.namespaced) {
      if (!namespace) throw newBadRequest(`the namespace is required to ${verb} ${rr.resource}, a namespaced resource`);
      return namespace;
    }
    return this.clusterScope(rr, namespace);
  }

  /** Namespace of list/watch: empty means every namespace. */
  private collectionScope(rr: RegisteredResource, namespace: string | undefined): string | undefined {
    if (rr.store.strategy.namespaced) return namespace || undefined;
    return this.clusterScope(rr, namespace);
  }

  private clusterScope(rr: RegisteredResource, namespace: string | undefined): undefined {
    if (namespace) throw newBadRequest(`${rr.resource} is cluster-scoped: the namespace must be empty (got "${namespace}")`);
    return undefined;
  }

  private writeContext(md: Metadata, dryRun: boolean | undefined): WriteContext {
    // The context of the active request span, so that whoever handles the
    // change continues this trace; with tracing off, the caller's (if any).
    const trace = carrierOf() ?? traceFromMetadata(md);
    return { dryRun: dryRun ?? false, ...(trace ? { trace } : {}) };
  }

  /** Maps any error to a gRPC error with the Status in the trailer. Errors without a Status are logged. */
  private toServiceError(err: unknown, method: string): Error & { code: number; details: string; metadata: Metadata } {
    const known = statusOf(err) !== undefined;
    const status = toStatus(err);
    const code = known ? grpcCodeForError(err) : GrpcCode.INTERNAL;
    if (!known) this.logger.error({ err, method }, 'gRPC call failed with an internal error');
    else if (status.code >= 500) this.logger.warn({ method, reason: status.reason, message: status.message }, 'gRPC call failed with a server error');
    const metadata = new Metadata();
    metadata.set(STATUS_TRAILER, Buffer.from(encodeObject('Status', status)));
    return Object.assign(new Error(status.message), { code, details: status.message, metadata });
  }
}

/**
 * The trace context of the caller (W3C headers in the request metadata),
 * stored with the write when the apiserver itself traces nothing (no SDK).
 * Malformed values are dropped.
 */
export function traceFromMetadata(md: Metadata): TraceCarrier | undefined {
  const traceparent = firstString(md, 'traceparent');
  if (!traceparent || !TRACEPARENT.test(traceparent)) return undefined;
  const tracestate = firstString(md, 'tracestate');
  return tracestate && tracestate.length <= MAX_TRACESTATE ? { traceparent, tracestate } : { traceparent };
}

function firstString(md: Metadata, key: string): string | undefined {
  const v = md.get(key)[0];
  return typeof v === 'string' ? v.trim() : undefined;
}

function requireName(name: string | undefined): string {
  if (!name) throw newBadRequest('the name of the object is missing');
  return name;
}

// By kind name, whatever the kind (the typed overloads need a literal kind).
const encodeAny = encodeObject as (kind: string, obj: unknown) => Uint8Array;
const decodeAny = decodeObject as (kind: string, bytes: Uint8Array) => unknown;

function decode<T>(kind: string, bytes: Uint8Array | undefined): T {
  try {
    return decodeAny(kind, bytes ?? new Uint8Array()) as T;
  } catch (err) {
    throw newBadRequest(`the request body is not a valid ${kind}: ${(err as Error).message}`);
  }
}

function encode(kind: string, obj: KubeObject): Buffer {
  return Buffer.from(encodeAny(kind, obj));
}

function toWireEvent(kind: string, ev: ObjectEvent<KubeObject>): WireWatchEvent {
  return {
    type: ev.type,
    object: encode(kind, ev.object),
    resourceVersion: ev.object.metadata?.resourceVersion ?? '',
    traceparent: ev.trace?.traceparent ?? '',
    tracestate: ev.trace?.tracestate ?? '',
  };
}
