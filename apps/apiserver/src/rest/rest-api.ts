// The Kubernetes REST API on the apiserver's HTTP port: discovery, version,
// OpenAPI v3 and the resource paths, over the same Registry the gRPC API
// uses. Every error leaves as a Status object.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { newMethodNotSupported, StatusError } from '@k8ts/apimachinery';
import type { Logger } from 'pino';
import type { Registry } from '../registry/registry';
import { aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery';
import type { RestContext } from './handlers/context';
import { handleCreate, handleDelete, handleDeleteCollection, handleGet, handleList, handleUpdate } from './handlers/crud';
import { handlePatch } from './handlers/patch';
import { handleSubresource } from './handlers/subresources';
import { handleWatch } from './handlers/watch';
import { AGGREGATED_DISCOVERY_V2, wantsAggregatedDiscovery } from './negotiation';
import { openApiDocuments, openApiIndex, type OpenApiDocument } from './openapi/openapi-v3';
import { kubeletPodConnections, type PodConnections } from './pod-connections';
import { parseRequestInfo, type ResourceRequestInfo } from './request-info';
import { inRestSpan } from './request-span';
import { writeJSON, writeStatusError } from './responses';
import { type ServedResource, servedResources } from './served-resources';

export interface RestApiOptions {
  registry: Registry;
  logger: Logger;
  /** host:port clients reach this server at (APIVersions.serverAddressByClientCIDRs). */
  serverAddress: string;
  now?: () => Date;
  /** Bookmark interval of watches that allow bookmarks (store default 60 s). */
  bookmarkIntervalMs?: number;
  /** Called once per finished request (not for watches), e.g. for metrics. */
  onRequest?: (verb: string, resource: string, code: number, seconds: number) => void;
  /** pods/log and pods/exec; default: through the kubelet proxy. */
  podConnections?: PodConnections;
}

function notFound(): StatusError {
  return new StatusError({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} });
}

export class RestApi {
  private readonly resources: ServedResource[];
  private readonly openapi: Map<string, OpenApiDocument>;
  private readonly watches = new Set<() => void>();
  private readonly now: () => Date;
  private readonly pods: PodConnections;

  constructor(private readonly opts: RestApiOptions) {
    this.resources = servedResources(opts.registry);
    this.openapi = openApiDocuments(this.resources);
    this.now = opts.now ?? (() => new Date());
    this.pods = opts.podConnections ?? kubeletPodConnections;
  }

  /** Number of watch streams open. */
  get openWatches(): number {
    return this.watches.size;
  }

  /** Ends every open watch stream (first step of a graceful shutdown). */
  closeWatches(): void {
    for (const close of [...this.watches]) close();
  }

