// What every resource handler gets: the request, its parsed form, the
// served resource and helpers to encode objects and tables.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toJSON } from '@k8ts/api';
import { newBadRequest, StatusError } from '@k8ts/apimachinery';
import type { Logger } from 'pino';
import type { KubeObject } from '../../registry/generic/strategy';
import type { Registry } from '../../registry/registry';
import { wantsTable } from '../negotiation';
import type { ResourceRequestInfo } from '../request-info';
import { writeJSON } from '../responses';
import type { ServedResource } from '../served-resources';
import { printerFor } from '../tables/printers';
import { buildTable, parseIncludeObject } from '../tables/table';

export interface RestContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  info: ResourceRequestInfo;
  served: ServedResource;
  registry: Registry;
  logger: Logger;
  now: () => Date;
  /** Warnings for the Warning response header. */
  warnings: string[];
}

/** Object JSON of the served kind. */
export function objectJSON(ctx: RestContext, obj: KubeObject): Record<string, unknown> {
  return toJSON(ctx.served.kind as string, obj) as Record<string, unknown>;
}

/** The namespace of a single-object request: required for namespaced resources, absent otherwise. */
export function objectNamespace(ctx: RestContext): string | undefined {
  if (ctx.served.namespaced) {
    if (!ctx.info.namespace) throw newBadRequest(`the namespace of the provided object is missing`);
    return ctx.info.namespace;
  }
  if (ctx.info.namespace) throw notServed();
  return undefined;
}

/** Upstream's answer for a path that names no served resource (e.g. a cluster-scoped resource under /namespaces/). */
export function notServed(): StatusError {
  return new StatusError({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} });
}

/** The namespace of a list/watch: undefined means every namespace. */
export function collectionNamespace(ctx: RestContext): string | undefined {
  if (!ctx.served.namespaced && ctx.info.namespace) throw notServed();
  return ctx.info.namespace;
}

export function warningHeaders(ctx: RestContext): Record<string, string> {
  if (ctx.warnings.length === 0) return {};
  // Several Warning values go in one header, comma-separated (RFC 7234 form).
  return { warning: ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

export function wantsTableFor(ctx: RestContext): boolean {
  return wantsTable(ctx.req.headers.accept);
}

/** Writes one object, as a one-row Table when asked. */
export function writeObject(ctx: RestContext, code: number, obj: KubeObject): void {
  if (wantsTableFor(ctx)) {
    const table = buildTable({
      printer: printerFor(ctx.served.resource, ctx.served.group),
      items: [obj],
      objectJSON: (o) => objectJSON(ctx, o),
      include: parseIncludeObject(ctx.query.get('includeObject')),
      now: ctx.now(),
      resourceVersion: obj.metadata?.resourceVersion,
    });
    writeJSON(ctx.res, code, table, undefined, warningHeaders(ctx));
    return;
  }
  writeJSON(ctx.res, code, objectJSON(ctx, obj), undefined, warningHeaders(ctx));
}
