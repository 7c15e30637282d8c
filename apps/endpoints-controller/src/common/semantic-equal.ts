// Deep equality for API objects as read back from the apiserver: absent,
// null, "", empty arrays and objects holding only unset values are all
// "unset" (protobuf and Go's omitempty JSON do not keep the difference), so
// an object we wrote compares equal to what the cache later returns. Label
// maps are compared with labelsEqual instead: there "" is a real value.

function isUnset(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object' && !(v instanceof Uint8Array)) return Object.values(v).every(isUnset);
  return false;
}

/**
 * Deep equality of plain API data where unset values (undefined, null, '',
 * [], objects of unset values) are equal to each other. Keys listed in `ignoreKeys` are skipped at
 * every depth (e.g. `resourceVersion` inside targetRefs). Array order
 * matters.
 */
export function semanticallyEqual(a: unknown, b: unknown, ignoreKeys: ReadonlySet<string> = NO_KEYS): boolean {
  if (isUnset(a) || isUnset(b)) return isUnset(a) && isUnset(b);
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    return a.every((v, i) => semanticallyEqual(v, b[i], ignoreKeys));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
    if (ignoreKeys.has(k)) continue;
    if (!semanticallyEqual(ao[k], bo[k], ignoreKeys)) return false;
  }
  return true;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** Keys ignored when comparing endpoint lists: a pod's resourceVersion in targetRef changes on every pod write. */
export const IGNORE_RESOURCE_VERSION: ReadonlySet<string> = new Set(['resourceVersion']);
