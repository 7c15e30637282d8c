// application/apply-patch+yaml: server-side apply. The applied configuration
// (YAML or JSON) is merged into the live object per the merge schema, and
// metadata.managedFields records which manager owns which field. A manager's
// fields that it no longer applies are removed unless someone else owns them;
// changing a field another manager owns is a 409 Conflict unless force=true.
import { type StatusCause, CauseTypes, newApplyConflict, newBadRequest } from '@k8ts/apimachinery';
import { parse as parseYaml } from 'yaml';
import { deepClone, deepEqual, isObject, type JsonObject } from './json-value';
import { FieldSet, fieldSetOf, inScope, keyedListProblem, keyElement, type Path, pathString, removeAt, valueAt } from './field-set';
import { type ManagerEntry, metaTime, pruneMissing, readEntries, sameManager, writeEntries } from './managed-fields';
import { elemSchema, fieldSchema, type FieldSchema, schemaForKind } from './schema';

export interface ApplyRequest {
  kind: string;
  apiVersion: string;
  current: JsonObject | undefined;
  patch: string;
  fieldManager?: string;
  force?: boolean;
  now: Date;
  subresource?: string;
}

/** Manager that owns everything on an object that had no managedFields before its first apply. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

const SERVER_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'managedFields']);

export function parseApplyConfig(body: string, kind: string, apiVersion: string): JsonObject {
  let cfg: unknown;
  try {
    cfg = parseYaml(body);
  } catch (err) {
    throw newBadRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  if (!isObject(cfg)) throw newBadRequest('error decoding YAML: the applied configuration must be an object');
  if (cfg['kind'] === undefined || cfg['kind'] === '') throw newBadRequest('invalid object type: /, Kind=');
  if (cfg['apiVersion'] !== apiVersion || cfg['kind'] !== kind) {
    throw newBadRequest(`the apiVersion and kind of the applied configuration (${String(cfg['apiVersion'])}, Kind=${String(cfg['kind'])}) do not match the request (${apiVersion}, Kind=${kind})`);
  }
  const meta = cfg['metadata'];
  if (isObject(meta) && meta['managedFields'] !== undefined) throw newBadRequest('metadata.managedFields must be nil');
  return cfg;
}

/** Merges an applied value into a live one: structs and maps per key, keyed lists per element, sets as unions. */
function mergeApplied(live: unknown, cfg: unknown, schema: FieldSchema | undefined): unknown {
  if (isObject(cfg)) {
    const atomic = (schema?.kind === 'struct' || schema?.kind === 'map') && schema.atomic;
    if (atomic || !isObject(live)) return stripNulls(cfg);
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(cfg)) {
      if (v === null || v === undefined) continue;
      out[k] = mergeApplied(out[k], v, schema?.kind === 'map' ? undefined : fieldSchema(schema, k));
    }
    return out;
  }
  if (Array.isArray(cfg) && schema?.kind === 'list' && schema.listType !== 'atomic' && Array.isArray(live)) {
    const out = [...live];
    for (const item of cfg) {
      if (schema.listType === 'set') {
        if (!out.some((x) => deepEqual(x, item))) out.push(deepClone(item));
        continue;
      }
      if (!isObject(item)) continue;
      const key = keyElement(item, schema.keys ?? []);
      const idx = out.findIndex((x) => isObject(x) && keyElement(x, schema.keys ?? []) === key);
      if (idx >= 0) out[idx] = mergeApplied(out[idx], item, elemSchema(schema));
      else out.push(stripNulls(item));
    }
    return out;
  }
  return stripNulls(cfg);
}

function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = stripNulls(x);
  return out;
}

interface Conflict {
  entry: ManagerEntry;
  path: Path;
}

/** Upstream's description of a manager in conflict messages. */
function printManager(e: ManagerEntry): string {
  let out = JSON.stringify(e.manager);
  if (e.subresource) out += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') out += e.time ? ` using ${e.apiVersion} at ${e.time}` : ` using ${e.apiVersion}`;
  return out;
}

