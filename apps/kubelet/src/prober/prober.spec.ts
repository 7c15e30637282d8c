import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { intOrString, type Container, type Probe } from '@k8ts/api';
import type { ExecResult } from '../runtime/runtime';
import { RealProber } from './prober';

const target = { podIP: '127.0.0.1', containerId: 'cid', env: { WHO: 'world' } };

describe('RealProber httpGet', () => {
  let server: http.Server;
  let port: number;
  let seen: http.IncomingHttpHeaders | undefined;
  const hanging: http.ServerResponse[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen = req.headers;
      const code = Number(/^\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
      if (req.url === '/hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(code, { 'content-type': 'text/plain' });
      res.end(`code ${code}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await new Promise((r) => server.close(r));
  });

  const container = (): Container => ({ name: 'app', ports: [{ name: 'http', containerPort: port }] });
  const get = (path: string, p: number | string = port, o: Partial<Probe> = {}, extra: object = {}): Probe => ({
    handler: { httpGet: { path, port: intOrString(p), ...extra } },
    timeoutSeconds: 1,
    ...o,
  });

  it.each([
    { desc: '200 is success', path: '/status/200', want: 'success', output: /code 200/ },
    { desc: '302 is success (not followed)', path: '/status/302', want: 'success', output: /code 302/ },
    { desc: '404 is failure', path: '/status/404', want: 'failure', output: /statuscode: 404/ },
    { desc: '500 is failure', path: '/status/500', want: 'failure', output: /statuscode: 500/ },
    { desc: 'timeout is failure', path: '/hang', want: 'failure', output: /deadline exceeded/ },
  ])('$desc', async ({ path, want, output }) => {
    const res = await new RealProber().probe(get(path), 'readiness', target, container());
    expect(res.result).toBe(want);
    expect(res.output).toMatch(output);
  });

  it.each([
    { desc: 'named port resolves to the container port', port: 'http', want: 'success', output: /code 200/ },
    { desc: 'unknown named port fails', port: 'nope', want: 'failure', output: /invalid port "nope"/ },
  ])('$desc', async ({ port: p, want, output }) => {
    const res = await new RealProber().probe(get('/status/200', p), 'liveness', target, container());
    expect(res).toEqual({ result: want, output: expect.stringMatching(output) });
  });

  it('sends headers, a kube-probe user agent and honours an explicit host', async () => {
    const probe = get('/status/200', port, {}, { host: '127.0.0.1', httpHeaders: [{ name: 'X-Probe', value: 'yes' }, { name: 'Host', value: 'example.test' }] });
    const res = await new RealProber().probe(probe, 'readiness', { ...target, podIP: '127.0.0.2' }, container());
    expect(res.result).toBe('success');
    expect(seen).toMatchObject({ 'x-probe': 'yes', host: 'example.test', 'user-agent': expect.stringMatching(/^kube-probe\//) });
  });

  it('refuses HTTPS', async () => {
    const res = await new RealProber().probe(get('/', port, {}, { scheme: 'HTTPS' }), 'readiness', target, container());
    expect(res).toEqual({ result: 'failure', output: expect.stringMatching(/HTTPS/) });
  });

  it('fails on a refused connection', async () => {
    const closed = await closedPort();
    const res = await new RealProber().probe(get('/', closed), 'readiness', target, container());
    expect(res).toEqual({ result: 'failure', output: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('RealProber tcpSocket', () => {
  let server: net.Server;
  let open: number;

  beforeAll(async () => {
    server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    open = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it.each([
    { desc: 'open port succeeds', open: true, want: 'success' },
    { desc: 'closed port fails', open: false, want: 'failure' },
  ])('$desc', async ({ open: isOpen, want }) => {
    const port = isOpen ? open : await closedPort();
    const probe: Probe = { handler: { tcpSocket: { port: intOrString(port) } }, timeoutSeconds: 1 };
    const res = await new RealProber().probe(probe, 'liveness', target, { name: 'app' });
    expect(res.result).toBe(want);
  });
});

describe('RealProber exec and grpc', () => {
  const result = (o: Partial<ExecResult>): ExecResult => ({ exitCode: 0, stdout: '', stderr: '', timedOut: false, ...o });
  it.each([
    { desc: 'exit 0 is success', res: result({ stdout: 'ok' }), want: 'success', output: /ok/ },
    { desc: 'non-zero exit is failure', res: result({ exitCode: 1, stderr: 'bad' }), want: 'failure', output: /bad/ },
    { desc: 'timeout is failure', res: result({ exitCode: -1, timedOut: true }), want: 'failure', output: /timed out after 3s/ },
  ])('exec: $desc', async ({ res, want, output }) => {
    const calls: unknown[][] = [];
    const prober = new RealProber({
      execSync: async (...args) => {
        calls.push(args);
        return res;
      },
    });
    const probe: Probe = { handler: { exec: { command: ['check', '$(WHO)'] } }, timeoutSeconds: 3 };
    const out = await prober.probe(probe, 'liveness', target, { name: 'app' });
    expect(out).toEqual({ result: want, output: expect.stringMatching(output) });
    expect(calls).toEqual([['cid', ['check', 'world'], 3]]);
  });

  it.each([
    { desc: 'exec that throws is unknown', probe: { handler: { exec: { command: ['x'] } } }, want: 'unknown' },
    { desc: 'grpc is unknown', probe: { handler: { grpc: { port: 9000 } } }, want: 'unknown' },
    { desc: 'no handler is unknown', probe: {}, want: 'unknown' },
  ])('$desc', async ({ probe, want }) => {
    const prober = new RealProber({ execSync: () => Promise.reject(new Error('boom')) });
    expect((await prober.probe(probe, 'readiness', target, { name: 'app' })).result).toBe(want);
  });
});

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
