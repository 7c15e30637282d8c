// pods/exec: kubectl's WebSocket upgrade (v5.channel.k8s.io, falling back to
// v4; SPDY is refused by the kubelet) is relayed to the kubelet's streaming exec endpoint, which speaks the
// same protocol. Like upstream's upgrade-aware proxy, the kubelet's 101
// response and every frame after it pass through unchanged; a refusal
// before the upgrade becomes a Status response.
import { type IncomingMessage, request } from 'node:http';
import type { Duplex } from 'node:stream';
import { newBadRequest, type StatusError } from '@k8ts/apimachinery';
import { statusForKubeletResponse, statusForKubeletUnreachable } from './kubelet-errors';
import { hostPort, type KubeletTarget, kubeletPath, pickQuery } from './kubelet-target';
import { writeStatusToSocket } from './socket-status';

const EXEC_PARAMS = ['command', 'stdin', 'stdout', 'stderr', 'tty'];
const FORWARDED_HEADERS = ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions'];

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

/** 400 for exec options upstream rejects. */
export function validatePodExecOptions(query: URLSearchParams): StatusError | undefined {
  if (query.getAll('command').length === 0) return newBadRequest('you must specify at least one command for the container');
  if (!flag(query, 'stdin') && !flag(query, 'stdout') && !flag(query, 'stderr')) return newBadRequest('you must specify at least 1 of stdin, stdout, stderr');
  return undefined;
}

/** Serializes the headers of an upgrade response exactly as received. */
function responseHead(statusCode: number, statusMessage: string, rawHeaders: string[]): string {
  let head = `HTTP/1.1 ${statusCode} ${statusMessage}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return head + '\r\n';
}

export function proxyPodExecUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: KubeletTarget, query: URLSearchParams): void {
  socket.on('error', () => undefined);
  const invalidOpts = validatePodExecOptions(query);
  if (invalidOpts) return writeStatusToSocket(socket, invalidOpts);
  // Any upgrade goes to the kubelet, which checks the container before the
  // protocol: kubectl retries a refused WebSocket upgrade over SPDY and shows
  // the second error, so both must name the real problem.
  const upgrade = req.headers['upgrade'];
  if (!upgrade) return writeStatusToSocket(socket, newBadRequest('Upgrade request required'));
  const path = kubeletPath('exec', target, pickQuery(query, EXEC_PARAMS));
  const url = `http://${hostPort(target)}${path}`;
  const headers: Record<string, string> = { connection: 'Upgrade', upgrade: Array.isArray(upgrade) ? upgrade[0] : upgrade, host: hostPort(target) };
  for (const h of FORWARDED_HEADERS) {
    const v = req.headers[h];
    if (v !== undefined) headers[h] = Array.isArray(v) ? v.join(', ') : v;
  }
  const upstream = request(url, { method: 'GET', agent: false, headers });
  let finished = false;
  const onClientGone = () => {
    if (!finished) upstream.destroy();
  };
  socket.once('close', onClientGone);

  upstream.on('upgrade', (kres, kubeletSocket, kubeletHead) => {
    finished = true;
    socket.off('close', onClientGone);
    kubeletSocket.on('error', () => undefined);
    if (socket.destroyed) {
      kubeletSocket.destroy();
      return;
    }
    socket.write(responseHead(kres.statusCode ?? 101, kres.statusMessage ?? 'Switching Protocols', kres.rawHeaders));
    if (kubeletHead.length > 0) socket.write(kubeletHead);
    if (head.length > 0) kubeletSocket.write(head);
    kubeletSocket.pipe(socket);
    socket.pipe(kubeletSocket);
    kubeletSocket.once('close', () => socket.end());
    socket.once('close', () => kubeletSocket.destroy());
  });
  upstream.on('response', (kres) => {
    finished = true;
    let body = '';
    kres.setEncoding('utf8');
    kres.on('data', (c: string) => (body += body.length < 64 * 1024 ? c : ''));
    kres.on('end', () => writeStatusToSocket(socket, statusForKubeletResponse(kres.statusCode ?? 500, body, target)));
  });
  upstream.on('error', (err) => {
    if (finished) return;
    finished = true;
    writeStatusToSocket(socket, statusForKubeletUnreachable(url, err));
  });
  upstream.end();
}
