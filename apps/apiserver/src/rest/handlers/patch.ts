// PATCH of objects and of their status/scale subresources: the patch module
// computes the new object from the current one (all four patch types and
// server-side apply), this file stores it through the normal update path
// (create for an apply to a missing object), retrying on write conflicts.
import { fromJSONAs, type Scale, toJSON } from '@k8ts/api';
import { isAlreadyExists, isConflict, isNotFound, newBadRequest } from '@k8ts/apimachinery';
import type { KubeObject } from '../../registry/generic/strategy';
import { checkFields, parseFieldValidation } from '../field-validation';
import { applyPatch, newUnsupportedPatchType, patchTypeOf, recordUpdateManagedFields } from '../patch';
import { parseDryRun } from '../query-options';
import { readBody } from '../request-body';
import { isTrue } from '../request-info';
import { writeJSON } from '../responses';
import { objectNamespace, type RestContext, warningHeaders, writeObject } from './context';
import { fieldManagerOf } from './field-manager';

const PATCH_ATTEMPTS = 8;

function decodeAs<T>(kind: string, json: Record<string, unknown>): T {
  try {
    return fromJSONAs(kind as string, json) as T;
  } catch (err) {
    throw newBadRequest(`the patched object could not be decoded: ${(err as Error).message}`);
  }
}

function resourceVersionOf(json: Record<string, unknown> | undefined): string | undefined {
  const meta = json?.metadata as { resourceVersion?: unknown } | undefined;
  return typeof meta?.resourceVersion === 'string' && meta.resourceVersion ? meta.resourceVersion : undefined;
}

export async function handlePatch(ctx: RestContext, subresource: '' | 'status' | 'scale' = ''): Promise<void> {
  const contentType = ctx.req.headers['content-type'] ?? '';
  const patchType = patchTypeOf(contentType);
  if (!patchType) throw newUnsupportedPatchType(contentType);
  const dryRun = parseDryRun(ctx.query);
  const directive = parseFieldValidation(ctx.query.get('fieldValidation'));
  const force = isTrue(ctx.query.get('force'));
  const manager = fieldManagerOf(ctx);
  if (patchType === 'apply' && !ctx.query.get('fieldManager')) throw newBadRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const patch = (await readBody(ctx.req)).toString('utf8');
  const name = ctx.info.name ?? '';
  const ns = objectNamespace(ctx);
  const store = ctx.served.registered.store;
  const scale = subresource === 'scale';
  const kind = scale ? 'Scale' : ctx.served.kind;
  const apiVersion = scale ? 'autoscaling/v1' : ctx.served.group ? `${ctx.served.group}/${ctx.served.version}` : ctx.served.version;
  const resource = ctx.served.resource as 'deployments' | 'replicasets';

  for (let attempt = 1; ; attempt++) {
    let current: Record<string, unknown> | undefined;
    try {
      current = scale ? (toJSON('Scale', await ctx.registry.getScale(resource, ns ?? '', name)) as Record<string, unknown>) : (toJSON(kind as string, await store.get(ns, name)) as Record<string, unknown>);
    } catch (err) {
      if (!(isNotFound(err) && patchType === 'apply' && subresource === '')) throw err;
    }
    const patched = applyPatch({ patchType, kind, apiVersion, current, patch, fieldManager: manager, force, now: ctx.now(), subresource: subresource || undefined });
    ctx.warnings.splice(0, ctx.warnings.length, ...checkFields(directive, scale ? 'autoscaling' : ctx.served.group, 'v1', kind, patched));
    const tracked = patchType === 'apply' ? patched : recordUpdateManagedFields(current, patched, manager, apiVersion, ctx.now(), subresource || undefined);
    const wantedRV = resourceVersionOf(tracked);
    try {
      if (scale) {
        const obj = decodeAs<Scale>('Scale', tracked);
        obj.metadata = { ...obj.metadata, resourceVersion: wantedRV !== resourceVersionOf(current) ? wantedRV : resourceVersionOf(current) };
        const updated = await ctx.registry.updateScale(resource, ns ?? '', name, obj, { dryRun });
        writeJSON(ctx.res, 200, toJSON('Scale', updated), undefined, warningHeaders(ctx));
        return;
      }
      const obj = decodeAs<KubeObject>(kind, tracked);
      obj.metadata = { ...obj.metadata, name };
      if (!current) {
        const created = await store.create(ns, obj, { dryRun });
        writeObject(ctx, 201, created);
        return;
      }
      if (!wantedRV) obj.metadata.resourceVersion = resourceVersionOf(current);
      const updated = await store.update(ns, obj, { dryRun, subresource: subresource === 'status' ? 'status' : '' });
      writeObject(ctx, 200, updated);
      return;
    } catch (err) {
      // A conflict with a write made since our read: patch the newer object,
      // unless the patch itself named the resourceVersion it expected.
      const pinned = wantedRV !== undefined && wantedRV !== resourceVersionOf(current);
      if ((isConflict(err) || (!current && isAlreadyExists(err))) && !pinned && attempt < PATCH_ATTEMPTS) continue;
      throw err;
    }
  }
}
