// The proxy against an in-process stand-in for the kubelet API (the real
// kubelet's side is covered in apps/kubelet; the real pair in the REST e2e).
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { StatusError } from '@k8ts/apimachinery';
import { type KubeletTarget, proxyPodExecUpgrade, proxyPodLog } from './index';

let kubelet: Server;
let kubeletPort: number;
let front: Server;
let frontPort: number;
const seen: string[] = [];
let followClosed = 0;

/** Stand-in kubelet: /containerLogs and a v5/v4 WebSocket /exec that echoes its command. */
async function startFakeKubelet(): Promise<void> {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  kubelet = createServer((req, res) => {
    seen.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://k');
    if (url.pathname === '/containerLogs/default/web/web') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      if (url.searchParams.get('follow') === 'true') {
        res.write('first\n');
        const t = setInterval(() => res.write('tick\n'), 20);
        res.on('close', () => {
          clearInterval(t);
          followClosed++;
        });
        return;
      }
      res.end('line 1\nline 2\n');
      return;
    }
    if (url.pathname.startsWith('/containerLogs/default/web/')) {
      res.writeHead(404).end(`container "${url.pathname.split('/')[4]}" in pod "web" (namespace "default") not found\n`);
      return;
    }
    res.writeHead(400).end('bad thing\n');
  });
  kubelet.on('upgrade', (req, socket, head) => {
    seen.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://k');
    if (url.pathname !== '/exec/default/web/web') {
      const body = `container "${url.pathname.split('/')[4]}" in pod "web" (namespace "default") not found\n`;
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const cmd = url.searchParams.getAll('command');
      let input = '';
      ws.on('message', (d: Buffer) => {
        if (d[0] === 0) input += d.subarray(1).toString();
        if (d[0] === 255 && d[1] === 0) {
          ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`${ws.protocol} ${cmd.join(' ')} <${input}>\n`)]));
          ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }))]));
          ws.close(1000);
        }
      });
    });
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  kubeletPort = (kubelet.address() as AddressInfo).port;
}

const target = (over: Partial<KubeletTarget> = {}): KubeletTarget => ({ host: '127.0.0.1', port: kubeletPort, namespace: 'default', pod: 'web', container: 'web', ...over });

/** Front server standing in for the REST router: /log?container=.. and /exec?... */
async function startFront(): Promise<void> {
  front = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://f');
    const container = url.searchParams.get('container') ?? 'web';
    const port = url.searchParams.get('port');
    const waitingReason = url.searchParams.get('waiting') ?? undefined;
    proxyPodLog(req, res, target({ container, waitingReason, ...(port ? { port: Number(port) } : {}) }), url.searchParams).catch((err: unknown) => {
      const s = err as StatusError;
      res.writeHead(s.code, { 'content-type': 'application/json' }).end(JSON.stringify(s.toJSON()));
    });
  });
  front.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://f');
    proxyPodExecUpgrade(req, socket, head, target({ container: url.searchParams.get('container') ?? 'web' }), url.searchParams);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  frontPort = (front.address() as AddressInfo).port;
}

beforeAll(async () => {
  await startFakeKubelet();
  await startFront();
});

afterAll(async () => {
  front.closeAllConnections();
  kubelet.closeAllConnections();
  await new Promise((r) => front.close(r));
  await new Promise((r) => kubelet.close(r));
});

function get(path: string): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    request(`http://127.0.0.1:${frontPort}${path}`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    })
      .on('error', reject)
      .end();
  });
}

