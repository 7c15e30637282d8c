// The health and metrics HTTP server every k8ts component serves:
// /healthz and /livez (liveness), /readyz (readiness), /metrics (Prometheus
// text from a prom-client registry), 404 otherwise; plus an orderly close.
import { createServer, type Server, type ServerResponse } from 'node:http';

export interface HealthChecks {
  /** undefined: healthy; otherwise the failure, answered with 500. */
  healthz?(): string | undefined;
  /** undefined: ready; otherwise why not, answered with 503. */
  readyz?(): string | undefined;
  /** A prom-client Registry (or anything shaped like one). */
  metrics?: { metrics(): Promise<string>; contentType: string };
  /** Liveness paths (default /healthz, /livez). */
  healthPaths?: string[];
  /** Readiness paths (default /readyz). */
  readyPaths?: string[];
}

function text(res: ServerResponse, code: number, body: string): void {
  res.statusCode = code;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(body);
}

async function handle(path: string, res: ServerResponse, checks: HealthChecks): Promise<void> {
  if ((checks.healthPaths ?? ['/healthz', '/livez']).includes(path)) {
    const err = checks.healthz?.();
    return err ? text(res, 500, `${err}\n`) : text(res, 200, 'ok');
  }
  if ((checks.readyPaths ?? ['/readyz']).includes(path)) {
    const why = checks.readyz?.();
    return why ? text(res, 503, `${why}\n`) : text(res, 200, 'ok');
  }
  if (path === '/metrics' && checks.metrics) {
    const body = await checks.metrics.metrics();
    res.setHeader('content-type', checks.metrics.contentType);
    res.end(body);
    return;
  }
  text(res, 404, 'not found\n');
}

/** Listens on host:port (0: a free port); resolves once listening. */
export function listenHealthServer(host: string, port: number, checks: HealthChecks): Promise<Server> {
  const server = createServer((req, res) => {
    void handle((req.url ?? '/').split('?')[0], res, checks).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(err instanceof Error ? err.message : String(err));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Stops listening and drops open (keep-alive) connections; resolves when closed. */
export async function closeHttpServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  const closed = new Promise<void>((r) => server.close(() => r()));
  server.closeAllConnections();
  await closed;
}