function conflictError(conflicts: Conflict[]): Error {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: CauseTypes.FieldManagerConflict,
    message: `conflict with ${printManager(c.entry)}`,
    field: pathString(c.path),
  }));
  if (conflicts.length === 1) {
    const c = conflicts[0];
    return newApplyConflict(causes, `Apply failed with 1 conflict: conflict with ${printManager(c.entry)}: ${pathString(c.path)}`);
  }
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const k = printManager(c.entry);
    byManager.set(k, [...(byManager.get(k) ?? []), c]);
  }
  const text = [...byManager.keys()]
    .sort()
    .map((k) => [`conflicts with ${k}:`, ...(byManager.get(k) ?? []).map((c) => `- ${pathString(c.path)}`)].join('\n'))
    .join('\n');
  return newApplyConflict(causes, `Apply failed with ${conflicts.length} conflicts: ${text}`);
}

/** Server-side apply of `req.patch`; returns the resulting object with managedFields. */
export function serverSideApply(req: ApplyRequest): JsonObject {
  const manager = req.fieldManager ?? '';
  if (!manager) throw newBadRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
  const cfg = parseApplyConfig(req.patch, req.kind, req.apiVersion);
  const schema = schemaForKind(req.kind);
  const problem = keyedListProblem(cfg, schema);
  if (problem) throw newBadRequest(`failed to create typed patch object (${req.apiVersion}, Kind=${req.kind}): ${problem}`);
  const applied = fieldSetOf(cfg, schema, req.subresource);
  const own = (set: FieldSet): ManagerEntry => ({ manager, operation: 'Apply', apiVersion: req.apiVersion, time: metaTime(req.now), subresource: req.subresource, set });

  if (!req.current) {
    const created = stripNulls(cfg) as JsonObject;
    writeEntries(created, [own(applied)]);
    return created;
  }

  const live = req.current;
  let entries = readEntries(live);
  if (entries.length === 0) {
    entries = [{ manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: req.apiVersion, set: fieldSetOf(live, schema, req.subresource) }];
  }
  const previous = entries.find((e) => sameManager(e, manager, 'Apply', req.subresource));
  let others = entries.filter((e) => e !== previous);

  // Conflicts: fields this configuration sets to a different value than the live one, owned by someone else.
  const conflicts: Conflict[] = [];
  for (const e of others) {
    for (const p of e.set.intersection(applied).paths()) {
      // List elements themselves are shared by key; only their fields carry values.
      if (!p[p.length - 1].startsWith('f:')) continue;
      if (!deepEqual(valueAt(live, p), valueAt(cfg, p))) conflicts.push({ entry: e, path: p });
    }
  }
  if (conflicts.length > 0) {
    if (!req.force) throw conflictError(conflicts);
    const taken = FieldSet.of(conflicts.map((c) => c.path));
    others = others.map((e) => ({ ...e, set: e.set.difference(taken) }));
  }

  const merged = deepClone(live);
  for (const [k, v] of Object.entries(cfg)) {
    if (k === 'apiVersion' || k === 'kind' || v === null || !inScope(k, req.subresource)) continue;
    if (k === 'metadata' && isObject(v)) {
      const meta = (isObject(merged['metadata']) ? merged['metadata'] : (merged['metadata'] = {})) as JsonObject;
      for (const [mk, mv] of Object.entries(v)) {
        if (SERVER_META.has(mk) || mv === null) continue;
        meta[mk] = mergeApplied(meta[mk], mv, fieldSchema(fieldSchema(schema, 'metadata'), mk));
      }
      continue;
    }
    merged[k] = mergeApplied(merged[k], v, fieldSchema(schema, k));
  }

  // Fields this manager applied before and no longer does: removed unless someone else still owns them.
  const othersOwn = others.reduce((acc, e) => acc.union(e.set), new FieldSet());
  const dropped = (previous?.set ?? new FieldSet()).difference(applied).paths();
  // Outermost first: a keyed element is found by its key fields, so it must go before they do.
  dropped.sort((a, b) => a.length - b.length);
  for (const p of dropped) {
    if (othersOwn.hasPrefix(p) || applied.hasPrefix(p)) continue;
    removeAt(merged, p);
  }

  const next = [...others.map((e) => ({ ...e, set: pruneMissing(e.set, merged) })), own(applied)];
  if (previous && previous.set.size > 0 && deepEqual(previous.set.toFieldsV1(), applied.toFieldsV1())) next[next.length - 1].time = previous.time ?? metaTime(req.now);
  writeEntries(merged, next);
  return merged;
}