describe('proxyPodLog', () => {
  it('streams the kubelet log with the log options passed on', async () => {
    const r = await get('/log?tailLines=2&timestamps=true&unrelated=1');
    expect(r).toMatchObject({ status: 200, body: 'line 1\nline 2\n', type: 'text/plain' });
    expect(seen).toContain('/containerLogs/default/web/web?tailLines=2&timestamps=true');
  });

  it('follow streams until the client disconnects, then aborts the kubelet request', async () => {
    const before = followClosed;
    const text = await new Promise<string>((resolve, reject) => {
      let got = '';
      const r = request(`http://127.0.0.1:${frontPort}/log?follow=true`, (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          got += c;
          if (got.split('tick').length > 3) {
            r.destroy();
            resolve(got);
          }
        });
      });
      r.on('error', (e) => (got.includes('tick') ? undefined : reject(e)));
      r.end();
    });
    expect(text.startsWith('first\ntick\n')).toBe(true);
    await new Promise<void>((resolve) => {
      const check = () => (followClosed > before ? resolve() : setTimeout(check, 10));
      check();
    });
  });

  it.each([
    { desc: 'container not created yet → 400 waiting to start', path: '/log?container=init', status: 400, reason: 'BadRequest', message: 'container "init" in pod "web" is waiting to start: ContainerCreating' },
    { desc: 'image pull failure → 400 in upstream words', path: '/log?container=init&waiting=ErrImagePull', status: 400, reason: 'BadRequest', message: 'container "init" in pod "web" is waiting to start: image can\'t be pulled' },
    { desc: 'negative tailLines → 422', path: '/log?tailLines=-1', status: 422, reason: 'Invalid', message: 'PodLogOptions "" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0' },
    { desc: 'sinceSeconds with sinceTime → 422', path: '/log?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z', status: 422, reason: 'Invalid', message: expect.stringContaining('at most one of `sinceTime` or `sinceSeconds`') },
    { desc: 'kubelet unreachable → 500', path: '/log?port=1', status: 500, reason: 'InternalError', message: expect.stringContaining('error trying to reach service') },
  ])('$desc', async ({ path, status, reason, message }) => {
    const r = await get(path);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason, code: status, message });
  });

  it('throws StatusError instances', async () => {
    const res = { headersSent: false } as unknown as ServerResponse;
    await expect(proxyPodLog({} as IncomingMessage, res, target(), new URLSearchParams('limitBytes=0'))).rejects.toBeInstanceOf(StatusError);
  });
});

interface ExecResult {
  protocol: string;
  frames: Buffer[];
}

function exec(query: string, protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io']): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/exec?${query}`, protocols);
    const frames: Buffer[] = [];
    ws.on('open', () => {
      ws.send(Buffer.from([0, ...Buffer.from('in')]));
      ws.send(Buffer.from([255, 0]));
    });
    ws.on('message', (d: Buffer) => frames.push(d));
    ws.on('close', () => resolve({ protocol: ws.protocol, frames }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(body), { statusCode: res.statusCode, body })));
    });
    ws.on('error', (e) => ('statusCode' in e ? undefined : reject(e)));
  });
}

describe('proxyPodExecUpgrade', () => {
  it.each([
    { desc: 'v5', protocols: ['v5.channel.k8s.io', 'v4.channel.k8s.io'], want: 'v5.channel.k8s.io' },
    { desc: 'v4 fallback', protocols: ['v4.channel.k8s.io'], want: 'v4.channel.k8s.io' },
  ])('relays frames both ways ($desc)', async ({ protocols, want }) => {
    const r = await exec('command=sh&command=-c&command=exit%203&stdin=true&stdout=true&stderr=true&tty=false', protocols);
    expect(r.protocol).toBe(want);
    expect(r.frames[0][0]).toBe(1);
    expect(r.frames[0].subarray(1).toString()).toBe(`${want} sh -c exit 3 <in>\n`);
    expect(r.frames[1][0]).toBe(3);
    expect(JSON.parse(r.frames[1].subarray(1).toString())).toMatchObject({ reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
    expect(seen).toContain('/exec/default/web/web?command=sh&command=-c&command=exit+3&stdin=true&stdout=true&stderr=true&tty=false');
  });

  it.each([
    { desc: 'no command', query: 'stdout=true', status: 400, message: 'you must specify at least one command for the container' },
    { desc: 'no stream', query: 'command=ls', status: 400, message: 'you must specify at least 1 of stdin, stdout, stderr' },
    { desc: 'kubelet refuses', query: 'command=ls&stdout=true&container=other', status: 400, message: 'container "other" in pod "web" is waiting to start: ContainerCreating' },
  ])('answers a Status when the upgrade cannot happen: $desc', async ({ query, status, message }) => {
    const err = (await exec(query).catch((e: unknown) => e)) as { statusCode: number; body: string };
    expect(err.statusCode).toBe(status);
    expect(JSON.parse(err.body)).toMatchObject({ kind: 'Status', code: status, message });
  });
});
