// Subresources: */status (get, update; patch in patch.ts), deployments|
// replicasets/scale (autoscaling/v1 Scale), pods/binding, and the pod
// connections (log, exec) that go to the pod's kubelet.
import type { Binding, Scale } from '@k8ts/api';
import { toJSON } from '@k8ts/api';
import { newBadRequest, newMethodNotSupported, StatusError } from '@k8ts/apimachinery';
import { checkFields, parseFieldValidation } from '../field-validation';
import { parseDryRun } from '../query-options';
import { decodeBody, readBody } from '../request-body';
import { successStatus, writeJSON } from '../responses';
import { objectNamespace, type RestContext, warningHeaders } from './context';
import { handleGet, handleUpdate } from './crud';
import { handlePatch } from './patch';

function notFoundSubresource(ctx: RestContext): StatusError {
  return new StatusError({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: { group: ctx.served.group, kind: `${ctx.served.resource}/${ctx.info.subresource}` } });
}

function methodNotAllowed(ctx: RestContext): StatusError {
  const err = newMethodNotSupported({ group: ctx.served.group, resource: `${ctx.served.resource}/${ctx.info.subresource}` }, ctx.req.method?.toLowerCase() ?? '');
  return err;
}

export async function handleSubresource(ctx: RestContext): Promise<void> {
  const sub = ctx.info.subresource ?? '';
  const served = ctx.served.subresources.find((s) => s.name === sub);
  if (!served) throw notFoundSubresource(ctx);
  const method = (ctx.req.method ?? 'GET').toUpperCase();
  switch (sub) {
    case 'status':
      if (method === 'GET') return handleGet(ctx);
      if (method === 'PUT') return handleUpdate(ctx, 'status');
      if (method === 'PATCH') return handlePatch(ctx, 'status');
      throw methodNotAllowed(ctx);
    case 'scale':
      if (method === 'GET') return getScale(ctx);
      if (method === 'PUT') return putScale(ctx);
      if (method === 'PATCH') return handlePatch(ctx, 'scale');
      throw methodNotAllowed(ctx);
    case 'binding':
      if (method === 'POST') return bind(ctx);
      throw methodNotAllowed(ctx);
    default:
      throw methodNotAllowed(ctx);
  }
}

function scaleResource(ctx: RestContext): 'deployments' | 'replicasets' {
  return ctx.served.resource as 'deployments' | 'replicasets';
}

async function getScale(ctx: RestContext): Promise<void> {
  const scale = await ctx.registry.getScale(scaleResource(ctx), objectNamespace(ctx) ?? '', ctx.info.name ?? '');
  writeJSON(ctx.res, 200, toJSON('Scale', scale));
}

async function putScale(ctx: RestContext): Promise<void> {
  const dryRun = parseDryRun(ctx.query);
  const directive = parseFieldValidation(ctx.query.get('fieldValidation'));
  const decoded = decodeBody<Scale>(ctx.req.headers['content-type'], await readBody(ctx.req), 'Scale', 'autoscaling/v1');
  if (decoded.textual) ctx.warnings.push(...checkFields(directive, 'autoscaling', 'v1', 'Scale', decoded.json));
  const updated = await ctx.registry.updateScale(scaleResource(ctx), objectNamespace(ctx) ?? '', ctx.info.name ?? '', decoded.object, { dryRun });
  writeJSON(ctx.res, 200, toJSON('Scale', updated), undefined, warningHeaders(ctx));
}

async function bind(ctx: RestContext): Promise<void> {
  const ns = objectNamespace(ctx) ?? '';
  const name = ctx.info.name ?? '';
  const dryRun = parseDryRun(ctx.query);
  const binding = decodeBody<Binding>(ctx.req.headers['content-type'], await readBody(ctx.req), 'Binding', 'v1').object;
  const meta = (binding.metadata = { ...binding.metadata });
  if (meta.name && meta.name !== name) throw newBadRequest(`the name of the binding (${meta.name}) does not match the pod name on the request (${name})`);
  if (meta.namespace && meta.namespace !== ns) throw newBadRequest(`the namespace of the binding (${meta.namespace}) does not match the namespace on the request (${ns})`);
  meta.name = name;
  meta.namespace = ns;
  await ctx.registry.bind(ns, binding, { dryRun });
  writeJSON(ctx.res, 201, { ...successStatus({}), code: 201 });
}
