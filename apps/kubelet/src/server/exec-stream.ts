// Streaming exec on the kubelet API: a WebSocket upgrade of
//   GET /exec/{namespace}/{pod}/{container}?command=a&command=b&stdin=1&stdout=1&stderr=1&tty=0
// speaking v5.channel.k8s.io / v4.channel.k8s.io (remote-command.ts). The
// command runs in the container's context (its env and cwd) through the
// runtime; the exit code comes back as a Status on channel 3. The apiserver
// relays kubectl's pods/exec WebSocket to this endpoint unchanged.
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { PassThrough, type Duplex, Writable } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Runtime } from '../runtime/runtime';
import { CLOSE, encodeFrame, ERROR, errorStatus, exitStatus, negotiateProtocol, PROTOCOL_V5, RESIZE, STDERR, STDIN, STDOUT } from './remote-command';

/** POSIX shell quoting of one argument. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * tty=true: the command runs on a pseudo-terminal allocated by util-linux
 * `script` (quiet, flushed, child's exit code), so shells are interactive
 * and programs see a terminal. Without `script` the command runs on pipes.
 */
export function ttyCommand(command: readonly string[], scriptPath: string | undefined, size?: TerminalSize): string[] {
  if (!scriptPath) return [...command];
  const run = command.map(shellQuote).join(' ');
  // The terminal gets the client's size first (later resizes are not applied).
  const inner = size ? `stty cols ${size.width} rows ${size.height} 2>/dev/null; exec ${run}` : run;
  return [scriptPath, '-q', '-f', '-e', '-c', inner, '/dev/null'];
}

export interface TerminalSize {
  width: number;
  height: number;
}

/** A resize frame's body: {"Width":80,"Height":24}. */
export function parseTerminalSize(body: Buffer): TerminalSize | undefined {
  try {
    const v = JSON.parse(body.toString('utf8')) as { Width?: unknown; Height?: unknown };
    const width = Number(v.Width);
    const height = Number(v.Height);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width > 10_000 || height > 10_000) return undefined;
    return { width, height };
  } catch {
    return undefined;
  }
}

/** How long a tty session waits for the client's first resize before starting without it. */
const FIRST_RESIZE_WAIT_MS = 250;

function findScript(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '/usr/bin:/bin').split(':')) {
    const p = join(dir || '.', 'script');
    if (existsSync(p)) return p;
  }
  return undefined;
}

export interface ExecStreamOptions {
  runtime: Pick<Runtime, 'exec' | 'containerStatus'>;
  findContainer(namespace: string, pod: string, container?: string): Promise<{ containerId: string } | undefined>;
  logger: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Path of util-linux `script` for tty=true (default: looked up on PATH; null disables ttys). */
  scriptPath?: string | null;
}

export interface ExecStreamHandler {
  /** Handles an 'upgrade' event; returns false when the path is not an exec stream. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Kills running commands and closes their sockets. */
  closeAll(): void;
}

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' };

/** Writes a plain HTTP error on a socket that was not upgraded, then closes it. */
export function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const body = message.endsWith('\n') ? message : message + '\n';
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

