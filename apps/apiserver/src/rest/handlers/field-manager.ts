// Field managers: the fieldManager query parameter (or the client's
// User-Agent product, as upstream defaults it) and managedFields bookkeeping
// for create and update, through the patch module's field tracking.
import { fromJSONAs, toJSON } from '@k8ts/api';
import { newBadRequest } from '@k8ts/apimachinery';
import type { KubeObject } from '../../registry/generic/strategy';
import { recordUpdateManagedFields } from '../patch';
import type { RestContext } from './context';

const MAX_MANAGER_LENGTH = 128;

export function fieldManagerOf(ctx: RestContext): string {
  const given = ctx.query.get('fieldManager');
  if (given !== null && given !== '') {
    if (given.length > MAX_MANAGER_LENGTH) throw newBadRequest(`fieldManager: Invalid value: must not exceed ${MAX_MANAGER_LENGTH} characters`);
    if (!/^[\x20-\x7e]*$/.test(given)) throw newBadRequest('fieldManager: Invalid value: must only contain printable characters');
    return given;
  }
  const agent = ctx.req.headers['user-agent'] ?? '';
  const product = agent.split('/')[0].trim();
  return (product || 'unknown').slice(0, MAX_MANAGER_LENGTH);
}

/**
 * `next` with metadata.managedFields updated for a create (old undefined) or
 * update by `manager`. Errors in the bookkeeping are logged and leave the
 * object's managedFields as they were: they must never fail a write.
 */
export function withManagedFields<T extends KubeObject>(ctx: RestContext, old: T | undefined, next: T, manager: string, subresource?: string): T {
  const kind = ctx.served.kind as string;
  const apiVersion = ctx.served.group ? `${ctx.served.group}/${ctx.served.version}` : ctx.served.version;
  try {
    const oldJSON = old ? (toJSON(kind, old) as Record<string, unknown>) : undefined;
    const nextJSON = toJSON(kind, next) as Record<string, unknown>;
    const recorded = recordUpdateManagedFields(oldJSON, nextJSON, manager, apiVersion, ctx.now(), subresource) as Record<string, unknown>;
    const withFields = fromJSONAs(kind, recorded) as T;
    return { ...next, metadata: { ...next.metadata, managedFields: withFields.metadata?.managedFields } };
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message, resource: ctx.served.resource }, 'managedFields not recorded');
    return next;
  }
}
