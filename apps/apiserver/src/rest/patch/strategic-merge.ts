// application/strategic-merge-patch+json: a merge patch that knows each
// field's patch strategy (schema.ts). Lists with a merge key merge element by
// element; primitive merge lists are unions; other lists are replaced.
// Directives: $patch (replace | delete | merge), $retainKeys,
// $setElementOrder/<field>, $deleteFromPrimitiveList/<field>.
import { newBadRequest, newGenericServerResponse } from '@k8ts/apimachinery';
import { deepClone, deepEqual, isObject, type JsonObject } from './json-value';
import { parsePatchObject } from './merge-patch';
import { elemSchema, fieldSchema, type FieldSchema, type ListSchema, schemaForKind } from './schema';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/** Marks a map the patch deleted (`$patch: delete`). */
const DELETED = Symbol('deleted');

function badPatch(message: string) {
  return newBadRequest(message);
}

function mergeValue(original: unknown, patch: unknown, schema: FieldSchema | undefined): unknown {
  if (isObject(patch)) {
    return mergeMap(isObject(original) ? original : {}, patch, schema);
  }
  if (Array.isArray(patch)) {
    return mergeList(Array.isArray(original) ? original : [], patch, schema);
  }
  return deepClone(patch);
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: FieldSchema | undefined): JsonObject | typeof DELETED {
  const directive = patch[PATCH];
  let result: JsonObject = { ...original };
  if (directive !== undefined) {
    if (directive === 'delete') return DELETED;
    if (directive === 'replace') {
      const { [PATCH]: _drop, ...rest } = patch;
      return mergeMap({}, rest, schema) as JsonObject;
    }
    if (directive !== 'merge') throw badPatch(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain) || !retain.every((k) => typeof k === 'string')) throw badPatch(`invalid patch: ${RETAIN_KEYS} must be a list of strings`);
    const keep = new Set(retain as string[]);
    for (const k of Object.keys(patch)) {
      if (k.startsWith('$') || keep.has(k) || patch[k] === null) continue;
      // Upstream answers 422 for a patch that sets a field its own $retainKeys would drop.
      throw newGenericServerResponse(422, '', { group: '', resource: '' }, '', `doesn't match $retainKeys: ${k} is not in ${JSON.stringify(retain)}`);
    }
    result = Object.fromEntries(Object.entries(result).filter(([k]) => keep.has(k)));
  }
  const orders: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === PATCH || key === RETAIN_KEYS) continue;
    if (key.startsWith(SET_ELEMENT_ORDER)) {
      orders.push([key.slice(SET_ELEMENT_ORDER.length), value]);
      continue;
    }
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      if (!Array.isArray(value)) throw badPatch(`invalid patch: ${key} must be a list`);
      const cur = result[field];
      if (Array.isArray(cur)) result[field] = cur.filter((x) => !value.some((d) => deepEqual(d, x)));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const sub = fieldSchema(schema, key);
    const cur = result[key];
    // Type changes (or a key new to the original) still go through the merge so directives are stripped.
    const base = (isObject(value) && isObject(cur)) || (Array.isArray(value) && Array.isArray(cur)) ? cur : undefined;
    const merged = isObject(value) ? mergeMap(isObject(base) ? base : {}, value, sub) : mergeValue(base, value, sub);
    if (merged === DELETED) delete result[key];
    else result[key] = merged;
  }
  for (const [field, order] of orders) {
    if (!Array.isArray(order)) throw badPatch(`invalid patch: ${SET_ELEMENT_ORDER}${field} must be a list`);
    const cur = result[field];
    if (Array.isArray(cur)) result[field] = applyElementOrder(cur, order, fieldSchema(schema, field), original[field]);
  }
  return result;
}

function isMergeList(schema: FieldSchema | undefined): schema is ListSchema {
  return !!schema && schema.kind === 'list' && !!schema.merge;
}

function mergeList(original: unknown[], patch: unknown[], schema: FieldSchema | undefined): unknown[] {
  if (!isMergeList(schema)) return patch.map((p) => mergeValue(undefined, p, undefined));
  const replaceAt = patch.findIndex((p) => isObject(p) && p[PATCH] === 'replace' && Object.keys(p).length === 1);
  if (replaceAt >= 0) {
    const rest = patch.filter((_, i) => i !== replaceAt);
    return rest.map((p) => mergeValue(undefined, p, elemSchema(schema)));
  }
  if (!schema.mergeKey) {
    // Primitive merge list (finalizers, podCIDRs): union, original order first.
    const out = [...original];
    for (const p of patch) if (!out.some((o) => deepEqual(o, p))) out.push(deepClone(p));
    return out;
  }
  const key = schema.mergeKey;
  const out: unknown[] = [...original];
  for (const p of patch) {
    if (!isObject(p)) throw badPatch(`invalid patch: expected a map in list with merge key ${JSON.stringify(key)}, got ${JSON.stringify(p)}`);
    const directive = p[PATCH];
    if (directive !== undefined && directive !== 'delete' && directive !== 'merge' && directive !== 'replace') {
      throw badPatch(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(p)}`);
    }
    if (!(key in p)) throw badPatch(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const idx = out.findIndex((o) => isObject(o) && deepEqual(o[key], p[key]));
    if (directive === 'delete') {
      if (idx >= 0) {
        for (let i = out.length - 1; i >= 0; i--) {
          const o = out[i];
          if (isObject(o) && deepEqual(o[key], p[key])) out.splice(i, 1);
        }
      }
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx] as JsonObject, p, schema.elem);
      if (merged === DELETED) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      const added = mergeMap({}, p, schema.elem);
      if (added !== DELETED) out.push(added);
    }
  }
  return out;
}

/**
 * Reorders a merged list: items named in `order` (by merge key, or value for
 * primitive lists) come in that order; items only the server has keep their
 * position relative to the original list.
 */
function applyElementOrder(merged: unknown[], order: unknown[], schema: FieldSchema | undefined, original: unknown): unknown[] {
  const key = isMergeList(schema) ? schema.mergeKey : undefined;
  const id = (x: unknown): unknown => (key && isObject(x) ? x[key] : x);
  const orderIds = order.map((o) => id(o));
  const orig = Array.isArray(original) ? original : [];
  const origIndex = (x: unknown) => orig.findIndex((o) => deepEqual(id(o), id(x)));
  const listed = merged.filter((m) => orderIds.some((o) => deepEqual(o, id(m))));
  listed.sort((a, b) => orderIds.findIndex((o) => deepEqual(o, id(a))) - orderIds.findIndex((o) => deepEqual(o, id(b))));
  const serverOnly = merged.filter((m) => !listed.includes(m));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < listed.length && j < serverOnly.length) {
    const a = origIndex(listed[i]);
    const b = origIndex(serverOnly[j]);
    if (a < 0 || a < b) out.push(listed[i++]);
    else out.push(serverOnly[j++]);
  }
  return out.concat(listed.slice(i), serverOnly.slice(j));
}

/** Strategic merge of a parsed patch into `current` (neither is modified). */
export function strategicMerge(current: JsonObject, patch: JsonObject, kind: string): JsonObject {
  const merged = mergeMap(current, patch, schemaForKind(kind));
  return merged === DELETED ? {} : merged;
}

export function applyStrategicMergePatch(current: JsonObject, patch: string, kind: string): JsonObject {
  return strategicMerge(current, parsePatchObject(patch), kind);
}
