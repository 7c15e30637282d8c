// The kubelet API (default :10250) and its plain healthz port (:10248).
//
//   GET  /containerLogs/{namespace}/{pod}/{container}?follow&tailLines&previous&timestamps&limitBytes&sinceSeconds|sinceTime
//   POST /exec/{namespace}/{pod}/{container}?command=a&command=b[&timeoutSeconds=N]
//        non-interactive: JSON { exitCode, stdout, stderr }
//   GET  /exec/{namespace}/{pod}/{container}?command=..&stdin&stdout&stderr&tty  (WebSocket upgrade)
//        streaming exec, v5.channel.k8s.io / v4.channel.k8s.io (exec-stream.ts)
//   GET  /healthz     (both ports)
//   GET  /metrics     (Prometheus; API port only)
//
// Log files hold what the container wrote. A line in CRI format
// ("<RFC3339Nano> stdout|stderr F|P <text>") is shown without its prefix and,
// with timestamps=true, with its own time; a raw line gets the time it was
// read, as RFC3339Nano.
import { open, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Runtime } from '../runtime/runtime';
import { createExecStreamHandler, rejectUpgrade } from './exec-stream';

export interface ContainerRef {
  containerId: string;
  /** The previous attempt of the same container (for ?previous=true). */
  previousContainerId?: string;
}

/** A pino-compatible logger subset. */
export interface ServerLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface KubeletServerOptions {
  host: string;
  /** Kubelet API port (10250; 0 picks a free one). */
  port: number;
  /** Plain healthz port (10248; 0 picks a free one). */
  healthzPort: number;
  runtime: Pick<Runtime, 'logPath' | 'execSync' | 'exec' | 'containerStatus'>;
  /** Resolves a pod's container (the first container when `container` is empty). */
  findContainer(namespace: string, pod: string, container?: string): Promise<ContainerRef | undefined>;
  metricsRegistry: Registry;
  logger: ServerLogger;
  /** Poll period of follow=true (default 200 ms). */
  followPollMs?: number;
  /** Default (and maximum) exec timeout in seconds (default 60). */
  execTimeoutSeconds?: number;
}

export interface KubeletServer {
  readonly port: number;
  readonly healthzPort: number;
  /** Ends follow streams and closes both listeners. */
  stop(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const CRI_LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (stdout|stderr) (F|P) ?(.*)$/;

/** RFC 3339 with nanoseconds, as the kubelet prints timestamps ("2024-01-01T00:00:00.123000000Z"). */
export function rfc3339Nano(d: Date = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** One log line as shown to the user (without newline). */
export function formatLogLine(line: string, timestamps: boolean, readAt: () => Date = () => new Date()): string {
  const m = CRI_LINE.exec(line);
  if (m) return timestamps ? `${m[1]} ${m[4]}` : m[4];
  return timestamps ? `${rfc3339Nano(readAt())} ${line}` : line;
}

function parseNonNegInt(v: string | null, name: string): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `invalid ${name}: ${JSON.stringify(v)}`);
  return n;
}

/** The time of a CRI-format line (raw lines have none). */
export function logLineTime(line: string): number | undefined {
  const m = CRI_LINE.exec(line);
  if (!m) return undefined;
  const t = Date.parse(m[1]);
  return Number.isNaN(t) ? undefined : t;
}

/** sinceSeconds / sinceTime as an epoch-ms cut-off (lines stamped before it are skipped). */
function parseSince(q: URLSearchParams, now: number): number | undefined {
  const seconds = q.get('sinceSeconds');
  const time = q.get('sinceTime');
  if (seconds && time) throw new HttpError(400, 'at most one of sinceTime or sinceSeconds may be specified');
  if (seconds) {
    const n = Number(seconds);
    if (!Number.isInteger(n) || n < 1) throw new HttpError(400, `invalid sinceSeconds: ${JSON.stringify(seconds)}`);
    return now - n * 1000;
  }
  if (time) {
    const t = Date.parse(time);
    if (Number.isNaN(t)) throw new HttpError(400, `invalid sinceTime: ${JSON.stringify(time)}`);
    return t;
  }
  return undefined;
}

function parseBool(v: string | null): boolean {
  return v === 'true' || v === '1' || v === '';
}

export async function startKubeletServer(opts: KubeletServerOptions): Promise<KubeletServer> {
  const pollMs = opts.followPollMs ?? 200;
  const maxExecTimeout = opts.execTimeoutSeconds ?? 60;
  const open_ = new Set<ServerResponse>();
  let stopping = false;

  const sendText = (res: ServerResponse, status: number, text: string) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(text.endsWith('\n') ? text : text + '\n');
  };

