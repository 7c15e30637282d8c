// application/merge-patch+json: RFC 7386. Objects merge key by key, null
// deletes, anything else (lists included) replaces.
import { newBadRequest } from '@k8ts/apimachinery';
import { deepClone, isObject, type JsonObject } from './json-value';

/** Parses a JSON patch body that must be an object (400 otherwise). */
export function parsePatchObject(patch: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(patch);
  } catch (err) {
    throw newBadRequest(`error decoding patch: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw newBadRequest('invalid JSON document: the patch must be a JSON object');
  return parsed;
}

/** RFC 7386 MergePatch(target, patch) without touching either argument. */
export function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatchValue(out[k], v);
  }
  return out;
}

export function applyMergePatch(current: JsonObject, patch: string): JsonObject {
  return mergePatchValue(current, parsePatchObject(patch)) as JsonObject;
}
