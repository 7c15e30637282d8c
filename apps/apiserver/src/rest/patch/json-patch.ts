// application/json-patch+json: RFC 6902 operations, applied with fast-json-patch.
// Like upstream: a body that is not a list of operations is 400 BadRequest, an
// operation that cannot be applied (including a failed `test`) is 422.
import { newBadRequest, newGenericServerResponse, newRequestEntityTooLarge } from '@k8ts/apimachinery';
import { applyPatch as applyOperations, type Operation, validate } from 'fast-json-patch';
import { deepClone, isObject, type JsonObject } from './json-value';

/** Upstream's limit on the number of operations in one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

function parseOperations(patch: string): Operation[] {
  let ops: unknown;
  try {
    ops = JSON.parse(patch);
  } catch (err) {
    throw newBadRequest(`error decoding patch: ${(err as Error).message}`);
  }
  if (!Array.isArray(ops)) throw newBadRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw newRequestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  for (const [i, op] of ops.entries()) {
    if (!isObject(op)) throw newBadRequest(`json: cannot unmarshal ${typeof op} into Go value of type jsonpatch.Operation (operation ${i})`);
  }
  return ops as Operation[];
}

function unprocessable(message: string) {
  return newGenericServerResponse(422, '', { group: '', resource: '' }, '', message);
}

/** Applies RFC 6902 operations to a copy of `current`. */
export function applyJsonPatch(current: JsonObject, patch: string): JsonObject {
  const ops = parseOperations(patch);
  const doc = deepClone(current);
  const invalid = validate(ops, doc);
  if (invalid) {
    // Structural problems with an operation (bad op, missing value) are the client's encoding error.
    if (invalid.name === 'OPERATION_OP_INVALID' || invalid.name === 'OPERATION_VALUE_REQUIRED' || invalid.name === 'OPERATION_PATH_INVALID' || invalid.name === 'OPERATION_FROM_REQUIRED') {
      throw newBadRequest(invalid.message.split('\n')[0]);
    }
    throw unprocessable(invalid.message.split('\n')[0]);
  }
  try {
    const result = applyOperations(doc, ops, false, true).newDocument;
    if (!isObject(result)) throw unprocessable('the patched document is not a JSON object');
    return result;
  } catch (err) {
    if (err instanceof Error && err.name === 'StatusError') throw err;
    throw unprocessable((err as Error).message.split('\n')[0]);
  }
}
