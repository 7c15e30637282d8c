// Writing responses: JSON bodies and Status errors in Kubernetes form.
import type { ServerResponse } from 'node:http';
import { statusForWire, statusOf, toStatus, newInternalError } from '@k8ts/apimachinery';
import { JSON_CONTENT_TYPE } from './negotiation';

export function writeJSON(res: ServerResponse, code: number, body: unknown, contentType = JSON_CONTENT_TYPE, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': contentType, 'cache-control': 'no-cache, private', ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The Status body of any thrown value; errors without a Status become 500 InternalError. */
export function errorStatus(err: unknown): ReturnType<typeof toStatus> {
  return statusOf(err) ? toStatus(err) : toStatus(newInternalError(err));
}

export function writeStatusError(res: ServerResponse, err: unknown): number {
  const status = errorStatus(err);
  const headers: Record<string, string> = {};
  const retry = status.details?.retryAfterSeconds;
  if (retry) headers['retry-after'] = String(retry);
  writeJSON(res, status.code, statusForWire(status), JSON_CONTENT_TYPE, headers);
  return status.code;
}

/** A Status Success, as upstream answers a delete of an object that is gone at once. */
export function successStatus(details: { name?: string; group?: string; kind?: string; uid?: string }): Record<string, unknown> {
  const d: Record<string, string> = {};
  for (const [k, v] of Object.entries(details)) if (v) d[k] = v;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: d };
}
