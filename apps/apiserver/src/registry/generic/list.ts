// List with label/field selectors and limit/continue paging.
//
// Paging: items are ordered by key; the continue token records the list's
// revision and the last key returned. Later pages read current state but
// report the first page's revision, so a watch started from it replays every
// change made while paging (an informer may see a change twice, never miss one).
import { newBadRequest, newResourceExpired, parseFieldSelector, parseSelector, type FieldSelector, type Selector } from '@k8ts/apimachinery';
import type { RawStorage } from '../../storage/interface';
import { keyString } from '../../storage/keys';
import type { KubeObject } from './strategy';
import type { Store } from './store';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: 1;
  rv: number;
  start: string;
}

export interface Filter<T extends KubeObject> {
  matches(obj: T): boolean;
  empty: boolean;
}

/** Parses selectors once; invalid ones and unsupported field labels are BadRequest. */
export function buildFilter<T extends KubeObject>(store: Store<T>, labelSelector?: string, fieldSelector?: string): Filter<T> {
  let labels: Selector | undefined;
  let fields: FieldSelector | undefined;
  try {
    labels = labelSelector ? parseSelector(labelSelector) : undefined;
  } catch (err) {
    throw newBadRequest(`unable to parse requirement: ${(err as Error).message}`);
  }
  try {
    fields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
  } catch (err) {
    throw newBadRequest(`invalid field selector: ${(err as Error).message}`);
  }
  if (fields) {
    const supported = new Set(Object.keys(store.fieldsOf({} as T)));
    for (const r of fields.requirements()) {
      if (!supported.has(r.field)) throw newBadRequest(`field label not supported: ${r.field}`);
    }
  }
  return {
    empty: !labels && !fields,
    matches: (obj: T) =>
      (!labels || labels.matches(obj.metadata?.labels ?? {})) && (!fields || fields.matches(store.fieldsOf(obj))),
  };
}

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 1, rv, start } satisfies ContinueToken)).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 1 || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad token');
    return t;
  } catch {
    throw newBadRequest('continue key is not valid: the continue token is malformed');
  }
}

export async function listObjects<T extends KubeObject>(
  store: Store<T>,
  storage: RawStorage,
  namespace: string | undefined,
  opts: ListOptions,
): Promise<ListResult<T>> {
  const filter = buildFilter(store, opts.labelSelector, opts.fieldSelector);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
  let start = '';
  let tokenRv: number | undefined;
  if (opts.continue) {
    const token = decodeContinue(opts.continue);
    const compacted = await store.wrap(() => storage.compactedRevision());
    if (token.rv < compacted) {
      throw newResourceExpired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    }
    start = token.start;
    tokenRv = token.rv;
  }
  const prefix = store.strategy.namespaced && namespace ? { resource: store.resource, namespace } : { resource: store.resource };
  const listed = await store.wrap(() => storage.list(prefix));
  const revision = tokenRv ?? listed.revision;
  const items: T[] = [];
  let lastKey = '';
  let remaining = 0;
  for (const entry of listed.entries) {
    const k = keyString(entry.key);
    if (start && k <= start) continue;
    const obj = store.decode(entry.value, entry.revision);
    if (!filter.matches(obj)) continue;
    if (limit !== undefined && items.length >= limit) {
      remaining++;
      continue;
    }
    items.push(obj);
    lastKey = k;
  }
  const result: ListResult<T> = { items, resourceVersion: String(revision) };
  if (remaining > 0) {
    result.continue = encodeContinue(revision, lastKey);
    result.remainingItemCount = remaining;
  }
  return result;
}
