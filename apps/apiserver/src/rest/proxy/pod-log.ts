// pods/log: validates PodLogOptions and streams the kubelet's
// /containerLogs response through. A followed log stays open until the
// client disconnects, which aborts the kubelet request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { type FieldError, invalid, newInvalid } from '@k8ts/apimachinery';
import { statusForKubeletResponse, statusForKubeletUnreachable } from './kubelet-errors';
import { hostPort, type KubeletTarget, kubeletPath, pickQuery } from './kubelet-target';

const LOG_PARAMS = ['follow', 'tailLines', 'previous', 'timestamps', 'sinceSeconds', 'sinceTime', 'limitBytes', 'insecureSkipTLSVerifyBackend', 'stream'];

function intParam(query: URLSearchParams, name: string, min: number, errs: FieldError[]): void {
  const v = query.get(name);
  if (v === null || v === '') return;
  const n = Number(v);
  if (!Number.isInteger(n)) errs.push(invalid(name, v, 'must be an integer'));
  else if (n < min) errs.push(invalid(name, n, `must be greater than ${min === 0 ? 'or equal to 0' : 'or equal to 1'}`));
}

/** 422 Invalid for bad PodLogOptions (as upstream validates them). */
export function validatePodLogOptions(query: URLSearchParams): void {
  const errs: FieldError[] = [];
  intParam(query, 'tailLines', 0, errs);
  intParam(query, 'limitBytes', 1, errs);
  intParam(query, 'sinceSeconds', 1, errs);
  if (query.get('sinceSeconds') && query.get('sinceTime')) errs.push(invalid('sinceSeconds', query.get('sinceSeconds'), 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  if (errs.length > 0) throw newInvalid({ group: '', kind: 'PodLogOptions' }, '', errs);
}

/**
 * Streams the container's log. Throws a StatusError (before anything is
 * written) when the options are invalid or the kubelet refuses; the caller
 * writes it as the response.
 */
export async function proxyPodLog(req: IncomingMessage, res: ServerResponse, target: KubeletTarget, query: URLSearchParams): Promise<void> {
  validatePodLogOptions(query);
  const path = kubeletPath('containerLogs', target, pickQuery(query, LOG_PARAMS));
  const url = `http://${hostPort(target)}${path}`;
  const follow = query.get('follow') === 'true' || query.get('follow') === '1';
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    const upstream = request(url, { method: 'GET', agent: false, headers: { accept: 'text/plain' } }, (kres) => {
      const code = kres.statusCode ?? 500;
      if (code !== 200) {
        let body = '';
        kres.setEncoding('utf8');
        kres.on('data', (c: string) => (body += c.length < 64 * 1024 ? c : ''));
        kres.on('end', () => done(statusForKubeletResponse(code, body, target)));
        kres.on('error', (err) => done(statusForKubeletUnreachable(url, err)));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private', 'x-content-type-options': 'nosniff' });
      if (follow) res.flushHeaders();
      kres.pipe(res);
      kres.on('end', () => done());
      kres.on('error', () => {
        res.end();
        done();
      });
    });
    upstream.on('error', (err) => {
      if (res.headersSent) {
        res.end();
        done();
      } else done(statusForKubeletUnreachable(url, err));
    });
    // The client went away (e.g. Ctrl-C on `kubectl logs -f`): stop reading from the kubelet.
    const onClose = () => {
      if (!res.writableFinished) upstream.destroy();
      done();
    };
    res.once('close', onClose);
    req.once('aborted', onClose);
    if (follow) req.socket.setTimeout(0);
    upstream.end();
  });
}
