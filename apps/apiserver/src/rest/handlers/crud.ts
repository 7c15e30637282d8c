// get, list, create, update (PUT), delete and deletecollection.
import type { DeleteOptions } from '@k8ts/api';
import { toJSON } from '@k8ts/api';
import { isNotFound, newAlreadyExists, newBadRequest } from '@k8ts/apimachinery';
import type { KubeObject } from '../../registry/generic/strategy';
import { checkFields, parseFieldValidation } from '../field-validation';
import { parseDeleteOptions, parseDryRun, parseListOptions } from '../query-options';
import { decodeBody, readBody } from '../request-body';
import { successStatus, writeJSON } from '../responses';
import { printerFor } from '../tables/printers';
import { buildTable, parseIncludeObject } from '../tables/table';
import { collectionNamespace, objectJSON, objectNamespace, type RestContext, warningHeaders, wantsTableFor, writeObject } from './context';
import { fieldManagerOf, withManagedFields } from './field-manager';

function apiVersionOf(ctx: RestContext): string {
  return ctx.served.group ? `${ctx.served.group}/${ctx.served.version}` : ctx.served.version;
}

function requireName(ctx: RestContext): string {
  const name = ctx.info.name;
  if (!name) throw newBadRequest('the name of the object is missing from the request');
  return name;
}

export async function handleGet(ctx: RestContext): Promise<void> {
  const obj = await ctx.served.registered.store.get(objectNamespace(ctx), requireName(ctx));
  writeObject(ctx, 200, obj);
}

export async function handleList(ctx: RestContext): Promise<void> {
  const opts = parseListOptions(ctx.query);
  const result = await ctx.served.registered.store.list(collectionNamespace(ctx), opts);
  if (wantsTableFor(ctx)) {
    const table = buildTable({
      printer: printerFor(ctx.served.resource, ctx.served.group),
      items: result.items,
      objectJSON: (obj) => objectJSON(ctx, obj),
      include: parseIncludeObject(ctx.query.get('includeObject')),
      now: ctx.now(),
      resourceVersion: result.resourceVersion,
      continueToken: result.continue,
      remainingItemCount: result.remainingItemCount,
    });
    writeJSON(ctx.res, 200, table);
    return;
  }
  const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) metadata.continue = result.continue;
  if (result.remainingItemCount) metadata.remainingItemCount = result.remainingItemCount;
  const listKind = `${ctx.served.kind}List`;
  writeJSON(ctx.res, 200, toJSON(listKind as string, { metadata, items: result.items }));
}

/** Reads a body of the served kind, applying the fieldValidation directive. */
async function readObject(ctx: RestContext): Promise<KubeObject> {
  const directive = parseFieldValidation(ctx.query.get('fieldValidation'));
  const body = await readBody(ctx.req);
  const decoded = decodeBody<KubeObject>(ctx.req.headers['content-type'], body, ctx.served.kind, apiVersionOf(ctx));
  if (decoded.textual) ctx.warnings.push(...checkFields(directive, ctx.served.group, ctx.served.version, ctx.served.kind, decoded.json));
  return decoded.object;
}

export async function handleCreate(ctx: RestContext): Promise<void> {
  const dryRun = parseDryRun(ctx.query);
  const manager = fieldManagerOf(ctx);
  const input = await readObject(ctx);
  const ns = objectNamespace(ctx);
  const store = ctx.served.registered.store;
  // A dry run never reaches storage, so look for an existing object the way the write would.
  if (dryRun && input.metadata?.name) await assertAbsent(ctx, ns, input.metadata.name);
  const created = await store.create(ns, withManagedFields(ctx, undefined, input, manager), { dryRun });
  writeObject(ctx, 201, created);
}

async function assertAbsent(ctx: RestContext, ns: string | undefined, name: string): Promise<void> {
  try {
    await ctx.served.registered.store.get(ns, name);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  throw newAlreadyExists({ group: ctx.served.group, resource: ctx.served.resource }, name);
}

export async function handleUpdate(ctx: RestContext, subresource: '' | 'status' = ''): Promise<void> {
  const dryRun = parseDryRun(ctx.query);
  const manager = fieldManagerOf(ctx);
  const name = requireName(ctx);
  const input = await readObject(ctx);
  const given = input.metadata?.name;
  if (given && given !== name) throw newBadRequest(`the name of the object (${given}) does not match the name on the URL (${name})`);
  input.metadata = { ...input.metadata, name };
  const ns = objectNamespace(ctx);
  const store = ctx.served.registered.store;
  const current = await store.get(ns, name);
  const updated = await store.update(ns, withManagedFields(ctx, current, input, manager, subresource || undefined), { dryRun, subresource });
  writeObject(ctx, 200, updated);
}

async function readDeleteOptions(ctx: RestContext): Promise<DeleteOptions> {
  const body = await readBody(ctx.req);
  let fromBody: DeleteOptions | undefined;
  if (body.length > 0) fromBody = decodeBody<DeleteOptions>(ctx.req.headers['content-type'], body, 'DeleteOptions', 'meta.k8s.io/v1').object;
  return parseDeleteOptions(ctx.query, fromBody);
}

export async function handleDelete(ctx: RestContext): Promise<void> {
  const options = await readDeleteOptions(ctx);
  const name = requireName(ctx);
  const dryRun = (options.dryRun ?? []).includes('All');
  const { object, deleted } = await ctx.served.registered.store.delete(objectNamespace(ctx), name, options, { dryRun });
  if (deleted) {
    const details = { name, group: ctx.served.group, kind: ctx.served.resource, uid: object.metadata?.uid };
    writeJSON(ctx.res, 200, successStatus(details));
    return;
  }
  // A delete that is still pending (grace period, finalizers) answers the object.
  writeObject(ctx, options.orphanDependents === false ? 202 : 200, object);
}

export async function handleDeleteCollection(ctx: RestContext): Promise<void> {
  const options = await readDeleteOptions(ctx);
  const listOpts = parseListOptions(ctx.query);
  const dryRun = (options.dryRun ?? []).includes('All');
  const ns = collectionNamespace(ctx);
  const store = ctx.served.registered.store;
  const listed = await store.list(ns, { labelSelector: listOpts.labelSelector, fieldSelector: listOpts.fieldSelector });
  const items: KubeObject[] = [];
  for (const obj of listed.items) {
    try {
      const { object } = await store.delete(obj.metadata?.namespace, obj.metadata?.name ?? '', options, { dryRun });
      items.push(object);
    } catch (err) {
      // Gone in the meantime: nothing left to delete.
      if ((err as { status?: { reason?: string } }).status?.reason !== 'NotFound') throw err;
    }
  }
  const listKind = `${ctx.served.kind}List`;
  writeJSON(ctx.res, 200, toJSON(listKind as string, { metadata: { resourceVersion: listed.resourceVersion }, items }), undefined, warningHeaders(ctx));
}