  /** The request handler (mount as the HTTP server's fallback). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    let verb = (req.method ?? 'GET').toLowerCase();
    let resource = '';
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
      if (info.kind === 'nonresource') {
        this.nonResource(req, res, url.pathname.replace(/\/+$/, '') || '/');
        return;
      }
      verb = info.verb;
      resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
      if (info.verb === 'watch') await this.resourceRequest(req, res, url.searchParams, info);
      else await inRestSpan(req, res, info, () => this.resourceRequest(req, res, url.searchParams, info));
    })()
      .catch((err: unknown) => {
        if (!(err instanceof StatusError)) this.opts.logger.error({ err, method: req.method, url: req.url }, 'REST request failed with an internal error');
        // Drain what is left of the body so the connection stays usable.
        req.resume();
        return writeStatusError(res, err);
      })
      .finally(() => {
        if (verb !== 'watch') this.opts.onRequest?.(verb, resource || 'nonresource', res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      });
  }

  /** HTTP upgrades: pods/exec (WebSocket); anything else is refused. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    const refuse = (code: number, message: string) => {
      socket.end(`HTTP/1.1 ${code} ${code === 404 ? 'Not Found' : 'Bad Request'}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${message}\n`);
    };
    if (info.kind !== 'resource' || info.resource !== 'pods' || !info.name || info.subresource !== 'exec' || info.group !== '') {
      refuse(404, 'the server could not find the requested resource');
      return;
    }
    this.pods.exec(this.opts.registry, info, url.searchParams, req, socket, head).catch((err: unknown) => {
      this.opts.logger.warn({ err: (err as Error).message, url: req.url }, 'pods/exec failed');
      socket.destroy();
    });
  }

  private nonResource(req: IncomingMessage, res: ServerResponse, path: string): void {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') throw new StatusError({ code: 405, reason: 'MethodNotAllowed', message: `the server does not allow this method on the requested resource` });
    const accept = req.headers.accept;
    if (path === '/version') return writeJSON(res, 200, versionInfo());
    if (path === '/api') {
      if (wantsAggregatedDiscovery(accept)) return writeJSON(res, 200, aggregatedDiscovery(this.resources, true), AGGREGATED_DISCOVERY_V2, { vary: 'Accept' });
      return writeJSON(res, 200, apiVersions(this.opts.serverAddress), undefined, { vary: 'Accept' });
    }
    if (path === '/apis') {
      if (wantsAggregatedDiscovery(accept)) return writeJSON(res, 200, aggregatedDiscovery(this.resources, false), AGGREGATED_DISCOVERY_V2, { vary: 'Accept' });
      return writeJSON(res, 200, apiGroupList(this.resources), undefined, { vary: 'Accept' });
    }
    if (path === '/openapi/v3') return writeJSON(res, 200, openApiIndex(this.openapi));
    if (path.startsWith('/openapi/v3/')) {
      const doc = this.openapi.get(path.slice('/openapi/v3/'.length));
      if (!doc) throw notFound();
      res.writeHead(200, { 'content-type': 'application/json', etag: `"${doc.hash}"`, 'cache-control': 'public, immutable', 'content-length': Buffer.byteLength(doc.body) });
      res.end(doc.body);
      return;
    }
    const parts = path.split('/').filter((p) => p);
    if (parts[0] === 'api' && parts.length === 2) {
      const list = apiResourceList(this.resources, '', parts[1]);
      if (list) return writeJSON(res, 200, list);
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const group = apiGroupDocument(this.resources, parts[1]);
      if (group) return writeJSON(res, 200, group);
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const list = apiResourceList(this.resources, parts[1], parts[2]);
      if (list) return writeJSON(res, 200, list);
    }
    throw notFound();
  }

  private async resourceRequest(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, info: ResourceRequestInfo): Promise<void> {
    const served = this.resources.find((r) => r.group === info.group && r.version === info.version && r.resource === info.resource);
    if (!served) throw notFound();
    const ctx: RestContext = { req, res, query, info, served, registry: this.opts.registry, logger: this.opts.logger, now: this.now, warnings: [] };
    if (info.subresource === 'log') return this.pods.log(ctx);
    if (info.subresource === 'exec' || info.subresource === 'portforward' || info.subresource === 'attach') {
      throw new StatusError({ code: 400, reason: 'BadRequest', message: `Upgrade request required` });
    }
    if (info.subresource) {
      if (!info.name) throw notFound();
      return handleSubresource(ctx);
    }
    const unsupported = () => newMethodNotSupported({ group: served.group, resource: served.resource }, info.verb);
    switch (info.verb) {
      case 'get':
        return handleGet(ctx);
      case 'list':
        return handleList(ctx);
      case 'watch':
        return handleWatch(ctx, this.watches, this.opts.bookmarkIntervalMs);
      case 'create':
        if (info.name) throw unsupported();
        return handleCreate(ctx);
      case 'update':
        if (!info.name) throw unsupported();
        return handleUpdate(ctx);
      case 'patch':
        if (!info.name) throw unsupported();
        return handlePatch(ctx);
      case 'delete':
        return handleDelete(ctx);
      case 'deletecollection':
        if (!served.verbs.includes('deletecollection')) throw unsupported();
        return handleDeleteCollection(ctx);
      default:
        throw unsupported();
    }
  }
}