function offeredProtocols(req: IncomingMessage): string[] {
  const h = req.headers['sec-websocket-protocol'];
  return (Array.isArray(h) ? h.join(',') : (h ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
}

export function createExecStreamHandler(opts: ExecStreamOptions): ExecStreamHandler {
  const scriptPath = opts.scriptPath === null ? undefined : (opts.scriptPath ?? findScript());
  const sessions = new Set<{ ws: WebSocket; abort: AbortController }>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => negotiateProtocol(offered) ?? false });

  const run = (ws: WebSocket, containerId: string, command: string[], q: URLSearchParams) => {
    const abort = new AbortController();
    const session = { ws, abort };
    sessions.add(session);
    const v5 = ws.protocol === PROTOCOL_V5;
    const tty = flag(q, 'tty');
    const stdin = flag(q, 'stdin') ? new PassThrough() : undefined;
    const sink = (channel: number) =>
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          if (ws.readyState === ws.OPEN) ws.send(encodeFrame(channel, chunk), { binary: true });
          cb();
        },
      });
    const discard = new Writable({ write: (_c, _e, cb) => cb() });
    const stdout = flag(q, 'stdout') ? sink(STDOUT) : discard;
    const stderr = tty ? stdout : flag(q, 'stderr') ? sink(STDERR) : discard;

    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (buf.length === 0) return;
      const channel = buf[0];
      if (channel === STDIN) stdin?.write(buf.subarray(1));
      else if (channel === CLOSE && v5 && buf[1] === STDIN) stdin?.end();
      else if (channel === RESIZE) onResize(parseTerminalSize(buf.subarray(1)));
    });
    let exited = false;
    ws.on('close', () => {
      stdin?.end();
      if (!exited) abort.abort();
      sessions.delete(session);
    });
    ws.on('error', () => undefined);

    // kubectl sends the terminal size right after connecting; a tty session waits briefly for it.
    let onResize: (size: TerminalSize | undefined) => void = () => undefined;
    const firstSize =
      tty && scriptPath
        ? new Promise<TerminalSize | undefined>((resolve) => {
            const timer = setTimeout(() => resolve(undefined), FIRST_RESIZE_WAIT_MS);
            onResize = (size) => {
              clearTimeout(timer);
              onResize = () => undefined;
              resolve(size);
            };
          })
        : Promise.resolve(undefined);

    firstSize
      .then((size) => opts.runtime.exec(containerId, tty ? ttyCommand(command, scriptPath, size) : command, { stdin, stdout, stderr, signal: abort.signal }))
      .then(
        (code) => exitStatus(code, command),
        (err: unknown) => errorStatus(`error executing command in container: ${(err as Error).message}`),
      )
      .then((status) => {
        exited = true;
        if (ws.readyState === ws.OPEN) {
          ws.send(encodeFrame(ERROR, JSON.stringify(status)), { binary: true });
          ws.close(1000);
        }
        sessions.delete(session);
      });
  };

  const prepare = async (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, parts: string[]) => {
    const [ns, pod, container = ''] = parts;
    const command = url.searchParams.getAll('command');
    if (command.length === 0) return rejectUpgrade(socket, 400, 'you must specify at least one command for the container');
    const ref = await opts.findContainer(ns, pod, container || undefined);
    if (!ref) return rejectUpgrade(socket, 404, `container "${container}" in pod "${pod}" (namespace "${ns}") not found`);
    const state = await opts.runtime.containerStatus(ref.containerId).then(
      (s) => s.state,
      () => 'unknown',
    );
    if (state !== 'running') return rejectUpgrade(socket, 400, `container "${container}" in pod "${pod}" is not running`);
    // Protocol last: a client that falls back from WebSocket to SPDY then sees the container problem twice, not a protocol error.
    if ((req.headers['upgrade'] ?? '').toLowerCase() !== 'websocket') return rejectUpgrade(socket, 400, 'unable to upgrade: only websocket streams are supported');
    if (!negotiateProtocol(offeredProtocols(req))) {
      return rejectUpgrade(socket, 400, `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offeredProtocols(req))}, server supports ["v5.channel.k8s.io","v4.channel.k8s.io"]`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => run(ws, ref.containerId, command, url.searchParams));
  };

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://kubelet.invalid');
      const parts = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
      if (parts[0] !== 'exec' || parts.length < 3 || parts.length > 4) return false;
      if (req.method !== 'GET' && req.method !== 'POST') {
        rejectUpgrade(socket, 405, 'method not allowed');
        return true;
      }
      socket.on('error', () => undefined);
      prepare(req, socket, head, url, parts.slice(1)).catch((err: unknown) => {
        opts.logger.warn({ err: (err as Error).message, url: req.url }, 'kubelet exec stream failed');
        if (socket.writable) rejectUpgrade(socket, 500, `internal error: ${(err as Error).message}`);
      });
      return true;
    },
    closeAll() {
      for (const s of sessions) {
        s.abort.abort();
        s.ws.terminate();
      }
      sessions.clear();
      wss.close();
    },
  };
}
