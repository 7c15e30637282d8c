// The apiserver's HTTP port: /healthz, /livez, /readyz and /metrics; every
// other path goes to the fallback (the Kubernetes REST API). Checks are named so a failing
// one is reported like upstream's verbose output: "[-]nats failed".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiServerMetrics } from './metrics';

export type HealthCheck = () => Promise<boolean> | boolean;

export interface HealthServerOptions {
  host: string;
  port: number;
  metrics: ApiServerMetrics;
  /** Checks for /livez and /healthz. */
  liveness: Record<string, HealthCheck>;
  /** Checks for /readyz (liveness checks are included). */
  readiness: Record<string, HealthCheck>;
  /** Handles every other path; default 404. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  stop(): Promise<void>;
}

async function runChecks(checks: Record<string, HealthCheck>): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of Object.entries(checks)) {
    let passed = false;
    try {
      passed = await check();
    } catch {
      passed = false;
    }
    ok &&= passed;
    lines.push(passed ? `[+]${name} ok` : `[-]${name} failed: reason withheld`);
  }
  return { ok, lines };
}

export async function startHealthServer(opts: HealthServerOptions): Promise<RunningHttpServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const probe = url.pathname.replace(/\/$/, '');
      if (probe === '/healthz' || probe === '/livez' || probe === '/readyz') {
        const checks = probe === '/readyz' ? { ...opts.liveness, ...opts.readiness } : opts.liveness;
        const { ok, lines } = await runChecks(checks);
        const verbose = url.searchParams.has('verbose');
        const name = probe.slice(1);
        const body = verbose ? `${lines.join('\n')}\n${name} check ${ok ? 'passed' : 'failed'}\n` : ok ? 'ok' : `${lines.filter((l) => l.startsWith('[-]')).join('\n')}\n${name} check failed\n`;
        res.writeHead(ok ? 200 : 500, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
        res.end(body);
        return;
      }
      if (probe === '/metrics') {
        res.writeHead(200, { 'content-type': opts.metrics.registry.contentType });
        res.end(await opts.metrics.registry.metrics());
        return;
      }
      if (opts.fallback) {
        opts.fallback(req, res);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found\n');
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
