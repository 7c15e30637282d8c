// The built-in image k8ts/echo: a small HTTP server that tells who answered
// (pod, namespace, IP, node), with knobs to demo Kubernetes behaviour:
// readiness toggling, crashes with an exit code, slow responses, files
// written by a sidecar into a shared emptyDir, and graceful SIGTERM.
//
// Every request continues the caller's W3C trace (a SERVER span "echo GET")
// and logs one line: METHOD path status ms.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createReadStream, promises as fsp } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isAbsolute, relative, resolve } from 'node:path';

export interface EchoOptions {
  host: string;
  port: number;
  /** Directory served under /files/. */
  filesDir: string;
  /** Identity reported in responses (normally from the downward-API env). */
  pod: string;
  namespace: string;
  ip: string;
  node: string;
  /** Where request lines go (default: stdout). */
  log?: (line: string) => void;
  /** Called by POST /crash after the response went out (default: process.exit). */
  exit?: (code: number) => void;
}

export interface EchoServer {
  readonly server: Server;
  readonly port: number;
  /** Stops accepting, waits for in-flight requests (at most `timeoutMs`); true if they all finished. */
  drain(timeoutMs?: number): Promise<boolean>;
}

const tracer = trace.getTracer('k8ts-echo');

export async function startEchoServer(opts: EchoOptions): Promise<EchoServer> {
  const log = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let ready = true;
  let draining = false;
  let inFlight = 0;
  const idleWaiters: Array<() => void> = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://echo.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const send = (status: number, body: string | object, contentType?: string) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n';
      res.writeHead(status, { 'content-type': contentType ?? (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json') });
      res.end(text);
    };

    if (path === '/healthz' && method === 'GET') {
      if (ready) send(200, 'ok\n');
      else send(503, 'readiness failed\n');
      return;
    }
    if (path === '/fail-readiness' && method === 'POST') {
      ready = false;
      send(200, 'readiness failed\n');
      return;
    }
    if (path === '/recover' && method === 'POST') {
      ready = true;
      send(200, 'recovered\n');
      return;
    }
    if (path === '/crash' && method === 'POST') {
      const raw = url.searchParams.get('code');
      const code = raw === null || raw === '' ? 1 : Number(raw);
      if (!Number.isInteger(code) || code < 0 || code > 255) {
        send(400, `invalid exit code ${JSON.stringify(raw)}\n`);
        return;
      }
      res.once('finish', () => {
        log(`crashing with exit code ${code}`);
        setImmediate(() => exit(code));
      });
      send(200, `crashing with exit code ${code}\n`);
      return;
    }
    if (path === '/sleep') {
      const ms = Number(url.searchParams.get('ms') ?? '1000');
      if (!Number.isFinite(ms) || ms < 0) {
        send(400, 'invalid ms\n');
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(ms, 600_000)));
      send(200, `slept ${ms}ms\n`);
      return;
    }
    if (path.startsWith('/files/') && method === 'GET') {
      const name = decodeURIComponent(path.slice('/files/'.length));
      const root = resolve(opts.filesDir);
      const file = resolve(root, name);
      const rel = relative(root, file);
      if (!name || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
        send(400, 'invalid file name\n');
        return;
      }
      let st;
      try {
        st = await fsp.stat(file);
      } catch {
        send(404, `file ${name} not found\n`);
        return;
      }
      if (!st.isFile()) {
        send(404, `file ${name} not found\n`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': st.size });
      await new Promise<void>((done) => {
        const s = createReadStream(file);
        s.on('error', () => {
          res.destroy();
          done();
        });
        s.on('end', () => done());
        s.pipe(res);
      });
      return;
    }

    const info = {
      pod: opts.pod,
      namespace: opts.namespace,
      ip: opts.ip,
      node: opts.node,
      path,
      method,
      headers: req.headers,
      time: new Date().toISOString(),
    };
    if (url.searchParams.get('format') === 'text') {
      send(200, `${info.time} ${method} ${path} answered by pod ${info.pod} (namespace ${info.namespace}) ip ${info.ip} on node ${info.node}\n`);
    } else {
      send(200, info);
    }
  };

  const server = createServer((req, res) => {
    const start = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    inFlight++;
    if (draining) res.setHeader('connection', 'close');
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      `echo ${method}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.path': path,
          'server.address': opts.ip,
          'server.port': opts.port,
          'k8s.pod.name': opts.pod,
          'k8s.namespace.name': opts.namespace,
        },
      },
      parent,
    );
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const status = res.headersSent ? res.statusCode : 0;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500 || status === 0) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      const traceId = span.spanContext().traceId;
      const traced = trace.isSpanContextValid(span.spanContext()) ? ` trace=${traceId}` : '';
      log(`${method} ${path} ${status} ${ms.toFixed(1)}ms${traced}`);
      inFlight--;
      if (inFlight === 0) for (const w of idleWaiters.splice(0)) w();
    };
    res.once('finish', done);
    res.once('close', done);
    void context.with(trace.setSpan(parent, span), () =>
      handle(req, res).catch((err: unknown) => {
        span.recordException(err as Error);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`internal error: ${(err as Error).message}\n`);
        } else res.destroy();
      }),
    );
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;

  return {
    server,
    port,
    drain(timeoutMs = 5_000) {
      draining = true;
      server.close();
      server.closeIdleConnections();
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolveDrain) => {
        const timer = setTimeout(() => resolveDrain(false), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          server.closeIdleConnections();
          resolveDrain(true);
        });
      });
    },
  };
}
