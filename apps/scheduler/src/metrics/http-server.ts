// The scheduler's HTTP port (10259 by default, like kube-scheduler's secure
// port): /healthz, /livez and /readyz (200 "ok" or 500 with the failing
// check, "?verbose" lists every check as upstream does), and /metrics.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export const DEFAULT_SCHEDULER_HTTP_PORT = 10259;

export type SchedulerHealthCheck = () => boolean | Promise<boolean>;

export interface SchedulerHttpOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  registry: Registry;
  /** Liveness: /healthz and /livez (and part of /readyz). */
  healthy: SchedulerHealthCheck;
  /** Extra readiness for /readyz (informers synced, leader elected…); default: none. */
  ready?: SchedulerHealthCheck;
}

export interface SchedulerHttpServer {
  readonly server: Server;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  stop(): Promise<void>;
}

async function passes(check: SchedulerHealthCheck | undefined): Promise<boolean> {
  if (!check) return true;
  try {
    return (await check()) === true;
  } catch {
    return false;
  }
}

async function handle(opts: SchedulerHttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' });
    res.end('method not allowed\n');
    return;
  }
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    const name = path.slice(1);
    const checks: Array<[string, SchedulerHealthCheck | undefined]> = [['ping', () => true], ['scheduler', opts.healthy]];
    if (path === '/readyz' && opts.ready) checks.push(['sched-handler-sync', opts.ready]);
    const lines: string[] = [];
    let ok = true;
    for (const [check, fn] of checks) {
      const passed = await passes(fn);
      ok &&= passed;
      lines.push(passed ? `[+]${check} ok` : `[-]${check} failed: reason withheld`);
    }
    const verbose = url.searchParams.has('verbose');
    const body = verbose
      ? `${lines.join('\n')}\n${name} check ${ok ? 'passed' : 'failed'}\n`
      : ok
        ? 'ok'
        : `${lines.filter((l) => l.startsWith('[-]')).join('\n')}\n${name} check failed\n`;
    res.writeHead(ok ? 200 : 500, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache, private', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (path === '/metrics') {
    const text = await opts.registry.metrics();
    res.writeHead(200, { 'content-type': opts.registry.contentType });
    res.end(req.method === 'HEAD' ? undefined : text);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('404 page not found\n');
}

/** Starts the health and metrics server; resolves once it listens. */
export async function startSchedulerHttp(opts: SchedulerHttpOptions): Promise<SchedulerHttpServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(opts, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port,
    url: `http://${urlHost}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
