// Query parameters of list, watch, write and delete requests.
import type { DeleteOptions } from '@k8ts/api';
import { newBadRequest } from '@k8ts/apimachinery';
import type { ListOptions } from '../registry/generic/list';
import type { WatchOptions } from '../registry/generic/watch';
import { isTrue } from './request-info';

function nonNegativeInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw newBadRequest(`${name}: invalid value "${v}": must be a non-negative integer`);
  return n;
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw newBadRequest(`${name}: invalid value "${v}": must be an integer`);
  return n;
}

const RV_MATCHES = new Set(['', 'Exact', 'NotOlderThan']);

export function parseListOptions(q: URLSearchParams): ListOptions {
  const rvm = q.get('resourceVersionMatch') ?? '';
  if (!RV_MATCHES.has(rvm)) throw newBadRequest(`resourceVersionMatch: Unsupported value: "${rvm}": supported values: "Exact", "NotOlderThan"`);
  const rv = q.get('resourceVersion') ?? '';
  if (rvm && rv === '') throw newBadRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (rv !== '' && !/^\d+$/.test(rv)) throw newBadRequest(`invalid resource version: ${rv}`);
  return {
    labelSelector: q.get('labelSelector') || undefined,
    fieldSelector: q.get('fieldSelector') || undefined,
    limit: nonNegativeInt(q, 'limit') || undefined,
    continue: q.get('continue') || undefined,
    resourceVersion: rv || undefined,
    resourceVersionMatch: rvm || undefined,
  };
}

export interface RestWatchOptions extends WatchOptions {
  timeoutSeconds?: number;
}

export function parseWatchOptions(q: URLSearchParams): RestWatchOptions {
  const rvm = q.get('resourceVersionMatch') ?? '';
  const sendInitialEvents = q.has('sendInitialEvents') ? isTrue(q.get('sendInitialEvents')) : undefined;
  if (sendInitialEvents !== undefined && rvm !== 'NotOlderThan') {
    throw newBadRequest('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the resourceVersionMatch is set to NotOlderThan');
  }
  if (rvm && rvm !== 'NotOlderThan') throw newBadRequest(`resourceVersionMatch: Forbidden: resourceVersionMatch ${rvm} is forbidden for watch`);
  if (rvm === 'NotOlderThan' && sendInitialEvents === undefined) {
    throw newBadRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  }
  const allowBookmarks = isTrue(q.get('allowWatchBookmarks'));
  if (sendInitialEvents && !allowBookmarks) {
    throw newBadRequest('allowWatchBookmarks: Invalid value: false: sendInitialEvents requires setting allowWatchBookmarks to true');
  }
  const rv = q.get('resourceVersion') ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) throw newBadRequest(`invalid resource version: ${rv}`);
  return {
    labelSelector: q.get('labelSelector') || undefined,
    fieldSelector: q.get('fieldSelector') || undefined,
    resourceVersion: rv || undefined,
    allowBookmarks,
    sendInitialEvents: sendInitialEvents ?? false,
    timeoutSeconds: nonNegativeInt(q, 'timeoutSeconds'),
  };
}

export function parseDryRun(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw newBadRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

/** DeleteOptions from the query, overlaid on those of the body (the query wins, as upstream). */
export function parseDeleteOptions(q: URLSearchParams, fromBody: DeleteOptions | undefined): DeleteOptions {
  const opts: DeleteOptions = { ...(fromBody ?? {}) };
  const grace = int(q, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const policy = q.get('propagationPolicy');
  if (policy) opts.propagationPolicy = policy;
  if (q.has('orphanDependents')) opts.orphanDependents = isTrue(q.get('orphanDependents'));
  if (q.has('dryRun')) opts.dryRun = q.getAll('dryRun');
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw newBadRequest(`propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  for (const v of opts.dryRun ?? []) if (v !== 'All') throw newBadRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return opts;
}