  const resolveContainer = async (ns: string, pod: string, container: string, previous: boolean): Promise<string> => {
    const ref = await opts.findContainer(ns, pod, container || undefined);
    if (!ref) throw new HttpError(404, `container "${container}" in pod "${pod}" (namespace "${ns}") not found`);
    if (!previous) return ref.containerId;
    if (!ref.previousContainerId) throw new HttpError(400, `previous terminated container "${container}" in pod "${pod}" not found`);
    return ref.previousContainerId;
  };

  const containerLogs = async (req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]) => {
    const [ns, pod, container = ''] = parts;
    const q = url.searchParams;
    const follow = q.has('follow') && parseBool(q.get('follow'));
    const previous = q.has('previous') && parseBool(q.get('previous'));
    const timestamps = q.has('timestamps') && parseBool(q.get('timestamps'));
    const tailLines = parseNonNegInt(q.get('tailLines'), 'tailLines');
    const limitBytes = parseNonNegInt(q.get('limitBytes'), 'limitBytes');
    const since = parseSince(q, Date.now());
    const containerId = await resolveContainer(ns, pod, container, previous);
    const path = await opts.runtime.logPath(containerId);

    let offset = 0;
    let content = '';
    try {
      const fh = await open(path, 'r');
      try {
        const buf = await fh.readFile();
        offset = buf.length;
        content = buf.toString('utf8');
      } finally {
        await fh.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let lines = content.split('\n');
    let partial = lines.pop() ?? ''; // text after the last newline (a line still being written)
    // Like the kubelet's CRI log reader: the time filter first, then the tail.
    const recent = (l: string) => since === undefined || (logLineTime(l) ?? since) >= since;
    lines = lines.filter(recent);
    if (!recent(partial)) partial = '';
    if (tailLines !== undefined) {
      lines = tailLines === 0 ? [] : lines.slice(-tailLines);
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
    // A follower must see the stream open even before the container writes anything.
    if (follow) res.flushHeaders();
    let written = 0;
    const emit = (line: string): boolean => {
      if (res.writableEnded || res.destroyed) return false;
      let out = formatLogLine(line, timestamps) + '\n';
      if (limitBytes !== undefined) {
        if (written >= limitBytes) return false;
        if (written + Buffer.byteLength(out) > limitBytes) out = Buffer.from(out).subarray(0, limitBytes - written).toString('utf8');
      }
      written += Buffer.byteLength(out);
      res.write(out);
      return limitBytes === undefined || written < limitBytes;
    };
    let more = true;
    for (const l of lines) if (more) more = emit(l);
    if (!follow || !more) {
      if (partial && more) emit(partial);
      res.end();
      return;
    }

    // follow: poll the file for appended data until the client goes away,
    // the container has exited (and everything was sent), or stop().
    open_.add(res);
    let closed = false;
    res.once('close', () => {
      closed = true;
      open_.delete(res);
    });
    req.socket.setTimeout(0);
    let lastStatusCheck = 0;
    while (!closed && !stopping) {
      await new Promise((r) => setTimeout(r, pollMs));
      if (closed || stopping) break;
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch {
        size = 0;
      }
      if (size < offset) {
        offset = 0; // truncated / rotated
        partial = '';
      }
      if (size > offset) {
        const fh = await open(path, 'r');
        try {
          const buf = Buffer.alloc(size - offset);
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          offset += bytesRead;
          const parts2 = (partial + buf.subarray(0, bytesRead).toString('utf8')).split('\n');
          partial = parts2.pop() ?? '';
          for (const l of parts2) if (more) more = emit(l);
        } finally {
          await fh.close();
        }
        if (!more) break;
        continue;
      }
      // Nothing new: end the stream once the container has exited (like upstream).
      if (Date.now() - lastStatusCheck >= 1000) {
        lastStatusCheck = Date.now();
        try {
          const st = await opts.runtime.containerStatus(containerId);
          if (st.state === 'exited') break;
        } catch {
          break; // container removed
        }
      }
    }
    if (!closed && !res.writableEnded) {
      if (partial && more) emit(partial);
      res.end();
    }
    open_.delete(res);
  };

  const exec = async (req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]) => {
    const [ns, pod, container = ''] = parts;
    const command = url.searchParams.getAll('command');
    if (command.length === 0) throw new HttpError(400, 'you must specify at least one command for the container');
    const timeout = Math.min(parseNonNegInt(url.searchParams.get('timeoutSeconds'), 'timeoutSeconds') ?? maxExecTimeout, maxExecTimeout);
    const containerId = await resolveContainer(ns, pod, container, false);
    req.resume();
    const result = await opts.runtime.execSync(containerId, command, timeout);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, ...(result.timedOut ? { timedOut: true } : {}) }) + '\n');
  };

  const route = async (req: IncomingMessage, res: ServerResponse, api: boolean): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://kubelet.invalid');
    const method = req.method ?? 'GET';
    if (url.pathname === '/healthz' && (method === 'GET' || method === 'HEAD')) {
      sendText(res, 200, 'ok');
      return;
    }
    if (!api) throw new HttpError(404, '404 page not found');
    if (url.pathname === '/metrics' && method === 'GET') {
      const body = await opts.metricsRegistry.metrics();
      res.writeHead(200, { 'content-type': opts.metricsRegistry.contentType });
      res.end(body);
      return;
    }
    const segments = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
    const [head, ...rest] = segments;
    if (head === 'containerLogs' && (rest.length === 2 || rest.length === 3)) {
      if (method !== 'GET') throw new HttpError(405, 'method not allowed');
      await containerLogs(req, res, url, rest);
      return;
    }
    if (head === 'exec' && (rest.length === 2 || rest.length === 3)) {
      if (method !== 'POST') throw new HttpError(405, 'method not allowed');
      await exec(req, res, url, rest);
      return;
    }
    throw new HttpError(404, '404 page not found');
  };

  const handler = (api: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    const t0 = Date.now();
    route(req, res, api)
      .catch((err: unknown) => {
        if (err instanceof HttpError) sendText(res, err.status, err.message);
        else {
          opts.logger.warn({ err: (err as Error).message, url: req.url }, 'kubelet API request failed');
          sendText(res, 500, `internal error: ${(err as Error).message}`);
        }
      })
      .finally(() => opts.logger.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Date.now() - t0 }, 'kubelet API request'));
  };

  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.host, () => {
        server.off('error', reject);
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });

  const apiServer = createServer(handler(true));
  const execStreams = createExecStreamHandler({ runtime: opts.runtime, findContainer: opts.findContainer, logger: opts.logger });
  apiServer.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    if (!execStreams.handleUpgrade(req, socket, head)) rejectUpgrade(socket, 404, '404 page not found');
  });
  const healthServer = createServer(handler(false));
  const port = await listen(apiServer, opts.port);
  let healthzPort: number;
  try {
    healthzPort = await listen(healthServer, opts.healthzPort);
  } catch (err) {
    apiServer.close();
    throw err;
  }
  opts.logger.info({ host: opts.host, port, healthzPort }, 'kubelet API listening');

  const close = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
    });
  return {
    port,
    healthzPort,
    async stop() {
      stopping = true;
      execStreams.closeAll();
      for (const r of open_) r.end();
      open_.clear();
      const closing = Promise.all([close(apiServer), close(healthServer)]);
      setTimeout(() => {
        apiServer.closeAllConnections();
        healthServer.closeAllConnections();
      }, 1000).unref();
      await closing;
    },
  };
}
