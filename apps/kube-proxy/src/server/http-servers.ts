// kube-proxy's two HTTP servers, as upstream has them:
//  - metrics (default 127.0.0.1:10249): /metrics, /proxyMode ("userspace");
//  - health (default 127.0.0.1:10256): /healthz and /livez answer 200 with
//    {"lastUpdated","currentTime"} while the proxier is healthy, 503 (same
//    body) otherwise.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitHostPort } from '../config';
import type { ProxyMetrics } from './metrics';
import type { ProxierHealth } from './proxier-health';

export const PROXY_MODE = 'userspace';

export interface HttpServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

async function serve(bindAddress: string, handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<HttpServer> {
  const { host, port } = splitHostPort(bindAddress);
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(err instanceof Error ? err.message : String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function text(res: ServerResponse, code: number, body: string): void {
  res.statusCode = code;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(body);
}

export function startMetricsServer(bindAddress: string, metrics: ProxyMetrics): Promise<HttpServer> {
  return serve(bindAddress, async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      const body = await metrics.registry.metrics();
      res.setHeader('content-type', metrics.registry.contentType);
      res.end(body);
      return;
    }
    if (path === '/proxyMode') return text(res, 200, PROXY_MODE);
    text(res, 404, 'not found\n');
  });
}

export function startHealthServer(bindAddress: string, health: ProxierHealth): Promise<HttpServer> {
  return serve(bindAddress, async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/livez') return text(res, 404, 'not found\n');
    const st = health.status();
    res.statusCode = st.healthy ? 200 : 503;
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(
      JSON.stringify({
        lastUpdated: st.lastUpdated?.toISOString() ?? '',
        currentTime: st.currentTime.toISOString(),
        ...(st.reason ? { reason: st.reason } : {}),
      }),
    );
  });
}
